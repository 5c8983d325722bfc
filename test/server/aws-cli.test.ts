/** The AWS CLI (Debian's awscli) against `sagepipe serve` with nothing but --endpoint-url and dummy credentials. */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/context.ts';
import { requireAwsCli } from '../helpers/python.ts';
import { type RunningServe, startServe } from '../helpers/serve.ts';

let serve: RunningServe;
const dir = tempDir('sagepipe-awscli-');
const home = tempDir('sagepipe-awscli-home-');
beforeAll(async () => {
  serve = await startServe();
});
afterAll(async () => {
  await serve?.close();
  dir.remove();
  home.remove();
});

async function aws(...args: string[]): Promise<string> {
  const env = { PATH: process.env.PATH ?? '', HOME: home.path, AWS_ACCESS_KEY_ID: 'dummy', AWS_SECRET_ACCESS_KEY: 'dummy', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
  const { stdout } = await promisify(execFile)('/usr/bin/aws', ['--endpoint-url', serve.url, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return stdout;
}

describe.skipIf(!requireAwsCli())('the AWS CLI against serve', () => {
  it('GIVEN files WHEN copied, listed and synced with aws s3 THEN they round-trip byte for byte', async () => {
    await aws('s3', 'mb', 's3://cli-bucket');
    const big = Buffer.alloc(9 * 1024 * 1024 + 7, 0).map((_, i) => (i * 31) % 251);
    writeFileSync(join(dir.path, 'big.bin'), big);
    await aws('s3', 'cp', join(dir.path, 'big.bin'), 's3://cli-bucket/data/big.bin');
    mkdirSync(join(dir.path, 'tree/sub'), { recursive: true });
    writeFileSync(join(dir.path, 'tree/a.txt'), 'a');
    writeFileSync(join(dir.path, 'tree/sub/b.txt'), 'b');
    await aws('s3', 'sync', join(dir.path, 'tree'), 's3://cli-bucket/tree');
    const top = await aws('s3', 'ls', 's3://cli-bucket/');
    expect(top).toMatch(/PRE data\/\n\s+PRE tree\//);
    const recursive = await aws('s3', 'ls', '--recursive', 's3://cli-bucket/tree/');
    expect(recursive.trim().split('\n').map((l) => l.split(/\s+/).pop())).toEqual(['tree/a.txt', 'tree/sub/b.txt']);
    await aws('s3', 'cp', 's3://cli-bucket/data/big.bin', join(dir.path, 'back.bin'));
    expect(readFileSync(join(dir.path, 'back.bin')).equals(big)).toBe(true);
    await aws('s3', 'sync', 's3://cli-bucket/tree', join(dir.path, 'down'));
    expect(readFileSync(join(dir.path, 'down/sub/b.txt'), 'utf8')).toBe('b');
    // A second sync has nothing to do.
    expect(await aws('s3', 'sync', join(dir.path, 'tree'), 's3://cli-bucket/tree')).toBe('');
    expect(await aws('s3', 'ls')).toMatch(/ cli-bucket\n/);
  }, 120_000);

  it('GIVEN a pipeline WHEN listed, started and described with aws sagemaker THEN the CLI shows the service shapes', async () => {
    const definition = JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: 'by design' } }] });
    await aws('sagemaker', 'create-pipeline', '--pipeline-name', 'cli-pipeline', '--pipeline-definition', definition, '--role-arn', 'arn:aws:iam::000000000000:role/r');
    const listed = JSON.parse(await aws('sagemaker', 'list-pipelines')) as { PipelineSummaries: { PipelineName: string }[] };
    expect(listed.PipelineSummaries.map((p) => p.PipelineName)).toEqual(['cli-pipeline']);
    const started = JSON.parse(await aws('sagemaker', 'start-pipeline-execution', '--pipeline-name', 'cli-pipeline')) as { PipelineExecutionArn: string };
    let described: { PipelineExecutionStatus: string; FailureReason?: string } = { PipelineExecutionStatus: 'Executing' };
    for (let i = 0; i < 50 && described.PipelineExecutionStatus === 'Executing'; i++) {
      described = JSON.parse(await aws('sagemaker', 'describe-pipeline-execution', '--pipeline-execution-arn', started.PipelineExecutionArn));
    }
    expect(described).toMatchObject({ PipelineExecutionStatus: 'Failed', FailureReason: expect.stringContaining('by design') });
    const text = await aws('sagemaker', 'describe-pipeline-execution', '--pipeline-execution-arn', started.PipelineExecutionArn, '--output', 'text', '--query', 'PipelineExecutionStatus');
    expect(text.trim()).toBe('Failed');
    const packages = JSON.parse(await aws('sagemaker', 'list-model-packages')) as { ModelPackageSummaryList: unknown[] };
    expect(packages.ModelPackageSummaryList).toEqual([]);
  }, 120_000);
});
