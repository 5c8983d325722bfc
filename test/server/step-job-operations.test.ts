/**
 * `serve` for Callback and Tuning steps, through the real AWS SDK: SendPipelineExecutionStepSuccess/Failure complete
 * a waiting step, and the tuning job and its trials are visible through the Describe and List operations.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreatePipelineCommand,
  DescribePipelineCommand,
  ListPipelineExecutionsCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribePipelineExecutionCommand,
  DescribeTrainingJobCommand,
  ListHyperParameterTuningJobsCommand,
  ListPipelineExecutionStepsCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  SageMakerClient,
  SendPipelineExecutionStepFailureCommand,
  SendPipelineExecutionStepSuccessCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBackend, localEndpoints, openSession } from '../../local-runner/workspace.ts';
import { createApiServer } from '../../src/server/server.ts';
import { ProcessRuntime } from '../../local-runner/runtime/process-runtime.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ws = tempDir('sagepipe-serve-steps-');
let server: Server;
let sm: SageMakerClient;
const session = openSession({ workspace: ws.path }, { env: process.env, cwd: REPO_ROOT });

beforeAll(async () => {
  server = createApiServer({ session, backend: localBackend(session, new ProcessRuntime(), { env: process.env, cwd: REPO_ROOT }), runtimeKind: 'process', endpoints: localEndpoints(session, new ProcessRuntime()) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sm = new SageMakerClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials });
});
afterAll(() => {
  server?.close();
  ws.remove();
});

const role = 'arn:aws:iam::000000000000:role/r';

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

const finished = (arn: string) =>
  until(async () => {
    const e = await sm.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    return e.PipelineExecutionStatus === 'Executing' ? undefined : e;
  });

describe('Callback steps through serve', () => {
  const definition = JSON.stringify({
    Version: '2020-12-01',
    Steps: [
      { Name: 'Gate', Type: 'Callback', SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q', OutputParameters: [{ OutputName: 'who', OutputType: 'String' }], Arguments: { ask: 'approve?' } },
      { Name: 'Say', Type: 'Fail', Arguments: { ErrorMessage: { 'Std:Join': { On: ' ', Values: ['approved by', { Get: "Steps.Gate.OutputParameters['who']" }] } } } },
    ],
  });
  const tokenOf = (arn: string) =>
    until(async () => {
      const steps = await sm.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn }));
      return steps.PipelineExecutionSteps?.find((s) => s.StepName === 'Gate')?.Metadata?.Callback?.CallbackToken;
    });

  it('GIVEN a waiting Callback WHEN SendPipelineExecutionStepSuccess answers THEN its output reaches the next step', async () => {
    await sm.send(new CreatePipelineCommand({ PipelineName: 'gate', PipelineDefinition: definition, RoleArn: role }));
    const { PipelineExecutionArn: arn } = await sm.send(new StartPipelineExecutionCommand({ PipelineName: 'gate' }));
    const token = await tokenOf(arn as string);
    const sent = await sm.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: token, OutputParameters: [{ Name: 'who', Value: 'ana' }] }));
    expect(sent.PipelineExecutionArn).toBe(arn);
    const e = await finished(arn as string);
    // The Fail step ends the execution with the message built from the callback's output.
    expect(e.FailureReason).toBe('approved by ana');
    const steps = await sm.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn }));
    expect(steps.PipelineExecutionSteps?.find((s) => s.StepName === 'Gate')?.Metadata?.Callback).toEqual({
      CallbackToken: token,
      SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q',
      OutputParameters: [{ Name: 'who', Value: 'ana' }],
    });
    await expect(sm.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: token }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('GIVEN a waiting Callback WHEN SendPipelineExecutionStepFailure answers THEN the step and the execution fail with its reason', async () => {
    const { PipelineExecutionArn: arn } = await sm.send(new StartPipelineExecutionCommand({ PipelineName: 'gate' }));
    await sm.send(new SendPipelineExecutionStepFailureCommand({ CallbackToken: await tokenOf(arn as string), FailureReason: 'rejected' }));
    const e = await finished(arn as string);
    expect(e.PipelineExecutionStatus).toBe('Failed');
    expect(e.FailureReason).toContain('rejected');
  });

  it('GIVEN run --target sagemaker against serve WHEN answered with executions callback --target sagemaker THEN the definition went unchanged and the output arrives', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    const file = join(ws.path, 'gate-remote.json');
    writeFileSync(file, definition);
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const t = ['--target', 'sagemaker', '--endpoint-url', endpoint, '--region', 'us-east-1'];
    const run = cli(['run', file, ...t, '--role-arn', role, '--json', '--no-logs'], { cwd: ws.path });
    const arn = await until(async () => {
      const list = await sm.send(new ListPipelineExecutionsCommand({ PipelineName: 'gate-remote' })).catch(() => undefined);
      return list?.PipelineExecutionSummaries?.[0]?.PipelineExecutionArn;
    });
    const token = await tokenOf(arn);
    const answered = await cli(['executions', 'callback', token, '--success', '--output', 'who=bo', ...t]);
    expect(answered.stdout).toContain(`sent SendPipelineExecutionStepSuccess for ${token}`);
    const result = await run;
    const record = JSON.parse(result.stdout);
    expect(record.FailureReason).toBe('approved by bo');
    expect(record.Steps.find((s: { StepName: string }) => s.StepName === 'Gate').Properties).toEqual({ OutputParameters: { who: 'bo' } });
    const stored = JSON.parse((await sm.send(new DescribePipelineCommand({ PipelineName: 'gate-remote' }))).PipelineDefinition as string);
    expect(stored.Steps[0]).toEqual(JSON.parse(definition).Steps[0]);
  }, 120_000);

  it('GIVEN an unknown token THEN ResourceNotFound', async () => {
    await expect(sm.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: 'nope123' }))).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });
});

describe('Tuning steps through serve', () => {
  it('GIVEN a tuning step that ran WHEN its job and trials are described THEN they are the tuning job and its training jobs', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i % 2},${(i % 2) + (i % 7) / 10},${(i * 3) % 5}`).join('\n');
    await session.s3.putObject('s3://data-bucket/train/train.csv', `${rows(200)}\n`);
    await session.s3.putObject('s3://data-bucket/validation/validation.csv', `${rows(60)}\n`);
    const channel = (name: string) => ({ ChannelName: name, ContentType: 'text/csv', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://data-bucket/${name}` } } });
    const definition = JSON.stringify({
      Version: '2020-12-01',
      Steps: [
        {
          Name: 'Tune',
          Type: 'Tuning',
          Arguments: {
            HyperParameterTuningJobConfig: {
              Strategy: 'Random',
              ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1 },
              HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'validation:logloss' },
              ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.1', MaxValue: '0.5', ScalingType: 'Linear' }] },
            },
            TrainingJobDefinition: {
              StaticHyperParameters: { objective: 'binary:logistic', num_round: '5', eval_metric: 'logloss' },
              AlgorithmSpecification: { TrainingImage: '000000000000.dkr.ecr.us-east-1.amazonaws.com/sagepipe-xgboost:0.1.0', TrainingInputMode: 'File' },
              RoleArn: role,
              OutputDataConfig: { S3OutputPath: 's3://data-bucket/tuning' },
              ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 30 },
              StoppingCondition: { MaxRuntimeInSeconds: 600 },
              InputDataConfig: [channel('train'), channel('validation')],
            },
          },
        },
      ],
    });
    await sm.send(new CreatePipelineCommand({ PipelineName: 'tune', PipelineDefinition: definition, RoleArn: role }));
    const { PipelineExecutionArn: arn } = await sm.send(new StartPipelineExecutionCommand({ PipelineName: 'tune' }));
    const e = await finished(arn as string);
    expect(e.PipelineExecutionStatus, e.FailureReason).toBe('Succeeded');
    const steps = await sm.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn }));
    const tuningArn = steps.PipelineExecutionSteps?.[0]?.Metadata?.TuningJob?.Arn as string;
    const name = tuningArn.split('/').pop() as string;
    const tuning = await sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
    expect(tuning.HyperParameterTuningJobStatus).toBe('Completed');
    expect(tuning.TrainingJobStatusCounters?.Completed).toBe(2);
    expect(tuning.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.MetricName).toBe('validation:logloss');
    expect(tuning.CreationTime).toBeInstanceOf(Date);
    const listed = await sm.send(new ListHyperParameterTuningJobsCommand({}));
    expect(listed.HyperParameterTuningJobSummaries?.map((s) => s.HyperParameterTuningJobName)).toContain(tuning.HyperParameterTuningJobName);
    const trials = await sm.send(new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
    expect(trials.TrainingJobSummaries).toHaveLength(2);
    const trial = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: trials.TrainingJobSummaries?.[0]?.TrainingJobName }));
    expect(trial.TrainingJobStatus).toBe('Completed');
    expect(trial.HyperParameters?.eta).toBe(trials.TrainingJobSummaries?.[0]?.TunedHyperParameters?.eta);
    expect(trial.ModelArtifacts?.S3ModelArtifacts).toBe(`s3://data-bucket/tuning/${trial.TrainingJobName}/output/model.tar.gz`);
  }, 180_000);
});
