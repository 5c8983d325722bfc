/**
 * `--target sagemaker` against two implementations of the SageMaker and S3 APIs: `sagepipe serve` (ours, which runs
 * the jobs) and moto_server (an independent mock that executes nothing). The same CLI commands run against both:
 * run (create, then update), executions list/describe, models approve/reject/list/latest/compare, endpoints
 * deploy/describe/list/delete.
 * Where the two answer differently (docs/serve.md lists it), the test says which and why.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, ListModelPackagesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { resolveAwsSettings } from '../../src/sagemaker/aws-settings.ts';
import { SageMakerTarget } from '../../src/sagemaker/sagemaker-target.ts';
import type { PipelineRecord } from '../../src/engine/target.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { type RunningServe, startServe } from '../helpers/serve.ts';

const ROLE = 'arn:aws:iam::000000000000:role/Local';
const XGBOOST = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const dir = tempDir('sagepipe-target-');

/** moto_server from the pyenv Python (moto 5), when this machine has it; CI must. */
function motoCommand(): string[] | undefined {
  const ok = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8' }).status === 0;
  if (!ok && process.env.CI) throw new Error('moto is missing: python3 -m moto.server must work (pyenv python3 with moto)');
  return ok ? ['python3', '-m', 'moto.server'] : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const definition = {
  Version: '2020-12-01',
  Parameters: [{ Name: 'TrainData', Type: 'String', DefaultValue: 's3://missing/train.csv' }],
  Steps: [
    {
      Name: 'Train',
      Type: 'Training',
      Arguments: {
        AlgorithmSpecification: { TrainingImage: XGBOOST, TrainingInputMode: 'File' },
        OutputDataConfig: { S3OutputPath: 's3://sagepipe-target-test/models' },
        StoppingCondition: { MaxRuntimeInSeconds: 600 },
        ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 30 },
        RoleArn: ROLE,
        InputDataConfig: [{ ChannelName: 'train', ContentType: 'text/csv', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: { Get: 'Parameters.TrainData' }, S3DataDistributionType: 'FullyReplicated' } } }],
        HyperParameters: { num_round: '3', objective: 'binary:logistic' },
      },
    },
    {
      Name: 'Register',
      Type: 'RegisterModel',
      Arguments: {
        ModelPackageGroupName: 'TargetGroup',
        InferenceSpecification: { Containers: [{ Image: XGBOOST, ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
        ModelApprovalStatus: 'PendingManualApproval',
      },
    },
  ],
};

interface Backend {
  readonly name: 'serve' | 'moto';
  url: string;
  stop(): Promise<void>;
}

const moto = motoCommand();
const backends: Backend[] = [];

beforeAll(async () => {
  // The CLI runs in this process; the AWS SDK's credential chain reads its environment.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'dummy', AWS_SECRET_ACCESS_KEY: 'dummy' });
  const rows = Array.from({ length: 80 }, (_, i) => `${i % 2},${(i % 2) * 5 + (i % 3)},${i % 4}`).join('\n');
  writeFileSync(join(dir.path, 'train.csv'), `${rows}\n`);
  writeFileSync(join(dir.path, 'target-test.json'), JSON.stringify(definition));
  const serve: RunningServe = await startServe();
  backends.push({ name: 'serve', url: serve.url, stop: () => serve.close() });
  if (moto) {
    const port = await freePort();
    const child: ChildProcess = spawn(moto[0] as string, [...moto.slice(1), '-p', String(port)], { stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${url}/moto-api/`).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    backends.push({ name: 'moto', url, stop: async () => void child.kill() });
  }
}, 60_000);
afterAll(async () => {
  for (const b of backends) await b.stop();
  dir.remove();
});

const env = { AWS_ACCESS_KEY_ID: 'dummy', AWS_SECRET_ACCESS_KEY: 'dummy', AWS_REGION: 'us-east-1' };

describe.each(['serve', 'moto'] as const)('--target sagemaker against %s', (name) => {
  const backend = () => backends.find((b) => b.name === name) as Backend;
  const target = () => ['--target', 'sagemaker', '--endpoint-url', backend().url, '--region', 'us-east-1'];
  const skip = name === 'moto' && !moto;

  it.skipIf(skip)('GIVEN a pipeline WHEN run twice (created, then updated) THEN both executions are listed and described as Succeeded', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await cli(['run', join(dir.path, 'target-test.json'), ...target(), '--bucket', 'sagepipe-target-test', '--role-arn', ROLE, '--json', '--no-logs', '--param', `TrainData=${join(dir.path, 'train.csv')}`], { cwd: REPO_ROOT, env });
      expect(run.code, run.stderr).toBe(0);
      const record = JSON.parse(run.stdout) as { PipelineExecutionStatus: string; Steps: { StepName: string; StepStatus: string }[] };
      expect(record.PipelineExecutionStatus).toBe('Succeeded');
      // moto executes nothing: its executions succeed at once, with no steps.
      expect(record.Steps.map((s) => `${s.StepName}:${s.StepStatus}`)).toEqual(name === 'serve' ? ['Train:Succeeded', 'Register:Succeeded'] : []);
    }
    const list = JSON.parse((await cli(['executions', 'list', ...target(), '--json'], { env })).stdout).PipelineExecutionSummaries as { PipelineName: string; PipelineExecutionArn: string; PipelineExecutionStatus: string }[];
    const mine = list.filter((e) => e.PipelineName === 'target-test');
    expect(mine.map((e) => e.PipelineExecutionStatus)).toEqual(['Succeeded', 'Succeeded']);
    const described = await cli(['executions', 'describe', (mine[0] as { PipelineExecutionArn: string }).PipelineExecutionArn, ...target(), '--json'], { env });
    expect(described.code, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout).PipelineExecutionStatus).toBe('Succeeded');
  }, 180_000);

  it.skipIf(skip)('GIVEN the SageMaker target WHEN a pipeline is put, put again changed, read, listed and deleted THEN it answers as the local target does', async () => {
    const settings = resolveAwsSettings({ region: 'us-east-1', endpointUrl: backend().url, roleArn: ROLE }, env, REPO_ROOT, { role: true });
    const target = new SageMakerTarget({ settings, cwd: REPO_ROOT });
    const now = new Date().toISOString();
    const record = (message: string): PipelineRecord => ({
      PipelineName: 'catalog-test',
      PipelineArn: '',
      PipelineDisplayName: 'catalog-test',
      PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: message } }] }),
      RoleArn: ROLE,
      PipelineStatus: 'Active',
      CreationTime: now,
      LastModifiedTime: now,
    });
    expect(await target.getPipeline('catalog-test')).toBeUndefined();
    await target.putPipeline(record('one'));
    await target.putPipeline(record('two'));
    const got = await target.getPipeline('catalog-test');
    expect(JSON.parse(String(got?.PipelineDefinition)).Steps[0].Arguments.ErrorMessage).toBe('two');
    expect(got?.PipelineArn).toMatch(/:pipeline\/catalog-test$/);
    expect((await target.listPipelines()).map((p) => p.PipelineName)).toContain('catalog-test');
    await target.deletePipeline('catalog-test');
    expect(await target.getPipeline('catalog-test')).toBeUndefined();
  });

  it.skipIf(skip)('GIVEN a registered model package WHEN rejected, approved, deployed, listed and deleted THEN each command succeeds', async () => {
    const sm = new SageMakerClient({ region: 'us-east-1', endpoint: backend().url, credentials: { accessKeyId: 'dummy', secretAccessKey: 'dummy' } });
    let packages = (await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'TargetGroup' }))).ModelPackageSummaryList ?? [];
    if (name === 'moto') {
      // Nothing ran on moto, so nothing registered: register by hand what serve's run registered.
      expect(packages).toEqual([]);
      await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'TargetGroup' }));
      await sm.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: 'TargetGroup',
          InferenceSpecification: { Containers: [{ Image: XGBOOST, ModelDataUrl: 's3://sagepipe-target-test/models/model.tar.gz' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
          ModelApprovalStatus: 'PendingManualApproval',
        }),
      );
      packages = (await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'TargetGroup' }))).ModelPackageSummaryList ?? [];
    }
    const arn = packages[0]?.ModelPackageArn as string;
    expect(arn).toMatch(/:model-package\/targetgroup\/1$/);
    expect((await cli(['models', 'reject', arn, ...target()], { env })).stdout).toBe('TargetGroup/1 is Rejected\n');
    expect((await cli(['models', 'approve', arn, ...target()], { env })).stdout).toBe('TargetGroup/1 is Approved\n');
    // The registry is read through the target too: listed (every group, then one), the latest Approved, compared.
    const everything = await cli(['models', 'list', ...target(), '--json'], { env });
    expect(everything.code, everything.stderr).toBe(0);
    const summaries = JSON.parse(everything.stdout).ModelPackageSummaryList as { ModelPackageGroupName: string; ModelPackageVersion: number; ModelPackageArn: string; ModelApprovalStatus: string }[];
    // serve ran the pipeline twice (two versions); moto has the one registered by hand. Newest first, as locally.
    const group = summaries.filter((p) => p.ModelPackageGroupName === 'TargetGroup');
    expect(group.map((p) => p.ModelPackageVersion)).toEqual(name === 'serve' ? [2, 1] : [1]);
    expect(group.find((p) => p.ModelPackageArn === arn)).toMatchObject({ ModelPackageVersion: 1, ModelApprovalStatus: 'Approved' });
    expect((await cli(['models', 'list', 'TargetGroup', ...target()], { env })).stdout).toMatch(/^TargetGroup\/1 {2}Approved /m);
    expect((await cli(['models', 'latest', 'TargetGroup', '--approved', ...target()], { env })).stdout).toBe(`${arn}\tTargetGroup/1\tApproved\n`);
    const compared = await cli(['models', 'compare', 'TargetGroup', '1', ...target(), '--json'], { env });
    expect(compared.code, compared.stderr).toBe(0);
    expect(JSON.parse(compared.stdout)).toMatchObject({ group: 'TargetGroup', versions: [{ ModelPackageArn: arn, ModelPackageVersion: 1, ModelApprovalStatus: 'Approved', Metrics: {} }] });
    const deployed = await cli(['endpoints', 'deploy', arn, '--name', 'target-endpoint', '--role-arn', ROLE, ...target(), '--json'], { env });
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ EndpointName: 'target-endpoint', EndpointStatus: 'InService' });
    const listed = JSON.parse((await cli(['endpoints', 'list', ...target(), '--json'], { env })).stdout).Endpoints as { EndpointName: string }[];
    expect(listed.map((e) => e.EndpointName)).toEqual(['target-endpoint']);
    expect((await cli(['endpoints', 'delete', 'target-endpoint', ...target()], { env })).code).toBe(0);
    expect((await cli(['endpoints', 'describe', 'target-endpoint', ...target()], { env })).stderr).toMatch(/Could not find endpoint/);
  }, 120_000);
});
