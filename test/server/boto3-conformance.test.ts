/**
 * boto3 (Debian's python3-boto3, as users have it) drives every operation `serve` implements; each response is
 * checked against botocore's own service models. The Python side is clients/boto3_conformance.py.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/server/sagemaker/context.ts';
import { sageMakerOperations } from '../../src/server/sagemaker/operations.ts';
import { REPO_ROOT } from '../helpers/context.ts';
import { type RunningServe, startServe } from '../helpers/serve.ts';
import { requirePython } from '../helpers/python.ts';

let serve: RunningServe;
beforeAll(async () => {
  serve = await startServe({ policy: { allowHostCode: true } });
});
afterAll(() => serve?.close());

/** Operations implemented but absent from Debian's botocore 1.29 model (tested with the AWS SDK for JavaScript). */
const NEWER_THAN_BOTOCORE = ['ListPipelineVersions'];

describe.skipIf(!requirePython('boto3'))('serve against boto3 and botocore\'s service models', () => {
  it('GIVEN every implemented operation WHEN called through boto3 THEN each response holds every required member, with the right types and enum values', async () => {
    // Asynchronously: the server answers from this process.
    const run = await promisify(execFile)('/usr/bin/python3', [join(REPO_ROOT, 'test/server/clients/boto3_conformance.py'), serve.url], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(run.stdout.trim().split('\n').pop() as string) as { checked: string[]; skipped: string[]; failures: string[] };
    expect(report.failures).toEqual([]);
    const implemented = [...sageMakerOperations(createContext({ session: { workspace: '/nonexistent', region: 'us-east-1', account: '000000000000' } as never, backend: {} as never, endpoints: {} as never })).keys()];
    const missing = implemented.filter((op) => !report.checked.includes(`sagemaker.${op}`) && !NEWER_THAN_BOTOCORE.includes(op));
    expect(missing, 'operations serve implements that the conformance run did not check').toEqual([]);
    expect(report.checked).toEqual(expect.arrayContaining(['sts.GetCallerIdentity', 'sagemaker-runtime.InvokeEndpoint', 's3.ListBuckets', 's3.GetBucketLocation', 's3.CompleteMultipartUpload']));
  }, 320_000);
});
