/**
 * serve and the CLI on one workspace see the same executions and pipelines: serve runs them through the workspace's
 * LocalTarget, whose pipelines store and execution store the CLI reads too.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreatePipelineCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  ListPipelineVersionsCommand,
  ListPipelinesCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { REPO_ROOT, tempDir } from '../../helpers/context.ts';
import { type RunningServe, startServe } from '../../helpers/serve.ts';

const dir = tempDir('sagepipe-shared-');
let serve: RunningServe;
let sm: SageMakerClient;

/** One Fail step: it ends at once, without a job, so the test needs no runtime. */
const definition = (message: string) => ({
  Version: '2020-12-01',
  Parameters: [{ Name: 'Why', Type: 'String', DefaultValue: message }],
  Steps: [{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: { Get: 'Parameters.Why' } } }],
});

beforeAll(async () => {
  serve = await startServe();
  sm = new SageMakerClient({ region: 'us-east-1', endpoint: serve.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  await serve?.close();
  dir.remove();
});

describe('serve and the CLI on one workspace', () => {
  it('GIVEN an execution started through serve WHEN `sagepipe executions list/describe` read the workspace THEN they show it', async () => {
    await sm.send(new CreatePipelineCommand({ PipelineName: 'from-serve', PipelineDefinition: JSON.stringify(definition('served')), RoleArn: 'arn:aws:iam::000000000000:role/r', ClientRequestToken: 't1' }));
    const { PipelineExecutionArn: arn } = await sm.send(new StartPipelineExecutionCommand({ PipelineName: 'from-serve', ClientRequestToken: 'start-1' }));

    const listed = await cli(['executions', 'list', '--workspace', serve.workspace, '--pipeline', 'from-serve', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const summaries = JSON.parse(listed.stdout).PipelineExecutionSummaries as { PipelineName: string; PipelineExecutionArn: string }[];
    expect(summaries.map((s) => `${s.PipelineName} ${s.PipelineExecutionArn}`)).toEqual([`from-serve ${arn}`]);
    const described = await cli(['executions', 'describe', String(arn), '--workspace', serve.workspace, '--json']);
    expect(described.code, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout)).toMatchObject({ PipelineExecutionArn: arn, PipelineParameters: [{ Name: 'Why', Value: 'served' }] });
  });

  it('GIVEN a pipeline run by `sagepipe run` on the workspace WHEN serve is asked THEN its pipeline and execution are there, definition as run', async () => {
    const file = join(dir.path, 'from-cli.json');
    writeFileSync(file, JSON.stringify(definition('from the CLI')));
    const run = await cli(['run', file, '--workspace', serve.workspace, '--runtime', 'process', '--json', '--no-logs'], { cwd: REPO_ROOT });
    const record = JSON.parse(run.stdout) as { PipelineName: string; PipelineExecutionArn: string; PipelineExecutionStatus: string };
    expect(record.PipelineExecutionStatus, run.stderr).toBe('Failed');

    const pipelines = (await sm.send(new ListPipelinesCommand({}))).PipelineSummaries ?? [];
    expect(pipelines.map((p) => p.PipelineName).sort()).toEqual(['from-serve', record.PipelineName].sort());
    const pipeline = await sm.send(new DescribePipelineCommand({ PipelineName: record.PipelineName }));
    expect(JSON.parse(String(pipeline.PipelineDefinition))).toEqual(definition('from the CLI'));
    expect(pipeline.LastRunTime).toBeInstanceOf(Date);
    const executions = (await sm.send(new ListPipelineExecutionsCommand({ PipelineName: record.PipelineName }))).PipelineExecutionSummaries ?? [];
    expect(executions.map((e) => `${e.PipelineExecutionArn} ${e.PipelineExecutionStatus}`)).toEqual([`${record.PipelineExecutionArn} Failed`]);
    const described = await sm.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: record.PipelineExecutionArn }));
    expect(described).toMatchObject({ PipelineExecutionStatus: 'Failed', FailureReason: expect.stringContaining('from the CLI') });
  });

  it('GIVEN the same definition run twice by the CLI THEN the pipeline keeps one version; a changed one is a new version', async () => {
    const file = join(dir.path, 'versions.json');
    writeFileSync(file, JSON.stringify(definition('one')));
    for (let i = 0; i < 2; i++) await cli(['run', file, '--workspace', serve.workspace, '--runtime', 'process', '--json', '--no-logs'], { cwd: REPO_ROOT });
    const count = async () => (await sm.send(new ListPipelineVersionsCommand({ PipelineName: 'versions' }))).PipelineVersionSummaries?.[0]?.PipelineVersionId;
    expect(await count()).toBe(1);
    writeFileSync(file, JSON.stringify(definition('two')));
    await cli(['run', file, '--workspace', serve.workspace, '--runtime', 'process', '--json', '--no-logs'], { cwd: REPO_ROOT });
    expect(await count()).toBe(2);
  });
});

describe('serve closing', () => {
  it('GIVEN an execution serve is running WHEN serve closes THEN the execution ends Stopped instead of running on unseen', async () => {
    const ws = tempDir('sagepipe-closing-');
    const own = await startServe({ workspace: ws.path, policy: { allowHostCode: true } });
    try {
      const client = new SageMakerClient({ region: 'us-east-1', endpoint: own.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      const s3 = new S3Client({ region: 'us-east-1', endpoint: own.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'code' }));
      await s3.send(new PutObjectCommand({ Bucket: 'code', Key: 'sleep.mjs', Body: 'setTimeout(() => undefined, 60000);\n' }));
      const sleeper = {
        Version: '2020-12-01',
        Steps: [
          {
            Name: 'Sleep',
            Type: 'Processing',
            Arguments: {
              ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
              AppSpecification: { ImageUri: 'sagepipe-node:0.1.0', ContainerEntrypoint: ['node', '/opt/ml/processing/input/code/sleep.mjs'] },
              RoleArn: 'arn:aws:iam::000000000000:role/r',
              ProcessingInputs: [{ InputName: 'code', S3Input: { S3Uri: 's3://code/sleep.mjs', LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix', S3InputMode: 'File' } }],
            },
          },
        ],
      };
      await client.send(new CreatePipelineCommand({ PipelineName: 'sleeper', PipelineDefinition: JSON.stringify(sleeper), RoleArn: 'arn:aws:iam::000000000000:role/r' }));
      const { PipelineExecutionArn: arn } = await client.send(new StartPipelineExecutionCommand({ PipelineName: 'sleeper' }));
      expect((await client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus).toBe('Executing');

      await own.close();
      const status = async () => JSON.parse((await cli(['executions', 'describe', String(arn), '--workspace', ws.path, '--json'])).stdout).PipelineExecutionStatus as string;
      let seen = await status();
      for (let i = 0; i < 200 && seen !== 'Stopped'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = await status();
      }
      expect(seen).toBe('Stopped');
    } finally {
      ws.remove();
    }
  }, 60_000);
});
