/**
 * `aws s3 cp | ls | rm | sync` on a local S3: local files ↔ `s3://` URIs and S3 → S3, with `aws s3`'s rules for
 * where a file lands (a destination ending in `/`, or an existing folder, receives the source's name; `--recursive`
 * treats a key as a folder prefix). Results are typed items, reported one by one through `onItem` as they complete;
 * nothing here prints.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import type { LocalS3 } from './local-s3.ts';
import { parseS3Uri } from './s3-uri.ts';

/** One side of a transfer: a local path or an S3 location (key may be empty or end with `/`). */
export type Location =
  | { readonly kind: 'local'; readonly path: string; readonly trailingSlash: boolean }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

export function parseLocation(argument: string, cwd: string): Location {
  if (argument.startsWith('s3://')) {
    const { bucket, key } = parseS3Uri(argument);
    return { kind: 's3', bucket, key };
  }
  return { kind: 'local', path: resolve(cwd, argument), trailingSlash: /[\\/]$/.test(argument) };
}

export function formatLocation(location: Location): string {
  return location.kind === 's3' ? `s3://${location.bucket}/${location.key}` : location.path;
}

export type TransferAction = 'upload' | 'download' | 'copy' | 'delete';

/** One file moved or removed (or, in a dry run, that would be). */
export interface TransferItem {
  readonly action: TransferAction;
  /** The local path or `s3://` URI read from; absent for deletes. */
  readonly source?: string;
  /** The local path or `s3://` URI written or deleted. */
  readonly destination: string;
  readonly size: number;
}

/**
 * `--exclude` / `--include` patterns, matched against a file's path relative to the source folder (`*` matches
 * across `/`, `?` one character, `[…]` a class). A file is skipped when an exclude matches and no include does.
 */
export interface TransferFilters {
  readonly exclude?: readonly string[];
  readonly include?: readonly string[];
}

export interface TransferOptions {
  /** Treat the source as a folder (local) or a folder prefix (S3). @default false */
  readonly recursive?: boolean;
  /** Report what would be done, change nothing. @default false */
  readonly dryRun?: boolean;
  readonly filters?: TransferFilters;
  /** Called once per item, after it is done (before, in a dry run): progress for slow transfers. */
  readonly onItem?: (item: TransferItem) => void;
}

/** How `sync` decides that a file present on both sides must be copied again. */
export type SyncCompare = 'size-and-time' | 'size' | 'checksum';

export interface SyncOptions extends Omit<TransferOptions, 'recursive'> {
  /** `size-and-time` (aws's default): size differs or the source is newer; `checksum`: size or SHA-256 differs. @default 'size-and-time' */
  readonly compare?: SyncCompare;
  /** Delete destination files the source does not have. @default false */
  readonly delete?: boolean;
}

/** A file found under a source or destination, by its path relative to the folder or prefix. */
interface Entry {
  readonly relative: string;
  readonly size: number;
  readonly mtime: Date;
}

// ---------------------------------------------------------------------------------------------------------------

export async function copy(s3: LocalS3, source: Location, destination: Location, options: TransferOptions = {}): Promise<TransferItem[]> {
  assertTransferable(source, destination, 'cp');
  if (!options.recursive) {
    const entry = await singleEntry(s3, source);
    const target = fileTarget(destination, basename(entry.relative), await isLocalFolder(destination));
    if (formatLocation(target) === formatLocation(source)) {
      throw new SagepipeError(ErrorCode.UsageError, `cannot copy ${formatLocation(source)} onto itself`, { path: formatLocation(source) });
    }
    return [await transfer(s3, source, target, entry, options, { keepTime: false })];
  }
  const from = asFolder(source);
  const to = asFolder(destination);
  const entries = (await listEntries(s3, from, { mustExist: true })).filter((e) => passes(e.relative, options.filters));
  const items: TransferItem[] = [];
  for (const entry of entries) items.push(await transfer(s3, child(from, entry.relative), child(to, entry.relative), entry, options, { keepTime: false }));
  return items;
}

