/**
 * Hostile containers: a job that replaces what the host reads afterwards (a processing output, /opt/ml/model,
 * /opt/ml/output/failure) with a link to a host path gets the job refused with a reason, and no host file reaches
 * S3, a model archive or a failure reason. Run with both runtimes; the container is `node -e <script>`.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../local-runner/local-backend.ts';
import { ModelStore } from '../../local-runner/model-store.ts';
import { FileRegistry } from '../../local-runner/registry/file-registry.ts';
import { DockerRuntime } from '../../local-runner/runtime/docker-runtime.ts';
import { ProcessRuntime } from '../../local-runner/runtime/process-runtime.ts';
import type { ContainerRuntime } from '../../local-runner/runtime/runtime.ts';
import { LocalS3 } from '../../local-runner/s3/local-s3.ts';
import type { JobContext } from '../../src/engine/backend.ts';
import type { JsonObject } from '../../src/definition/types.ts';
import { tempDir } from '../helpers/context.ts';
import { runDockerTests } from '../helpers/docker.ts';

const ws = tempDir('sagepipe-symlink-');
afterAll(() => ws.remove());
// The host's secret: a folder and a file outside every job folder.
const secretDir = join(ws.path, 'host-secret');
mkdirSync(secretDir, { recursive: true });
writeFileSync(join(secretDir, 'shadow'), 'root:SECRET-HASH:19000');

const IMAGE = 'sagepipe-node:0.1.0';
const ctx = (step: string): JobContext => ({
  executionId: 'exec1',
  executionArn: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/exec1',
  pipelineName: 'p',
  stepName: step,
  attempt: 1,
  jobName: `job-${step}-${Math.random().toString(36).slice(2, 8)}`,
  signal: new AbortController().signal,
  log: () => undefined,
});

/** A script run in the container: `link(target, path)` replaces `path` with a link to `target`. */
const script = (body: string) => `const fs=require('fs');const link=(t,p)=>{fs.rmSync(p,{recursive:true,force:true});fs.mkdirSync(require('path').dirname(p),{recursive:true});fs.symlinkSync(t,p);};${body}`;
const root = (p: string) => `(process.env.SAGEPIPE_CONTAINER_ROOT||'')+'${p}'`;

