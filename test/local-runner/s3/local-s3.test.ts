import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalS3 } from '../../../local-runner/s3/local-s3.ts';
import { parseS3Uri } from '../../../local-runner/s3/s3-uri.ts';
import { tempDir } from '../../helpers/context.ts';

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.remove());

describe('local S3', () => {
  it.each([
    ['s3://bucket/../etc/passwd', /must not contain '\.\.' segments/],
    ['s3://bucket/a//b', /must not contain empty segments/],
    ['s3://bucket//abs', /must not be absolute/],
    ['s3://Bad_Bucket/k', /bucket name 'Bad_Bucket' is not valid/],
    ['http://bucket/k', /is not an s3:\/\/bucket\/key URI/],
    ['s3://bucket/./x', /must not contain '\.' segments/],
  ])('GIVEN %s WHEN parsed THEN it is rejected', (uri, message) => {
    expect(() => parseS3Uri(uri)).toThrowError(message);
  });

  it('GIVEN objects under a prefix WHEN downloaded THEN folder prefixes keep relative keys and an object prefix keeps its name', async () => {
    dir = tempDir();
    const s3 = new LocalS3(join(dir.path, 's3'));
    await s3.putObject('s3://bucket-one/run/out/train/a.csv', 'a');
    await s3.putObject('s3://bucket-one/run/out/train/sub/b.csv', 'b');
    await s3.putObject('s3://bucket-one/run/out/trainer.csv', 'not under the folder');
    await s3.putObject('s3://bucket-one/code/123/script.mjs', 'code');
    expect(await s3.downloadPrefix('s3://bucket-one/run/out/train', join(dir.path, 'd1'))).toBe(3);
    expect(readdirSync(join(dir.path, 'd1')).sort()).toEqual(['a.csv', 'sub', 'trainer.csv']);
    expect(await s3.downloadPrefix('s3://bucket-one/run/out/train/', join(dir.path, 'd2'))).toBe(2);
    expect(readdirSync(join(dir.path, 'd2')).sort()).toEqual(['a.csv', 'sub']);
    await s3.downloadPrefix('s3://bucket-one/code/123/script.mjs', join(dir.path, 'd3'));
    expect(readFileSync(join(dir.path, 'd3/script.mjs'), 'utf8')).toBe('code');
  });

  it('GIVEN nothing under a prefix WHEN downloaded THEN the error names the prefix', async () => {
    dir = tempDir();
    const s3 = new LocalS3(join(dir.path, 's3'));
    await expect(s3.downloadPrefix('s3://bucket-one/none', join(dir.path, 'x'))).rejects.toThrowError('no objects under s3://bucket-one/none');
  });

  it('GIVEN a folder WHEN uploaded THEN every file is an object, and writes leave no temporary files', async () => {
    dir = tempDir();
    const s3 = new LocalS3(join(dir.path, 's3'));
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir.path, 'up/x'), { recursive: true });
    writeFileSync(join(dir.path, 'up/a.txt'), '1');
    writeFileSync(join(dir.path, 'up/x/b.txt'), '2');
    expect(await s3.uploadDirectory(join(dir.path, 'up'), 's3://bucket-two/p')).toBe(2);
    expect((await s3.list('s3://bucket-two/p')).map((o) => o.key)).toEqual(['p/a.txt', 'p/x/b.txt']);
    expect(readdirSync(join(dir.path, 's3/bucket-two/p'))).toEqual(['a.txt', 'x']);
    expect((await s3.getObject('s3://bucket-two/p/x/b.txt')).toString()).toBe('2');
    await expect(s3.getObject('s3://bucket-two/p/missing')).rejects.toThrowError('no such object: s3://bucket-two/p/missing');
  });
});
