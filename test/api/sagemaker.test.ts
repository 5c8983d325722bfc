/**
 * sagepipe/testing's startLocalSageMaker with AWS SDK code, and sagepipe/sagemaker (and `run --target sagemaker`)
 * against it: selective execution and parallelism reach the service.
 */
import { fileURLToPath } from 'node:url';
import { DescribePipelineExecutionCommand, ListPipelinesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/api/sagemaker.ts';
import { type LocalSageMaker, startLocalSageMaker } from '../../src/api/testing.ts';
import { cli } from '../helpers/cli.ts';
import { scorePipeline } from '../fixtures/library/score-pipeline.ts';

const baseDir = fileURLToPath(new URL('../fixtures/library/', import.meta.url));
const roleArn = 'arn:aws:iam::000000000000:role/Local';

describe('startLocalSageMaker (sagepipe/testing) and runPipeline (sagepipe/sagemaker)', () => {
  let sm: LocalSageMaker;
  let client: SageMakerClient;
  beforeAll(async () => {
    sm = await startLocalSageMaker({ runtime: 'process' });
    Object.assign(process.env, sm.env);
    client = new SageMakerClient({ endpoint: sm.endpoint, region: sm.region, credentials: sm.credentials });
  });
  afterAll(() => sm.stop());

  it('GIVEN a local SageMaker WHEN user code calls S3 through the AWS SDK THEN objects round-trip', async () => {
    const s3 = new S3Client({ endpoint: sm.endpoint, region: sm.region, credentials: sm.credentials, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'user-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'user-bucket', Key: 'a/b.txt', Body: 'hello' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'user-bucket', Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
  });

  let firstArn = '';
  it('GIVEN the score pipeline WHEN run with sagepipe/sagemaker THEN the same result shape comes back, metrics read over S3', async () => {
    const run = await runPipeline(scorePipeline, { endpointUrl: sm.endpoint, region: sm.region, roleArn, baseDir, parameters: { Score: '0.75' } });
    const result = await run.done;
    firstArn = result.executionArn;
    expect(result.status).toBe('Succeeded');
    expect(result.steps.evaluate?.metrics).toEqual({ accuracy: 0.75 });
    expect(result.steps.register?.status).toBe('Succeeded');
    expect(result.modelPackage).toMatchObject({ ModelPackageGroupName: 'ScoreModels' });
    const pipelines = await client.send(new ListPipelinesCommand({}));
    expect(pipelines.PipelineSummaries?.map((p) => p.PipelineName)).toContain('scorePipeline');
  });

  it('GIVEN an earlier execution WHEN run selectively with a parallelism THEN SageMaker receives SelectiveExecutionConfig and ParallelismConfiguration', async () => {
    const run = await runPipeline(scorePipeline, {
      endpointUrl: sm.endpoint,
      region: sm.region,
      roleArn,
      baseDir,
      parameters: { Score: '0.6' },
      select: { steps: ['evaluate'], from: firstArn },
      maxParallelExecutionSteps: 1,
    });
    const result = await run.done;
    expect(result.status).toBe('Succeeded');
    expect(Object.keys(result.steps)).toEqual(['evaluate']);
    const described = await client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: result.executionArn }));
    expect(described.SelectiveExecutionConfig?.SourcePipelineExecutionArn).toBe(firstArn);
    expect(described.SelectiveExecutionConfig?.SelectedSteps?.map((s) => s.StepName)).toEqual(['evaluate']);
    expect(described.ParallelismConfiguration?.MaxParallelExecutionSteps).toBe(1);
  });

  it('GIVEN the CLI WHEN run --target sagemaker with --select/--from and --max-parallel THEN they reach the service too', async () => {
    const r = await cli(
      ['run', 'test/fixtures/library/pipeline.ts', '--target', 'sagemaker', '--endpoint-url', sm.endpoint, '--region', sm.region, '--role-arn', roleArn, '--select', 'evaluate', '--from', firstArn, '--max-parallel', '2', '--json', '--no-logs'],
      { env: sm.env },
    );
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.Steps.map((s: { StepName: string }) => s.StepName)).toEqual(['evaluate']);
    const described = await client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: record.PipelineExecutionArn }));
    expect(described.SelectiveExecutionConfig?.SelectedSteps?.map((s) => s.StepName)).toEqual(['evaluate']);
    expect(described.ParallelismConfiguration?.MaxParallelExecutionSteps).toBe(2);
  });

  it('GIVEN --target sagemaker WHEN --runtime process is given THEN it is refused with a reason', async () => {
    const r = await cli(['run', 'test/fixtures/library/pipeline.ts', '--target', 'sagemaker', '--endpoint-url', sm.endpoint, '--role-arn', roleArn, '--runtime', 'process'], { env: sm.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--runtime process chooses how jobs run on this machine/);
  });

  it('GIVEN --target sagemaker WHEN local-only endpoint and registry flags are given THEN each is refused with a reason, not ignored', async () => {
    const t = ['--target', 'sagemaker', '--endpoint-url', sm.endpoint, '--region', sm.region];
    const port = await cli(['endpoints', 'deploy', 'ScoreModels/1', '--name', 'e1', '--port', '9999', '--role-arn', roleArn, ...t], { env: sm.env });
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port places a local endpoint on this machine/);
    const force = await cli(['models', 'approve', 'arn:aws:sagemaker:us-east-1:000000000000:model-package/scoremodels/1', '--force', ...t], { env: sm.env });
    expect(force.code).toBe(2);
    expect(force.stderr).toMatch(/--force is the local registry's guard/);
  });
});