describe.each([['process', true] as const, ['docker', runDockerTests] as const])('symlink-escaping containers with the %s runtime', (kind, enabled) => {
  const dir = join(ws.path, kind);
  // The secret is mounted nowhere in a container; under Docker the link points at the host path anyway (the host follows it).
  const backend = (runtime: ContainerRuntime) =>
    new LocalBackend({
      s3: new LocalS3(join(dir, 's3')),
      registry: new FileRegistry(join(dir, 'registry'), { region: 'us-east-1', account: '000000000000' }),
      models: new ModelStore(join(dir, 'models')),
      jobsDir: join(dir, 'jobs'),
      runtime,
      version: '0.1.0',
      region: 'us-east-1',
      account: '000000000000',
    });
  const runtime = (): ContainerRuntime => (kind === 'process' ? new ProcessRuntime() : new DockerRuntime());
  const processing = (code: string): JsonObject => ({
    AppSpecification: { ImageUri: IMAGE, ContainerEntrypoint: ['node', '-e', script(code)] },
    ProcessingOutputConfig: { Outputs: [{ OutputName: 'out', S3Output: { S3Uri: 's3://b/out/', LocalPath: '/opt/ml/processing/out', S3UploadMode: 'EndOfJob' } }] },
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 } },
    RoleArn: 'arn:aws:iam::000000000000:role/r',
  });
  const training = (code: string): JsonObject => ({
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File', ContainerEntrypoint: ['node', '-e', script(code)], ContainerArguments: [] },
    OutputDataConfig: { S3OutputPath: 's3://b/models' },
    ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 },
    StoppingCondition: { MaxRuntimeInSeconds: 60 },
    RoleArn: 'arn:aws:iam::000000000000:role/r',
  });

  it.runIf(enabled)('GIVEN a processing output replaced by a link to a host folder WHEN the job ends THEN it fails refusing the link, and nothing is uploaded', async () => {
    const job = backend(runtime()).runProcessingJob(processing(`link(${JSON.stringify(secretDir)}, ${root('/opt/ml/processing/out')});`), ctx('proc'));
    await expect(job).rejects.toThrow(/ClientError: output 'out': .* outside the job's folder .*; refused/);
    expect(existsSync(join(dir, 's3', 'b', 'out'))).toBe(false);
  }, 60_000);

  it.runIf(enabled)('GIVEN a processing output holding a link to a host file WHEN the job ends THEN it fails naming the link', async () => {
    const job = backend(runtime()).runProcessingJob(
      processing(`fs.mkdirSync(${root('/opt/ml/processing/out')},{recursive:true});fs.symlinkSync(${JSON.stringify(join(secretDir, 'shadow'))}, ${root('/opt/ml/processing/out/shadow')});`),
      ctx('proc2'),
    );
    await expect(job).rejects.toThrow(/output 'out': .*shadow is a symbolic link to .*(outside the job's folder|does not exist).*refused/);
    expect(existsSync(join(dir, 's3', 'b', 'out'))).toBe(false);
  }, 60_000);

  it.runIf(enabled)('GIVEN /opt/ml/model replaced by a link to a host folder WHEN training ends THEN no model archive is made', async () => {
    const job = backend(runtime()).runTrainingJob(training(`link(${JSON.stringify(secretDir)}, ${root('/opt/ml/model')});`), ctx('train'));
    await expect(job).rejects.toThrow(/ClientError: \/opt\/ml\/model: .* outside the job's folder .*; refused/);
    expect(existsSync(join(dir, 's3', 'b', 'models'))).toBe(false);
  }, 60_000);

  it.runIf(enabled)('GIVEN /opt/ml/output/failure replaced by a link to a host file WHEN the job fails THEN the reason refuses it and never shows the file', async () => {
    const job = backend(runtime()).runTrainingJob(
      training(`link(${JSON.stringify(join(secretDir, 'shadow'))}, ${root('/opt/ml/output/failure')});process.exit(2);`),
      ctx('train2'),
    );
    const error = await job.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/\/opt\/ml\/output\/failure: .* symbolic link .*refused/);
    expect(error?.message).not.toContain('SECRET-HASH');
  }, 60_000);

  it.runIf(enabled)('GIVEN a well-behaved job writing /opt/ml/output/failure WHEN it fails THEN its message is the reason, with a pointer to the log', async () => {
    const job = backend(runtime()).runTrainingJob(
      training(`fs.mkdirSync(${root('/opt/ml/output')},{recursive:true});fs.writeFileSync(${root('/opt/ml/output/failure')},'ValueError: eta must be positive');process.exit(1);`),
      ctx('train3'),
    );
    await expect(job).rejects.toThrow(/^ValueError: eta must be positive \(exit code 1; full log: sagepipe executions logs exec1 train3; job folder kept at /);
    expect(readdirSync(secretDir)).toEqual(['shadow']);
  }, 60_000);
});

describe('local-path inputs', () => {
  it('GIVEN a runner with local inputs turned off WHEN a job asks for /etc/hostname THEN it fails before anything is copied', async () => {
    const dir = join(ws.path, 'no-local');
    const backend = new LocalBackend({
      s3: new LocalS3(join(dir, 's3')),
      registry: new FileRegistry(join(dir, 'registry'), { region: 'us-east-1', account: '000000000000' }),
      models: new ModelStore(join(dir, 'models')),
      jobsDir: join(dir, 'jobs'),
      runtime: new ProcessRuntime(),
      version: '0.1.0',
      region: 'us-east-1',
      account: '000000000000',
      localInputs: false,
    });
    const request: JsonObject = {
      AppSpecification: { ImageUri: IMAGE, ContainerEntrypoint: ['node', '-e', '0'] },
      ProcessingInputs: [{ InputName: 'in', S3Input: { S3Uri: '/etc/hostname', LocalPath: '/opt/ml/processing/in', S3DataType: 'S3Prefix', S3InputMode: 'File' } }],
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 } },
      RoleArn: 'r',
    };
    await expect(backend.runProcessingJob(request, ctx('local'))).rejects.toThrow(/ClientError: input 'in': \/etc\/hostname is a local path, and this runner only takes s3:\/\/ inputs/);
  });
});
