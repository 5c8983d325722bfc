/** `sagepipe s3`: aws s3 syntax on the workspace's local S3, its help, --json, and errors that name what is missing. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/context.ts';

const dir = tempDir('sagepipe-cli-s3-');
afterAll(() => dir.remove());
const ws = ['--workspace', join(dir.path, 'ws')];
const run = (...args: string[]) => cli(['s3', ...args, ...ws], { cwd: dir.path });

describe('sagepipe s3', () => {
  it('GIVEN a data file and a code folder WHEN placed with cp THEN they are files of the workspace S3 and ls --json lists them', async () => {
    writeFileSync(join(dir.path, 'adult.csv'), 'age,income\n1,<=50K\n');
    mkdirSync(join(dir.path, 'code'), { recursive: true });
    writeFileSync(join(dir.path, 'code', 'preprocessing.py'), 'print(1)\n');
    const up = await run('cp', 'adult.csv', 's3://sagemaker-eu-west-1-123456789012/adult/adult.csv');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toBe('upload: ./adult.csv to s3://sagemaker-eu-west-1-123456789012/adult/adult.csv\n');
    expect((await run('cp', 'code', 's3://sagemaker-eu-west-1-123456789012/adult/code/', '--recursive')).code).toBe(0);
    expect(readFileSync(join(dir.path, 'ws/s3/sagemaker-eu-west-1-123456789012/adult/code/preprocessing.py'), 'utf8')).toBe('print(1)\n');

    const ls = await run('ls', 's3://sagemaker-eu-west-1-123456789012/adult/', '--recursive', '--json');
    expect(ls.code, ls.stderr).toBe(0);
    const body = JSON.parse(ls.stdout);
    expect(body.objects.map((o: { key: string; size: number }) => [o.key, o.size])).toEqual([
      ['adult/adult.csv', 19],
      ['adult/code/preprocessing.py', 9],
    ]);
    const text = await run('ls', 's3://sagemaker-eu-west-1-123456789012/adult/');
    expect(text.stdout).toMatch(/^\s+PRE code\/\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+19 adult\.csv\n$/);
  });

  it('GIVEN sync down twice THEN the second copies nothing; rm --recursive --json reports each delete', async () => {
    const first = await run('sync', 's3://sagemaker-eu-west-1-123456789012/adult', 'mirror', '--json');
    expect(JSON.parse(first.stdout).map((i: { action: string }) => i.action)).toEqual(['download', 'download']);
    const second = await run('sync', 's3://sagemaker-eu-west-1-123456789012/adult', 'mirror');
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain('mirror is up to date');
    const rm = await run('rm', 's3://sagemaker-eu-west-1-123456789012/adult/code', '--recursive', '--json');
    expect(JSON.parse(rm.stdout)).toEqual([{ action: 'delete', destination: 's3://sagemaker-eu-west-1-123456789012/adult/code/preprocessing.py', size: 9 }]);
    expect(existsSync(join(dir.path, 'ws/s3/sagemaker-eu-west-1-123456789012/adult/code/preprocessing.py'))).toBe(false);
  });

  it.each([
    [['cp', 'missing.csv', 's3://b-1/x'], /error: the file .*missing\.csv does not exist/],
    [['cp', 's3://no-such-bucket/x', '.'], /error: no bucket 'no-such-bucket' in the local S3/],
    [['ls', 's3://no-such-bucket'], /error: no bucket 'no-such-bucket'/],
    [['sync', 'a', 'b'], /error: sync needs an s3:\/\/ location/],
    [['cp', 'x', 's3://Bad_Bucket/x'], /bucket name 'Bad_Bucket' is not valid/],
  ])('GIVEN %j THEN it fails with one line naming the problem and no stack trace', async (args, message) => {
    const r = await run(...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('GIVEN --help THEN each subcommand documents its aws-style flags', async () => {
    const help = await cli(['s3', '--help']);
    expect(help.stdout).toMatch(/cp .*sync .*rm .*ls/s);
    const cp = await cli(['s3', 'cp', '--help']);
    expect(cp.stdout).toMatch(/--recursive[\s\S]*--dryrun[\s\S]*--exclude[\s\S]*--json/);
    const sync = await cli(['s3', 'sync', '--help']);
    expect(sync.stdout).toMatch(/--size-only[\s\S]*--checksum[\s\S]*--delete/);
  });
});
