/**
 * `sagepipe serve` driven by the real AWS SDK v3 clients, and the reference pipeline run with
 * `--target sagemaker --endpoint-url` against it, compared with `--target local`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  ListDomainsCommand,
  CreatePipelineCommand,
  DescribePipelineCommand,
  ListModelPackagesCommand,
  ListPipelineExecutionsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBackend, localEndpoints, openSession } from '../../local-runner/workspace.ts';
import { createApiServer } from '../../src/server/server.ts';
import { ProcessRuntime } from '../../local-runner/runtime/process-runtime.ts';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ws = tempDir('sagepipe-serve-');
let server: Server;
let endpoint = '';
let sm: SageMakerClient;
let s3: S3Client;

function start(): Promise<void> {
  const io = { out: () => undefined, err: () => undefined, interactive: false, env: process.env, cwd: REPO_ROOT };
  const session = openSession({ workspace: ws.path }, io);
  server = createApiServer({ session, backend: localBackend(session, new ProcessRuntime(), io), runtimeKind: 'process', endpoints: localEndpoints(session, new ProcessRuntime()), policy: { allowLocalPaths: true, allowHostCode: true } });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r()));
}

beforeAll(async () => {
  await start();
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sm = new SageMakerClient({ region: 'us-east-1', endpoint, credentials });
  s3 = new S3Client({ region: 'us-east-1', endpoint, credentials, forcePathStyle: true });
});
afterAll(() => {
  server?.close();
  ws.remove();
});

const definition = JSON.stringify({
  Version: '2020-12-01',
  Parameters: [{ Name: 'Count', Type: 'Integer', DefaultValue: 1 }],
  Steps: [{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: { 'Std:Join': { On: ' ', Values: ['count', { Get: 'Parameters.Count' }] } } } }],
});

describe('sagepipe serve with the AWS SDK', () => {
  it('GIVEN an unknown pipeline WHEN described THEN ResourceNotFound', async () => {
    await expect(sm.send(new DescribePipelineCommand({ PipelineName: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } });
  });

  it('GIVEN an invalid definition WHEN created THEN ValidationException naming the problem', async () => {
    const bad = JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'a', Type: 'Fail', Arguments: { ErrorMessage: { Get: 'Parameters.X' } } }] });
    await expect(sm.send(new CreatePipelineCommand({ PipelineName: 'bad', PipelineDefinition: bad, RoleArn: 'arn:aws:iam::000000000000:role/r' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("parameter 'X' is not defined in Parameters"),
    });
  });

  it('GIVEN a pipeline WHEN started with a bad parameter THEN ValidationException; with a good one it runs', async () => {
    await sm.send(new CreatePipelineCommand({ PipelineName: 'failing', PipelineDefinition: definition, RoleArn: 'arn:aws:iam::000000000000:role/r' }));
    await expect(sm.send(new StartPipelineExecutionCommand({ PipelineName: 'failing', PipelineParameters: [{ Name: 'Count', Value: 'abc' }] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "parameter 'Count' is an Integer: 'abc' is not a whole number",
    });
    const started = await sm.send(new StartPipelineExecutionCommand({ PipelineName: 'failing', PipelineParameters: [{ Name: 'Count', Value: '3' }] }));
    expect(started.PipelineExecutionArn).toMatch(/^arn:aws:sagemaker:us-east-1:000000000000:pipeline\/failing\/execution\/[a-z0-9]{12}$/);
  });

  it('GIVEN a pipeline with a step type the local runner cannot run WHEN started THEN ValidationException naming it, and no execution', async () => {
    const lambda = JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'Notify', Type: 'Lambda', Arguments: {}, FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f' }] });
    await sm.send(new CreatePipelineCommand({ PipelineName: 'with-lambda', PipelineDefinition: lambda, RoleArn: 'arn:aws:iam::000000000000:role/r' }));
    await expect(sm.send(new StartPipelineExecutionCommand({ PipelineName: 'with-lambda' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Lambda function arn:aws:lambda:us-east-1:000000000000:function:f has no local handler'),
    });
    expect((await sm.send(new ListPipelineExecutionsCommand({ PipelineName: 'with-lambda' }))).PipelineExecutionSummaries).toEqual([]);
  });

  it('GIVEN an operation sagepipe does not implement WHEN called THEN the service error for an unknown operation', async () => {
    await expect(sm.send(new ListDomainsCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException', message: expect.stringContaining('SageMaker.ListDomains is not implemented') });
  });

  it('GIVEN an unsigned request THEN 403', async () => {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'X-Amz-Target': 'SageMaker.ListPipelines', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });

  it('GIVEN S3 calls WHEN made by the SDK THEN objects round-trip, list, and multipart uploads assemble', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'test-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'test-bucket', Key: 'a/b.txt', Body: 'hello' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    const list = await s3.send(new ListObjectsV2Command({ Bucket: 'test-bucket', Prefix: 'a/' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['a/b.txt']);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'test-bucket', Key: 'big.bin' }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket: 'test-bucket', Key: 'big.bin', UploadId: up.UploadId, PartNumber: 1, Body: 'part-one|' }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: 'test-bucket', Key: 'big.bin', UploadId: up.UploadId, PartNumber: 2, Body: 'part-two' }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'test-bucket', Key: 'big.bin', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: 'big.bin' }))).Body?.transformToString()).toBe('part-one|part-two');
  });

  it('GIVEN the server restarts on the same workspace THEN pipelines are still there', async () => {
    server.close();
    await start();
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sm = new SageMakerClient({ region: 'us-east-1', endpoint, credentials });
    const p = await sm.send(new DescribePipelineCommand({ PipelineName: 'failing' }));
    expect(p.PipelineStatus).toBe('Active');
    expect(p.CreationTime).toBeInstanceOf(Date);
  });
});

describe('the reference pipeline with --target sagemaker against sagepipe serve', () => {
  it('GIVEN the same pipeline WHEN run on the server and locally THEN statuses, the registered version and the metrics agree', async () => {
    // The AWS SDK's credential chain reads the process environment.
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    const env = {};
    const remote = await cli(
      ['run', 'examples/adult/pipeline.ts', '--target', 'sagemaker', '--endpoint-url', endpoint, '--region', 'us-east-1', '--role-arn', 'arn:aws:iam::000000000000:role/Local', '--json', '--no-logs', '--param', `InputData=${ADULT_CSV}`],
      { cwd: REPO_ROOT, env },
    );
    expect(remote.code, remote.stderr).toBe(0);
    const local = await cli(['run', 'examples/adult/pipeline.ts', '--runtime', 'process', '--workspace', join(ws.path, 'local'), '--json', '--no-logs', '--param', `InputData=${ADULT_CSV}`], { cwd: REPO_ROOT });
    expect(local.code, local.stderr).toBe(0);
    const statuses = (out: string) => (JSON.parse(out).Steps as { StepName: string; StepStatus: string }[]).map((s) => `${s.StepName}:${s.StepStatus}`).sort();
    expect(statuses(remote.stdout)).toEqual(statuses(local.stdout));
    const metric = (err: string) => /EvaluationReport: (.*)/.exec(err)?.[1];
    expect(metric(remote.stderr)).toBeDefined();
    expect(metric(remote.stderr)).toBe(metric(local.stderr));
    const packages = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'AdultModelPackageGroupName' }));
    expect(packages.ModelPackageSummaryList?.map((p) => [p.ModelPackageVersion, p.ModelApprovalStatus])).toEqual([[1, 'PendingManualApproval']]);
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn: packages.ModelPackageSummaryList?.[0]?.ModelPackageArn, ModelApprovalStatus: 'Approved' }));
    const after = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'AdultModelPackageGroupName' }));
    expect(after.ModelPackageSummaryList?.[0]?.ModelApprovalStatus).toBe('Approved');
  }, 120_000);

  it('GIVEN executions on the server WHEN listed, described, stopped and retried with --target sagemaker THEN the local shapes come back', async () => {
    const t = ['--target', 'sagemaker', '--endpoint-url', endpoint, '--region', 'us-east-1'];
    const list = JSON.parse((await cli(['executions', 'list', ...t, '--json'])).stdout).PipelineExecutionSummaries as { PipelineName: string; PipelineExecutionArn: string; PipelineExecutionStatus: string }[];
    const adult = list.find((e) => e.PipelineName === 'adultPipeline');
    const failing = list.find((e) => e.PipelineName === 'failing');
    expect(adult?.PipelineExecutionStatus).toBe('Succeeded');
    expect(failing?.PipelineExecutionStatus).toBe('Failed');
    const described = JSON.parse((await cli(['executions', 'describe', adult?.PipelineExecutionArn as string, ...t, '--json'])).stdout);
    expect(described.Steps.find((s: { StepName: string }) => s.StepName === 'adultTrain').Properties.ModelArtifacts.S3ModelArtifacts).toMatch(/\/output\/model\.tar\.gz$/);
    const byId = await cli(['executions', 'describe', (adult?.PipelineExecutionArn as string).split('/').pop() as string, '--pipeline', 'adultPipeline', ...t]);
    expect(byId.stdout).toContain('Succeeded');
    const stop = await cli(['executions', 'stop', adult?.PipelineExecutionArn as string, ...t]);
    expect(stop.code).toBe(1);
    expect(stop.stderr).toMatch(/ValidationException: .*Only Executing executions can be stopped/);
    const retry = await cli(['executions', 'retry', failing?.PipelineExecutionArn as string, ...t, '--json']);
    expect(retry.code).toBe(1);
    expect(JSON.parse(retry.stdout).FailureReason).toBe('count 3');
  }, 60_000);

  it('GIVEN the registered version WHEN approved, deployed and invoked with --target sagemaker THEN the endpoint predicts like evaluate.ts', async () => {
    const t = ['--target', 'sagemaker', '--endpoint-url', endpoint, '--region', 'us-east-1'];
    const packages = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'AdultModelPackageGroupName' }));
    const arn = packages.ModelPackageSummaryList?.[0]?.ModelPackageArn as string;
    const rejected = await cli(['models', 'reject', arn, ...t, '--description', 'try the CLI']);
    expect(rejected.stdout).toBe('AdultModelPackageGroupName/1 is Rejected\n');
    expect((await cli(['models', 'approve', arn, ...t])).stdout).toBe('AdultModelPackageGroupName/1 is Approved\n');
    const deployed = await cli(['endpoints', 'deploy', arn, '--name', 'remote-adult', '--role-arn', 'arn:aws:iam::000000000000:role/Local', ...t, '--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ EndpointName: 'remote-adult', EndpointStatus: 'InService', EndpointConfigName: 'remote-adult-config' });
    // The server's own evaluation predictions for the first test rows.
    const { readFileSync, readdirSync } = await import('node:fs');
    const bucket = join(ws.path, 's3', 'sagemaker-us-east-1-000000000000', 'adultPipeline');
    const exec = readdirSync(bucket)[0] as string;
    const rows = readFileSync(join(bucket, exec, 'adultProcess/output/test/test.csv'), 'utf8').split('\n').slice(0, 10).map((r) => r.split(',').slice(1).join(','));
    const expected = readFileSync(join(bucket, exec, 'adultEval/output/evaluation/predictions.csv'), 'utf8').split('\n').slice(0, 10).map(Number);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(ws.path, 'rows.csv'), `${rows.join('\n')}\n`);
    const invoked = await cli(['endpoints', 'invoke', 'remote-adult', '--body', join(ws.path, 'rows.csv'), ...t]);
    expect(invoked.code, invoked.stderr).toBe(0);
    invoked.stdout.trim().split('\n').map(Number).forEach((p, i) => expect(Math.abs(p - (expected[i] as number))).toBeLessThan(1e-6));
    const bad = await cli(['endpoints', 'invoke', 'remote-adult', '--body', join(ws.path, 'rows.csv'), '--content-type', 'application/json', ...t]);
    expect(bad.stderr).toMatch(/invoking endpoint remote-adult: ModelError: .*body is not valid JSON/);
    expect(JSON.parse((await cli(['endpoints', 'list', ...t, '--json'])).stdout).Endpoints.map((e: { EndpointName: string }) => e.EndpointName)).toEqual(['remote-adult']);
    expect((await cli(['endpoints', 'delete', 'remote-adult', ...t])).code).toBe(0);
    expect((await cli(['endpoints', 'describe', 'remote-adult', ...t])).stderr).toMatch(/ValidationException: Could not find endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint\/remote-adult"/);
  }, 60_000);

  it('GIVEN no AWS credentials anywhere WHEN run with --target sagemaker THEN a one-line error says what to set', async () => {
    const { spawnSync } = await import('node:child_process');
    const home = tempDir('sagepipe-nocreds-');
    try {
      const r = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'bin/sagepipe.js'), 'run', 'examples/adult/pipeline.ts', '--target', 'sagemaker', '--endpoint-url', endpoint, '--region', 'us-east-1', '--role-arn', 'arn:aws:iam::000000000000:role/Local'],
        { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: home.path }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n$/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      home.remove();
    }
  }, 60_000);

  it('GIVEN --target sagemaker without a role WHEN run THEN a one-line error says what to set', async () => {
    const r = await cli(['run', 'examples/adult/pipeline.ts', '--target', 'sagemaker', '--endpoint-url', endpoint, '--region', 'us-east-1'], { cwd: REPO_ROOT, env: { SAGEPIPE_ROLE_ARN: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no execution role: set --role-arn, SAGEPIPE_ROLE_ARN/);
  });
});
