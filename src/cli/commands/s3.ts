/** `sagepipe s3 cp|ls|rm|sync`: the workspace's local S3 with `aws s3`'s syntax, to put a pipeline's inputs in place. */
import { relative } from 'node:path';
import type { Command } from 'commander';
import {
  type Listing,
  type SyncCompare,
  type TransferFilters,
  type TransferItem,
  copy,
  list,
  parseLocation,
  remove,
  sync,
} from '../../../local-runner/s3/transfer.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { openSession } from '../../../local-runner/workspace.ts';

interface TransferFlags {
  readonly workspace?: string;
  readonly recursive?: boolean;
  readonly dryrun?: boolean;
  readonly quiet?: boolean;
  readonly json?: boolean;
  readonly exclude?: string[];
  readonly include?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function addTransferFlags(command: Command, recursive: boolean): Command {
  addWorkspaceOption(command);
  if (recursive) command.option('--recursive', 'the source is a folder (local) or a folder prefix (s3://): every file below it');
  return command
    .option('--dryrun', 'print what would be done, change nothing')
    .option('--exclude <pattern>', 'skip files whose path below the source matches (repeatable; * ? [..])', collect)
    .option('--include <pattern>', 'keep files an --exclude matched, when they match this (repeatable)', collect)
    .option('--quiet', 'print nothing but errors')
    .option('--json', 'print what was done as JSON (an array of {action, source, destination, size})');
}

/** Shows a local path relative to the working folder, as `aws s3` does; URIs as they are. */
function shown(io: CliIO, location: string): string {
  if (location.startsWith('s3://')) return location;
  const rel = relative(io.cwd, location);
  return rel.startsWith('..') ? location : `./${rel}`;
}

function progress(io: CliIO, flags: TransferFlags): (item: TransferItem) => void {
  return (item) => {
    if (flags.quiet || flags.json) return;
    const what = item.source ? `${shown(io, item.source)} to ${shown(io, item.destination)}` : shown(io, item.destination);
    io.out(`${flags.dryrun ? '(dryrun) ' : ''}${item.action}: ${what}\n`);
  };
}

function options(io: CliIO, flags: TransferFlags) {
  const filters: TransferFilters = { exclude: flags.exclude ?? [], include: flags.include ?? [] };
  return { recursive: flags.recursive ?? false, dryRun: flags.dryrun ?? false, filters, onItem: progress(io, flags) };
}

function finish(io: CliIO, flags: TransferFlags, items: readonly TransferItem[], nothing: string): void {
  if (flags.json) io.out(`${JSON.stringify(items, null, 2)}\n`);
  else if (items.length === 0 && !flags.quiet) io.err(`${nothing}\n`);
}

function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, '');
}