export async function sync(s3: LocalS3, source: Location, destination: Location, options: SyncOptions = {}): Promise<TransferItem[]> {
  assertTransferable(source, destination, 'sync');
  const from = asFolder(source);
  const to = asFolder(destination);
  const sourceEntries = (await listEntries(s3, from, { mustExist: true })).filter((e) => passes(e.relative, options.filters));
  const existing = new Map((await listEntries(s3, to, { mustExist: false })).map((e) => [e.relative, e] as const));
  const compare = options.compare ?? 'size-and-time';
  const items: TransferItem[] = [];
  for (const entry of sourceEntries) {
    const there = existing.get(entry.relative);
    if (there && !(await differs(s3, compare, child(from, entry.relative), entry, child(to, entry.relative), there))) continue;
    // Times are kept so that the next sync sees the two sides as equal.
    items.push(await transfer(s3, child(from, entry.relative), child(to, entry.relative), entry, options, { keepTime: true }));
  }
  if (options.delete) {
    const wanted = new Set(sourceEntries.map((e) => e.relative));
    for (const entry of existing.values()) {
      if (wanted.has(entry.relative) || !passes(entry.relative, options.filters)) continue;
      items.push(await removeOne(s3, child(to, entry.relative), entry.size, options));
    }
  }
  return items;
}

export async function remove(s3: LocalS3, target: Location, options: TransferOptions = {}): Promise<TransferItem[]> {
  if (target.kind !== 's3') {
    throw new SagepipeError(ErrorCode.UsageError, `rm removes s3:// objects, not local files (got ${target.path})`, { path: target.path });
  }
  if (!options.recursive) {
    const entry = await singleEntry(s3, target);
    return [await removeOne(s3, target, entry.size, options)];
  }
  const folder = asFolder(target);
  const entries = (await listEntries(s3, folder, { mustExist: true })).filter((e) => passes(e.relative, options.filters));
  const items: TransferItem[] = [];
  for (const entry of entries) items.push(await removeOne(s3, child(folder, entry.relative), entry.size, options));
  return items;
}

export interface ListedObject {
  readonly key: string;
  readonly uri: string;
  readonly size: number;
  readonly lastModified: string;
}

export type Listing =
  | { readonly kind: 'buckets'; readonly buckets: readonly { readonly name: string; readonly creationDate: string }[] }
  | { readonly kind: 'objects'; readonly bucket: string; readonly prefix: string; readonly prefixes: readonly string[]; readonly objects: readonly ListedObject[] };

/**
 * `ls`: the buckets (no target), or what is under `s3://bucket/prefix` — as S3 lists with the `/` delimiter (common
 * prefixes and the objects at that level), or every object below it with `recursive`.
 */
export async function list(s3: LocalS3, target: Location | undefined, options: { readonly recursive?: boolean } = {}): Promise<Listing> {
  if (target === undefined) {
    return { kind: 'buckets', buckets: (await s3.buckets()).map((b) => ({ name: b.name, creationDate: b.created.toISOString() })) };
  }
  if (target.kind !== 's3') throw new SagepipeError(ErrorCode.UsageError, `ls lists s3:// locations (got ${target.path})`, { path: target.path });
  await requireBucket(s3, target.bucket);
  const found = await s3.list(`s3://${target.bucket}/${target.key}`);
  const prefixes = new Set<string>();
  const objects: ListedObject[] = [];
  for (const o of found) {
    const rest = o.key.slice(target.key.length);
    const slash = rest.indexOf('/');
    if (!options.recursive && slash >= 0) prefixes.add(target.key + rest.slice(0, slash + 1));
    else objects.push({ key: o.key, uri: o.uri, size: o.size, lastModified: o.lastModified.toISOString() });
  }
  if (target.key !== '' && found.length === 0) {
    throw new SagepipeError(ErrorCode.S3ObjectNotFound, `nothing in the local S3 under s3://${target.bucket}/${target.key}`, { path: `s3://${target.bucket}/${target.key}` });
  }
  return { kind: 'objects', bucket: target.bucket, prefix: target.key, prefixes: [...prefixes].sort(), objects };
}

