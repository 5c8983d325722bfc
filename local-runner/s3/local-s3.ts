/**
 * A file-based S3: `s3://bucket/key` is the file `<root>/<bucket>/<key>`. Writes are atomic (temp file + rename),
 * so a crashed job never leaves half an object. Prefix semantics follow S3: `s3://b/a/b` matches `a/b`, `a/b/c`
 * and `a/bc` alike; a download puts objects below a folder prefix at their key below it (see downloadPrefix).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ErrorCode, SagepipeError, isSagepipeError } from '../../src/errors.ts';
import { type S3Location, formatS3Uri, parseS3Uri } from './s3-uri.ts';
import { isInside } from '../../src/util/confine.ts';

export interface S3Object {
  readonly uri: string;
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export class LocalS3 {
  constructor(readonly root: string) {}

  /** The file behind a URI (checked to stay inside the root). */
  pathOf(uri: string | S3Location): string {
    const loc = typeof uri === 'string' ? parseS3Uri(uri) : uri;
    const path = resolve(this.root, loc.bucket, loc.key);
    const bucketRoot = resolve(this.root, loc.bucket);
    if (!isInside(bucketRoot, path)) {
      throw new SagepipeError(ErrorCode.S3UriInvalid, `'${formatS3Uri(loc)}' leaves its bucket`, { path: formatS3Uri(loc) });
    }
    return path;
  }

  async putObject(uri: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(uri);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.sagepipe-tmp-${randomUUID()}`;
    await writeFile(temp, body);
    await rename(temp, path);
  }

  /** Copies a file in; with `lastModified`, the object keeps that time (as `aws s3 sync` relies on). */
  async putFile(uri: string, file: string, options: { readonly lastModified?: Date } = {}): Promise<void> {
    const path = this.pathOf(uri);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.sagepipe-tmp-${randomUUID()}`;
    await copyFile(file, temp);
    if (options.lastModified) await utimes(temp, options.lastModified, options.lastModified);
    await rename(temp, path);
  }

  /** The buckets: the folders directly under the root, sorted by name. */
  async buckets(): Promise<{ readonly name: string; readonly created: Date }[]> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch {
      return [];
    }
    const out = [];
    for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      out.push({ name: e.name, created: (await stat(join(this.root, e.name))).birthtime });
    }
    return out;
  }

  async hasBucket(bucket: string): Promise<boolean> {
    try {
      return (await stat(resolve(this.root, parseS3Uri(`s3://${bucket}/`).bucket))).isDirectory();
    } catch (error) {
      if (isSagepipeError(error)) throw error;
      return false;
    }
  }

  async getObject(uri: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(uri));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') {
        throw new SagepipeError(ErrorCode.S3ObjectNotFound, `no such object: ${uri}`, { path: uri });
      }
      throw error;
    }
  }

  getObjectStream(uri: string): NodeJS.ReadableStream {
    return createReadStream(this.pathOf(uri));
  }

  async headObject(uri: string): Promise<S3Object | undefined> {
    try {
      const s = await stat(this.pathOf(uri));
      if (!s.isFile()) return undefined;
      const loc = parseS3Uri(uri);
      return { uri, key: loc.key, size: s.size, lastModified: s.mtime };
    } catch {
      return undefined;
    }
  }

  async deleteObject(uri: string): Promise<void> {
    await rm(this.pathOf(uri), { force: true });
  }

  /** Every object whose key starts with the URI's key (S3's prefix match), sorted by key. */
  async list(prefixUri: string): Promise<S3Object[]> {
    const loc = parseS3Uri(prefixUri);
    const bucketRoot = resolve(this.root, loc.bucket);
    // Walk from the deepest folder the prefix fully names.
    const slash = loc.key.lastIndexOf('/');
    const startDir = resolve(bucketRoot, slash >= 0 ? loc.key.slice(0, slash) : '');
    const out: S3Object[] = [];
    // Only folders on the way to the prefix, or under it, are entered.
    const enter = (dir: string) => {
      const key = relative(bucketRoot, dir).split(sep).join('/');
      return `${key}/`.startsWith(loc.key) || loc.key.startsWith(`${key}/`);
    };
    for await (const full of walkFiles(startDir, enter)) {
      const key = relative(bucketRoot, full).split(sep).join('/');
      if (!key.startsWith(loc.key) || full.includes('.sagepipe-tmp-')) continue;
      const s = await stat(full);
      out.push({ uri: `s3://${loc.bucket}/${key}`, key, size: s.size, lastModified: s.mtime });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Copies what an S3Prefix input names into a folder, as SageMaker does for `File` mode: a prefix naming a folder
   * puts each object at its key below that folder; one naming an object puts it at its file name. Returns the
   * number of files. Throws when nothing matches.
   */
  async downloadPrefix(prefixUri: string, destination: string): Promise<number> {
    const loc = parseS3Uri(prefixUri);
    const objects = await this.list(prefixUri);
    if (objects.length === 0) {
      throw new SagepipeError(ErrorCode.S3ObjectNotFound, `no objects under ${prefixUri}`, { path: prefixUri });
    }
    const prefix = loc.key.replace(/\/+$/, '');
    const parent = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    await mkdir(destination, { recursive: true });
    for (const o of objects) {
      // The prefix names a file (the object itself), a folder (objects below it), or the start of names.
      const relativeKey =
        o.key === prefix ? o.key.slice(parent.length) : o.key.startsWith(`${prefix}/`) ? o.key.slice(prefix.length + 1) : o.key.slice(parent.length);
      const target = join(destination, ...relativeKey.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(this.pathOf(o.uri), target);
    }
    return objects.length;
  }

  /** Uploads every file under a folder to `<prefix>/<relative path>`. Returns the number of files. */
  async uploadDirectory(directory: string, prefixUri: string): Promise<number> {
    let count = 0;
    for await (const full of walkFiles(directory, () => true)) {
      const rel = relative(directory, full).split(sep).join('/');
      await this.putFile(`${prefixUri.replace(/\/+$/, '')}/${rel}`, full);
      count++;
    }
    return count;
  }
}

/** Every file below a folder (entering only the sub-folders `enter` accepts); a missing folder has none. */
async function* walkFiles(dir: string, enter: (dir: string) => boolean): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (enter(full)) yield* walkFiles(full, enter);
    } else if (e.isFile()) yield full;
  }
}