function humanSize(bytes: number): string {
  const units = ['Bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} Bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

function printListing(io: CliIO, listing: Listing, flags: { recursive?: boolean; humanReadable?: boolean; summarize?: boolean }): void {
  if (listing.kind === 'buckets') {
    for (const b of listing.buckets) io.out(`${formatTime(b.creationDate)} ${b.name}\n`);
    return;
  }
  const size = (n: number) => (flags.humanReadable ? humanSize(n) : String(n)).padStart(10);
  for (const p of listing.prefixes) io.out(`${'PRE'.padStart(30)} ${p.slice(listing.prefix.length)}\n`);
  for (const o of listing.objects) io.out(`${formatTime(o.lastModified)} ${size(o.size)} ${flags.recursive ? o.key : o.key.slice(listing.prefix.lastIndexOf('/') + 1)}\n`);
  if (flags.summarize) {
    const total = listing.objects.reduce((sum, o) => sum + o.size, 0);
    io.out(`\nTotal Objects: ${listing.objects.length}\n   Total Size: ${flags.humanReadable ? humanSize(total) : total}\n`);
  }
}

export function registerS3Commands(program: Command, io: CliIO): void {
  const s3 = program
    .command('s3')
    .description("the workspace's local S3 (<workspace>/s3), with `aws s3`'s syntax: put a pipeline's data and scripts in place")
    .addHelpText(
      'after',
      `
Locations are local paths or s3://bucket/key URIs. A bucket is created by the first copy into it.
Examples:
  sagepipe s3 cp data/adult.csv s3://sagemaker-eu-west-1-123456789012/adult/adult.csv
  sagepipe s3 cp code/ s3://my-bucket/adult/code/ --recursive
  sagepipe s3 sync s3://my-bucket/adultPipeline/ ./outputs --exclude '*' --include '*.json'
  sagepipe s3 ls s3://my-bucket/adult/ --recursive --json`,
    );

  addTransferFlags(
    s3
      .command('cp')
      .description('copy a file (or, with --recursive, a folder) between local paths and s3://, or from s3:// to s3://')
      .argument('<source>', 'local path or s3://bucket/key')
      .argument('<destination>', 'local path or s3://bucket/key; one ending in / (or an existing folder) receives the source\'s name'),
    true,
  ).action(async (source: string, destination: string, flags: TransferFlags) => {
    const session = openSession(flags, io);
    const items = await copy(session.s3, parseLocation(source, io.cwd), parseLocation(destination, io.cwd), options(io, flags));
    finish(io, flags, items, `nothing to copy under ${source}`);
  });

  addTransferFlags(
    s3
      .command('sync')
      .description('copy the files of a folder or prefix that are new or changed (size, then time or --checksum) to another')
      .argument('<source>', 'local folder or s3://bucket/prefix')
      .argument('<destination>', 'local folder or s3://bucket/prefix'),
    false,
  )
    .option('--size-only', 'copy a file present on both sides only when the sizes differ')
    .option('--checksum', 'compare files of the same size by SHA-256 instead of modification time')
    .option('--delete', 'delete destination files that the source does not have')
    .action(async (source: string, destination: string, flags: TransferFlags & { sizeOnly?: boolean; checksum?: boolean; delete?: boolean }) => {
      if (flags.sizeOnly && flags.checksum) throw new SagepipeError(ErrorCode.UsageError, 'choose one of --size-only and --checksum');
      const compare: SyncCompare = flags.sizeOnly ? 'size' : flags.checksum ? 'checksum' : 'size-and-time';
      const session = openSession(flags, io);
      const { recursive: _, ...rest } = options(io, flags);
      const items = await sync(session.s3, parseLocation(source, io.cwd), parseLocation(destination, io.cwd), { ...rest, compare, delete: flags.delete ?? false });
      finish(io, flags, items, `${destination} is up to date`);
    });

  addTransferFlags(
    s3
      .command('rm')
      .description('delete an object (or, with --recursive, every object below a prefix)')
      .argument('<target>', 's3://bucket/key'),
    true,
  ).action(async (target: string, flags: TransferFlags) => {
    const session = openSession(flags, io);
    const items = await remove(session.s3, parseLocation(target, io.cwd), options(io, flags));
    finish(io, flags, items, `nothing to delete under ${target}`);
  });

  addWorkspaceOption(
    s3
      .command('ls')
      .description('list the buckets, or the prefixes and objects under s3://bucket/prefix')
      .argument('[target]', 's3://bucket[/prefix]; none lists the buckets'),
  )
    .option('--recursive', 'every object below the prefix, with its full key')
    .option('--human-readable', 'sizes in KiB, MiB, …')
    .option('--summarize', 'end with the number of objects and their total size')
    .option('--json', 'print {buckets} or {bucket, prefix, prefixes, objects[{key, uri, size, lastModified}]}')
    .action(async (target: string | undefined, flags: { workspace?: string; recursive?: boolean; humanReadable?: boolean; summarize?: boolean; json?: boolean }) => {
      const session = openSession(flags, io);
      const listing = await list(session.s3, target === undefined ? undefined : parseLocation(target, io.cwd), { recursive: flags.recursive ?? false });
      if (flags.json) {
        const { kind: _, ...body } = listing;
        io.out(`${JSON.stringify(body, null, 2)}\n`);
      } else printListing(io, listing, flags);
    });
}