// ---------------------------------------------------------------------------------------------------------------

function assertTransferable(source: Location, destination: Location, command: string): void {
  if (source.kind === 'local' && destination.kind === 'local') {
    throw new SagepipeError(ErrorCode.UsageError, `${command} needs an s3:// location on at least one side (got ${source.path} and ${destination.path})`);
  }
}

function actionFor(source: Location, destination: Location): TransferAction {
  if (source.kind === 'local') return 'upload';
  return destination.kind === 'local' ? 'download' : 'copy';
}

/** The location as a folder: a local folder, or a key prefix ending in `/` (the bucket root stays empty). */
function asFolder(location: Location): Location {
  if (location.kind === 'local') return { ...location, trailingSlash: true };
  return { ...location, key: location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/` };
}

function child(folder: Location, relativePath: string): Location {
  if (folder.kind === 'local') return { kind: 'local', path: join(folder.path, ...relativePath.split('/')), trailingSlash: false };
  return { kind: 's3', bucket: folder.bucket, key: `${folder.key}${relativePath}` };
}

/** Where a single file goes: into the destination when it names a folder, else to the destination itself. */
function fileTarget(destination: Location, name: string, destinationIsFolder: boolean): Location {
  if (destination.kind === 's3') {
    return destination.key === '' || destination.key.endsWith('/') ? { ...destination, key: `${destination.key}${name}` } : destination;
  }
  return destination.trailingSlash || destinationIsFolder ? { kind: 'local', path: join(destination.path, name), trailingSlash: false } : destination;
}

async function isLocalFolder(location: Location): Promise<boolean> {
  if (location.kind !== 'local') return false;
  try {
    return (await stat(location.path)).isDirectory();
  } catch {
    return false;
  }
}

async function requireBucket(s3: LocalS3, bucket: string): Promise<void> {
  if (!(await s3.hasBucket(bucket))) {
    throw new SagepipeError(ErrorCode.S3BucketNotFound, `no bucket '${bucket}' in the local S3 (${s3.root}); copying a file to s3://${bucket}/… creates it`, { path: `s3://${bucket}` });
  }
}

/** The one file a non-recursive cp/rm names; a clear error when it is missing or is a folder. */
async function singleEntry(s3: LocalS3, location: Location): Promise<Entry> {
  if (location.kind === 'local') {
    let s;
    try {
      s = await stat(location.path);
    } catch {
      throw new SagepipeError(ErrorCode.FileUnreadable, `the file ${location.path} does not exist`, { path: location.path });
    }
    if (s.isDirectory()) throw new SagepipeError(ErrorCode.UsageError, `${location.path} is a folder: add --recursive to copy what is in it`, { path: location.path });
    return { relative: basename(location.path), size: s.size, mtime: s.mtime };
  }
  await requireBucket(s3, location.bucket);
  const uri = `s3://${location.bucket}/${location.key}`;
  const head = location.key === '' || location.key.endsWith('/') ? undefined : await s3.headObject(uri);
  if (!head) {
    const below = await s3.list(asFolderUri(location));
    const hint = below.length > 0 ? `: it is a prefix of ${below.length} object${below.length === 1 ? '' : 's'}, add --recursive` : '';
    throw new SagepipeError(ErrorCode.S3ObjectNotFound, `no object ${uri} in the local S3${hint}`, { path: uri });
  }
  return { relative: location.key.slice(location.key.lastIndexOf('/') + 1), size: head.size, mtime: head.lastModified };
}

function asFolderUri(location: Location & { kind: 's3' }): string {
  const folder = asFolder(location) as Location & { kind: 's3' };
  return `s3://${folder.bucket}/${folder.key}`;
}

