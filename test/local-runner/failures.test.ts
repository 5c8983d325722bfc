/** Failing containers: non-zero exit, time-out, missing image; outputs kept; retry after the cause is fixed. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { runDockerTests } from '../helpers/docker.ts';

const PIPELINE = join(REPO_ROOT, 'test/fixtures/pipelines/flaky.ts');

describe.each([['process', true] as const, ['docker', runDockerTests] as const])('failures with the %s runtime', (runtime, enabled) => {
  const ws = tempDir(`sagepipe-fail-${runtime}-`);
  const input = join(ws.path, 'in');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'data.txt'), 'hello');
  const run = (...extra: string[]) =>
    cli(['run', PIPELINE, '--runtime', runtime, '--workspace', ws.path, '--json', '--param', `InputDir=${input}`, ...extra], { cwd: ws.path });
  afterAll(() => ws.remove());

  it.runIf(enabled)('GIVEN a container that exits non-zero WHEN run THEN its step fails with a reason, the next step does not run, and retry completes after the fix', async () => {
    const failed = await run();
    expect(failed.code).toBe(1);
    const record = JSON.parse(failed.stdout);
    const check = record.Steps.find((s: { StepName: string }) => s.StepName === 'check');
    expect(check.StepStatus).toBe('Failed');
    expect(check.FailureReason).toMatch(/^AlgorithmError: the container exited with code 3; last output: no file named ok in the input: failing on purpose/);
    expect(record.NotExecutedSteps).toEqual([{ StepName: 'after', Reason: "depends on 'check', which failed" }]);
    expect(failed.stderr).toMatch(/✖ check failed: AlgorithmError/);
    expect(failed.stderr).not.toMatch(/at .*\.ts:\d+/);
    const logs = await cli(['executions', 'logs', record.PipelineExecutionId, 'check', '--workspace', ws.path]);
    expect(logs.stdout).toContain('failing on purpose');

    writeFileSync(join(input, 'ok'), '');
    const retried = await cli(['executions', 'retry', record.PipelineExecutionId, '--runtime', runtime, '--workspace', ws.path, '--json'], { cwd: ws.path });
    expect(retried.code, retried.stderr).toBe(0);
    const after = JSON.parse(retried.stdout);
    expect(after.PipelineExecutionArn).toBe(record.PipelineExecutionArn);
    expect(after.Steps.map((s: { StepName: string; StepStatus: string }) => `${s.StepName}:${s.StepStatus}`)).toEqual(['check:Succeeded', 'after:Succeeded']);
    rmSync(join(input, 'ok'));
  });

  it.runIf(enabled)('GIVEN a job past MaxRuntimeInSeconds WHEN run THEN it is killed and the step says why', async () => {
    writeFileSync(join(input, 'ok'), '');
    const result = await run('--param', 'SleepSeconds=10');
    rmSync(join(input, 'ok'));
    expect(result.code).toBe(1);
    const check = JSON.parse(result.stdout).Steps[0];
    expect(check.FailureReason).toMatch(/exceeded MaxRuntimeInSeconds \(3 s\) and was stopped/);
  });

  it.runIf(enabled)('GIVEN an image that does not exist WHEN run THEN the step fails naming the image and how to get it', async () => {
    const result = await run('--param', 'Image=sagepipe-missing-image:1.0');
    expect(result.code).toBe(1);
    const check = JSON.parse(result.stdout).Steps[0];
    expect(check.FailureReason).toMatch(runtime === 'docker' ? /image sagepipe-missing-image:1\.0 .*is not available locally: pull or build it yourself/ : /cannot run under the process runtime .*use --runtime docker/);
  });

  it.runIf(enabled)('GIVEN a succeeded step before a failure THEN its outputs stay in the local S3', async () => {
    writeFileSync(join(input, 'ok'), '');
    const result = await run('--param', 'AfterFails=yes');
    rmSync(join(input, 'ok'));
    expect(result.code).toBe(1);
    const record = JSON.parse(result.stdout);
    expect(record.Steps.map((s: { StepName: string; StepStatus: string }) => `${s.StepName}:${s.StepStatus}`)).toEqual(['check:Succeeded', 'after:Failed']);
    const uri: string = record.Steps[0].Properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri;
    expect(readFileSync(join(ws.path, 's3', uri.replace('s3://', ''), 'data.txt'), 'utf8')).toBe('hello');
  });
});
