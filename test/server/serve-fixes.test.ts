/**
 * The behaviours found broken when AWS's clients were pointed at `serve`, each checked with the AWS SDK for
 * JavaScript v3 (the boto3 conformance run checks the rest: upsert, Range, paginators, filters, ARNs, required members).
 */
import { CreatePipelineCommand, DescribePipelineExecutionCommand, ListPipelineVersionsCommand, SageMakerClient, StartPipelineExecutionCommand, StopPipelineExecutionCommand, UpdatePipelineCommand } from '@aws-sdk/client-sagemaker';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Agent } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServe, startServe } from '../helpers/serve.ts';

const credentials = { accessKeyId: 'dummy', secretAccessKey: 'dummy' };
const role = 'arn:aws:iam::000000000000:role/r';
let serve: RunningServe;
let sm: SageMakerClient;
let s3: S3Client;

beforeAll(async () => {
  serve = await startServe({ policy: { allowHostCode: true } });
  sm = new SageMakerClient({ region: 'us-east-1', endpoint: serve.url, credentials });
  s3 = new S3Client({ region: 'us-east-1', endpoint: serve.url, credentials, forcePathStyle: true });
});
afterAll(() => serve?.close());

const failing = (message: string) => JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: message } }] });

describe('serve, as the AWS SDK for JavaScript finds it', () => {
  it('GIVEN a definition over 100 KB in S3 WHEN created with PipelineDefinitionS3Location (as the Python SDK does) THEN it is read from S3, and each change is a new version', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'definitions' }));
    await s3.send(new PutObjectCommand({ Bucket: 'definitions', Key: 'big.json', Body: failing('from s3') }));
    await sm.send(new CreatePipelineCommand({ PipelineName: 'FromS3', PipelineDefinitionS3Location: { Bucket: 'definitions', ObjectKey: 'big.json' }, RoleArn: role }));
    const arn = (await sm.send(new StartPipelineExecutionCommand({ PipelineName: 'FromS3' }))).PipelineExecutionArn as string;
    let described = await sm.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    for (let i = 0; i < 50 && described.PipelineExecutionStatus === 'Executing'; i++) described = await sm.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    expect(described.FailureReason).toContain('from s3');
    await expect(sm.send(new CreatePipelineCommand({ PipelineName: 'Missing', PipelineDefinitionS3Location: { Bucket: 'definitions', ObjectKey: 'nope.json' }, RoleArn: role }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await sm.send(new UpdatePipelineCommand({ PipelineName: 'FromS3', PipelineDefinition: failing('changed') }));
    const versions = await sm.send(new ListPipelineVersionsCommand({ PipelineName: 'FromS3' }));
    expect(versions.PipelineVersionSummaries?.map((v) => v.PipelineVersionId)).toEqual([2]);
  });

  it('GIVEN a running execution WHEN stopped THEN Stopping until its job has ended, then Stopped', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'code' }));
    // The job takes a second to end after SIGTERM, so `Stopping` is there to see however slow the machine answers.
    const sleeper = "process.on('SIGTERM', () => setTimeout(() => process.exit(143), 1000));\nsetTimeout(() => undefined, 60000);\n";
    await s3.send(new PutObjectCommand({ Bucket: 'code', Key: 'sleep.mjs', Body: sleeper }));
    const definition = {
      Version: '2020-12-01',
      Steps: [
        {
          Name: 'Sleep',
          Type: 'Processing',
          Arguments: {
            ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
            AppSpecification: { ImageUri: 'sagepipe-node:0.1.0', ContainerEntrypoint: ['node', '/opt/ml/processing/input/code/sleep.mjs'] },
            RoleArn: role,
            ProcessingInputs: [{ InputName: 'code', S3Input: { S3Uri: 's3://code/sleep.mjs', LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix', S3InputMode: 'File' } }],
          },
        },
      ],
    };
    await sm.send(new CreatePipelineCommand({ PipelineName: 'Sleeper', PipelineDefinition: JSON.stringify(definition), RoleArn: role }));
    const arn = (await sm.send(new StartPipelineExecutionCommand({ PipelineName: 'Sleeper' }))).PipelineExecutionArn as string;
    await new Promise((r) => setTimeout(r, 500));
    await sm.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn }));
    const seen: string[] = [];
    for (let i = 0; i < 500; i++) {
      const status = (await sm.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus as string;
      if (seen[seen.length - 1] !== status) seen.push(status);
      if (status === 'Stopped') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toEqual(['Stopping', 'Stopped']);
  });

  it('GIVEN S3 WHEN addressed virtual-host style (<bucket>.localhost) THEN the same bucket answers', async () => {
    // This machine's resolver does not know *.localhost: connect to loopback whatever the name.
    const agent = new Agent({
      lookup: (_host, options, callback) => {
        const answer = callback as (e: null, a: string | { address: string; family: number }[], f?: number) => void;
        if (options.all) answer(null, [{ address: '127.0.0.1', family: 4 }]);
        else answer(null, '127.0.0.1', 4);
      },
    });
    const vhost = new S3Client({ region: 'us-east-1', endpoint: `http://localhost:${serve.port}`, credentials, forcePathStyle: false, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
    await vhost.send(new CreateBucketCommand({ Bucket: 'virtual-bucket' }));
    await vhost.send(new PutObjectCommand({ Bucket: 'virtual-bucket', Key: 'a/b.txt', Body: 'by host name' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'virtual-bucket', Key: 'a/b.txt' }))).Body?.transformToString()).toBe('by host name');
    expect((await vhost.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain('virtual-bucket');
  });
});