/** Files under a folder or prefix; a missing one is an error when it is a source, empty when a destination. */
async function listEntries(s3: LocalS3, folder: Location, options: { mustExist: boolean }): Promise<Entry[]> {
  if (folder.kind === 's3') {
    if (options.mustExist) await requireBucket(s3, folder.bucket);
    else if (!(await s3.hasBucket(folder.bucket))) return [];
    const objects = await s3.list(`s3://${folder.bucket}/${folder.key}`);
    return objects.map((o) => ({ relative: o.key.slice(folder.key.length), size: o.size, mtime: o.lastModified }));
  }
  let s;
  try {
    s = await stat(folder.path);
  } catch {
    if (!options.mustExist) return [];
    throw new SagepipeError(ErrorCode.FileUnreadable, `the folder ${folder.path} does not exist`, { path: folder.path });
  }
  if (!s.isDirectory()) {
    if (!options.mustExist) return [];
    throw new SagepipeError(ErrorCode.UsageError, `${folder.path} is a file, not a folder (without --recursive, cp copies one file)`, { path: folder.path });
  }
  const out: Entry[] = [];
  for await (const full of walk(folder.path)) {
    const st = await stat(full);
    out.push({ relative: relative(folder.path, full).split(sep).join('/'), size: st.size, mtime: st.mtime });
  }
  return out.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* walk(full);
    else if (e.isFile()) yield full;
  }
}

async function transfer(s3: LocalS3, source: Location, destination: Location, entry: Entry, options: TransferOptions, how: { keepTime: boolean }): Promise<TransferItem> {
  const item: TransferItem = { action: actionFor(source, destination), source: formatLocation(source), destination: formatLocation(destination), size: entry.size };
  if (options.dryRun) {
    options.onItem?.(item);
    return item;
  }
  const from = source.kind === 'local' ? source.path : s3.pathOf(formatLocation(source));
  const lastModified = how.keepTime ? entry.mtime : undefined;
  if (destination.kind === 's3') {
    await s3.putFile(formatLocation(destination), from, lastModified ? { lastModified } : {});
  } else {
    await mkdir(dirname(destination.path), { recursive: true });
    const temp = `${destination.path}.sagepipe-tmp-${randomUUID()}`;
    await copyFile(from, temp);
    if (lastModified) await utimes(temp, lastModified, lastModified);
    await rename(temp, destination.path);
  }
  options.onItem?.(item);
  return item;
}

async function removeOne(s3: LocalS3, target: Location, size: number, options: TransferOptions): Promise<TransferItem> {
  const item: TransferItem = { action: 'delete', destination: formatLocation(target), size };
  if (!options.dryRun) {
    if (target.kind === 's3') await s3.deleteObject(formatLocation(target));
    else await rm(target.path, { force: true });
  }
  options.onItem?.(item);
  return item;
}

async function differs(s3: LocalS3, compare: SyncCompare, source: Location, sourceEntry: Entry, destination: Location, destinationEntry: Entry): Promise<boolean> {
  if (sourceEntry.size !== destinationEntry.size) return true;
  switch (compare) {
    case 'size':
      return false;
    case 'size-and-time':
      // Whole seconds: file systems and S3 keep different precisions.
      return Math.floor(sourceEntry.mtime.getTime() / 1000) > Math.floor(destinationEntry.mtime.getTime() / 1000);
    case 'checksum':
      return (await sha256(s3, source)) !== (await sha256(s3, destination));
    default: {
      const unexpected: never = compare;
      throw new SagepipeError(ErrorCode.Internal, `unknown comparison ${String(unexpected)}`, { fault: 'sagepipe' });
    }
  }
}

function sha256(s3: LocalS3, location: Location): Promise<string> {
  const path = location.kind === 'local' ? location.path : s3.pathOf(formatLocation(location));
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

function passes(relativePath: string, filters: TransferFilters | undefined): boolean {
  if (!filters) return true;
  const excluded = (filters.exclude ?? []).some((p) => globToRegExp(p).test(relativePath));
  return !excluded || (filters.include ?? []).some((p) => globToRegExp(p).test(relativePath));
}

/** `aws s3`'s patterns (Python's fnmatch): `*` matches anything, `/` included. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = pattern.slice(i + 1, end);
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
