import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../../../local-runner/s3/local-s3.ts';
import { type TransferItem, copy, globToRegExp, list, parseLocation, remove, sync } from '../../../local-runner/s3/transfer.ts';
import { tempDir } from '../../helpers/context.ts';

let dir: ReturnType<typeof tempDir>;
let s3: LocalS3;
const at = (p: string) => parseLocation(p, dir.path);
const write = (rel: string, text: string) => {
  const path = join(dir.path, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};
const summary = (items: readonly TransferItem[]) => items.map((i) => `${i.action} ${i.source ?? ''} -> ${i.destination}`.replaceAll(dir.path, '.'));

beforeEach(() => {
  dir = tempDir('sagepipe-s3-transfer-');
  s3 = new LocalS3(join(dir.path, 's3'));
});
afterEach(() => dir.remove());

describe('s3 cp', () => {
  it('GIVEN a local file WHEN copied to a key, to a prefix ending in / and to a bucket root THEN each lands where aws s3 cp puts it', async () => {
    write('data/adult.csv', 'a,b\n1,2\n');
    await copy(s3, at('data/adult.csv'), at('s3://bucket-a/adult/input.csv'));
    await copy(s3, at('data/adult.csv'), at('s3://bucket-a/adult/'));
    await copy(s3, at('data/adult.csv'), at('s3://bucket-a'));
    expect((await s3.list('s3://bucket-a/')).map((o) => o.key)).toEqual(['adult.csv', 'adult/adult.csv', 'adult/input.csv']);
    expect((await s3.getObject('s3://bucket-a/adult/input.csv')).toString()).toBe('a,b\n1,2\n');
  });

  it('GIVEN objects WHEN copied down to a file, an existing folder and s3 to s3 THEN contents arrive and actions are named', async () => {
    await s3.putObject('s3://bucket-a/k/one.txt', 'one');
    mkdirSync(join(dir.path, 'existing'));
    const items = [
      ...(await copy(s3, at('s3://bucket-a/k/one.txt'), at('renamed.txt'))),
      ...(await copy(s3, at('s3://bucket-a/k/one.txt'), at('existing'))),
      ...(await copy(s3, at('s3://bucket-a/k/one.txt'), at('s3://bucket-b/copied/'))),
    ];
    expect(summary(items)).toEqual([
      'download s3://bucket-a/k/one.txt -> ./renamed.txt',
      'download s3://bucket-a/k/one.txt -> ./existing/one.txt',
      'copy s3://bucket-a/k/one.txt -> s3://bucket-b/copied/one.txt',
    ]);
    expect(readFileSync(join(dir.path, 'existing/one.txt'), 'utf8')).toBe('one');
    expect((await s3.getObject('s3://bucket-b/copied/one.txt')).toString()).toBe('one');
  });

  it('GIVEN a folder WHEN copied with --recursive up and back down THEN relative paths are kept and a sibling prefix is not included', async () => {
    write('code/preprocessing.py', 'p');
    write('code/lib/util.py', 'u');
    await copy(s3, at('code'), at('s3://bucket-a/adult/code'), { recursive: true });
    await s3.putObject('s3://bucket-a/adult/code-old/x.py', 'not below code/');
    const down = await copy(s3, at('s3://bucket-a/adult/code'), at('back'), { recursive: true });
    expect(summary(down)).toEqual(['download s3://bucket-a/adult/code/lib/util.py -> ./back/lib/util.py', 'download s3://bucket-a/adult/code/preprocessing.py -> ./back/preprocessing.py']);
    expect(readFileSync(join(dir.path, 'back/lib/util.py'), 'utf8')).toBe('u');
  });

  it('GIVEN --exclude * --include *.py WHEN copying recursively THEN only the .py files go', async () => {
    write('code/a.py', 'a');
    write('code/notes.txt', 'n');
    write('code/sub/b.py', 'b');
    const items = await copy(s3, at('code'), at('s3://bucket-a/c/'), { recursive: true, filters: { exclude: ['*'], include: ['*.py'] } });
    expect(items.map((i) => i.destination)).toEqual(['s3://bucket-a/c/a.py', 's3://bucket-a/c/sub/b.py']);
  });

  it('GIVEN --dryrun WHEN copying THEN items are reported and nothing is written', async () => {
    write('f.txt', 'x');
    const seen: TransferItem[] = [];
    const items = await copy(s3, at('f.txt'), at('s3://bucket-a/f.txt'), { dryRun: true, onItem: (i) => seen.push(i) });
    expect(seen).toEqual(items);
    expect(await s3.headObject('s3://bucket-a/f.txt')).toBeUndefined();
  });

  it.each([
    ['missing.csv', 's3://bucket-a/x', /the file .*missing\.csv does not exist/],
    ['s3://nobucket/x', 'out.txt', /no bucket 'nobucket' in the local S3/],
    ['s3://bucket-a/absent.txt', 'out.txt', /no object s3:\/\/bucket-a\/absent\.txt in the local S3$/],
    ['s3://bucket-a/k', 'out', /no object s3:\/\/bucket-a\/k in the local S3: it is a prefix of 1 object, add --recursive/],
    ['a.txt', 'b.txt', /needs an s3:\/\/ location on at least one side/],
    ['s3://bucket-a/k/one.txt', 's3://bucket-a/k/one.txt', /onto itself/],
  ])('GIVEN cp %s %s THEN the error names what is missing or wrong', async (source, destination, message) => {
    await s3.putObject('s3://bucket-a/k/one.txt', 'one');
    await expect(copy(s3, at(source), at(destination))).rejects.toThrowError(message);
  });

  it('GIVEN a folder without --recursive THEN it says to add --recursive', async () => {
    write('code/a.py', 'a');
    await expect(copy(s3, at('code'), at('s3://bucket-a/'))).rejects.toThrowError(/code is a folder: add --recursive/);
  });
});

describe('s3 sync', () => {
  it('GIVEN a synced folder WHEN synced again THEN nothing is copied; WHEN one file grows THEN only it is', async () => {
    write('src/a.txt', 'a');
    write('src/b.txt', 'b');
    expect(await sync(s3, at('src'), at('s3://bucket-a/dst'))).toHaveLength(2);
    expect(await sync(s3, at('src'), at('s3://bucket-a/dst'))).toEqual([]);
    write('src/b.txt', 'bigger');
    expect(summary(await sync(s3, at('src'), at('s3://bucket-a/dst')))).toEqual(['upload ./src/b.txt -> s3://bucket-a/dst/b.txt']);
  });

  it('GIVEN a source file newer than its copy, same size THEN size-and-time copies it, size-only does not, checksum only when content differs', async () => {
    write('src/a.txt', 'aaa');
    await sync(s3, at('src'), at('s3://bucket-a/dst'));
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir.path, 'src/a.txt'), later, later);
    expect(await sync(s3, at('src'), at('s3://bucket-a/dst'), { compare: 'size', dryRun: true })).toEqual([]);
    expect(await sync(s3, at('src'), at('s3://bucket-a/dst'), { compare: 'checksum', dryRun: true })).toEqual([]);
    expect(await sync(s3, at('src'), at('s3://bucket-a/dst'), { dryRun: true })).toHaveLength(1);
    write('src/a.txt', 'bbb');
    expect(await sync(s3, at('src'), at('s3://bucket-a/dst'), { compare: 'checksum' })).toHaveLength(1);
    expect((await s3.getObject('s3://bucket-a/dst/a.txt')).toString()).toBe('bbb');
  });

  it('GIVEN a download sync THEN local files keep the objects\' times, so a second sync copies nothing', async () => {
    await s3.putObject('s3://bucket-a/p/x.txt', 'x');
    await sync(s3, at('s3://bucket-a/p'), at('local'));
    const seconds = (ms: number | undefined) => Math.floor((ms ?? 0) / 1000);
    expect(seconds(statSync(join(dir.path, 'local/x.txt')).mtimeMs)).toBe(seconds((await s3.headObject('s3://bucket-a/p/x.txt'))?.lastModified.getTime()));
    expect(await sync(s3, at('s3://bucket-a/p'), at('local'))).toEqual([]);
  });

  it('GIVEN --delete THEN destination files the source lacks are deleted', async () => {
    write('src/a.txt', 'a');
    await s3.putObject('s3://bucket-a/dst/stale.txt', 'old');
    const items = await sync(s3, at('src'), at('s3://bucket-a/dst/'), { delete: true });
    expect(summary(items)).toEqual(['upload ./src/a.txt -> s3://bucket-a/dst/a.txt', 'delete  -> s3://bucket-a/dst/stale.txt']);
    expect(await s3.headObject('s3://bucket-a/dst/stale.txt')).toBeUndefined();
  });

  it('GIVEN a missing source folder THEN the error names it', async () => {
    await expect(sync(s3, at('nowhere'), at('s3://bucket-a/x'))).rejects.toThrowError(/the folder .*nowhere does not exist/);
  });
});

describe('s3 rm and ls', () => {
  beforeEach(async () => {
    await s3.putObject('s3://bucket-a/adult/adult.csv', '12345');
    await s3.putObject('s3://bucket-a/adult/code/p.py', 'p');
    await s3.putObject('s3://bucket-a/top.txt', 't');
  });

  it('GIVEN a bucket WHEN listed without --recursive THEN prefixes and objects of that level show, as S3 lists with a / delimiter', async () => {
    expect(await list(s3, at('s3://bucket-a'))).toMatchObject({ prefixes: ['adult/'], objects: [{ key: 'top.txt', size: 1 }] });
    expect(await list(s3, at('s3://bucket-a/adult/'))).toMatchObject({ prefixes: ['adult/code/'], objects: [{ key: 'adult/adult.csv', size: 5 }] });
    const all = await list(s3, at('s3://bucket-a/adult'), { recursive: true });
    expect(all.kind === 'objects' && all.objects.map((o) => o.uri)).toEqual(['s3://bucket-a/adult/adult.csv', 's3://bucket-a/adult/code/p.py']);
  });

  it('GIVEN no target THEN the buckets are listed', async () => {
    await s3.putObject('s3://bucket-b/x', 'x');
    const listing = await list(s3, undefined);
    expect(listing.kind === 'buckets' && listing.buckets.map((b) => b.name)).toEqual(['bucket-a', 'bucket-b']);
  });

  it('GIVEN a missing bucket or prefix THEN ls names it', async () => {
    await expect(list(s3, at('s3://nobucket/'))).rejects.toThrowError(/no bucket 'nobucket'/);
    await expect(list(s3, at('s3://bucket-a/nothing/'))).rejects.toThrowError(/nothing in the local S3 under s3:\/\/bucket-a\/nothing\//);
  });

  it('GIVEN rm of one object and rm --recursive of a prefix THEN exactly those go', async () => {
    expect(summary(await remove(s3, at('s3://bucket-a/top.txt')))).toEqual(['delete  -> s3://bucket-a/top.txt']);
    expect(await remove(s3, at('s3://bucket-a/adult'), { recursive: true })).toHaveLength(2);
    expect(await s3.list('s3://bucket-a/')).toEqual([]);
    await expect(remove(s3, at('s3://bucket-a/top.txt'))).rejects.toThrowError(/no object s3:\/\/bucket-a\/top\.txt/);
    await expect(remove(s3, at('local.txt'))).rejects.toThrowError(/rm removes s3:\/\/ objects/);
  });
});

describe('globToRegExp', () => {
  it.each([
    ['*.py', 'a/b.py', true],
    ['*.py', 'a.pyc', false],
    ['data/?.csv', 'data/1.csv', true],
    ['[!a]*', 'abc', false],
    ['a.b', 'axb', false],
  ])('GIVEN %s and %s THEN match is %s', (pattern, path, expected) => {
    expect(globToRegExp(pattern).test(path)).toBe(expected);
  });
});
