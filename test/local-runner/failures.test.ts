/** Failing containers: non-zero exit, time-out, missing image; outputs kept; retry after the cause is fixed. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { projectImage, runDockerTests } from '../helpers/docker.ts';

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

  it.runIf(enabled)('GIVEN a succeeded execution WHEN only `after` is selected THEN only it runs, reading check\'s earlier output', async () => {
    writeFileSync(join(input, 'ok'), '');
    const first = JSON.parse((await run()).stdout);
    const selective = await run('--select', 'after', '--from', first.PipelineExecutionId);
    rmSync(join(input, 'ok'));
    expect(selective.code, selective.stderr).toBe(0);
    const record = JSON.parse(selective.stdout);
    expect(record.Steps.map((s: { StepName: string }) => s.StepName)).toEqual(['after']);
    expect(record.SelectiveExecutionConfig).toEqual({ SourcePipelineExecutionArn: first.PipelineExecutionArn, SelectedSteps: [{ StepName: 'after' }] });
    const bad = await run('--select', 'nosuch', '--from', first.PipelineExecutionId);
    expect(bad.stderr).toContain("selective execution: no step named 'nosuch' in the pipeline");
  });

  it.runIf(enabled)('GIVEN an input folder that holds the workspace WHEN run THEN the step fails saying so', async () => {
    const result = await cli(['run', PIPELINE, '--runtime', runtime, '--workspace', join(ws.path, 'inner-ws'), '--json', '--param', `InputDir=${ws.path}`], { cwd: ws.path });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).Steps[0].FailureReason).toMatch(/^ClientError: input 'input-1': local folder .* holds the workspace/);
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

describe.runIf(runDockerTests)('leftover containers', () => {
  const ws = tempDir('sagepipe-leftover-');
  const input = join(ws.path, 'in');
  mkdirSync(input, { recursive: true });
  afterAll(() => ws.remove());

  it('GIVEN a container left by a run on this host that crashed, and a running one of another host WHEN the next run starts THEN only this host\'s is removed', async () => {
    const { execFileSync } = await import('node:child_process');
    const { hostId } = await import('../../src/util/process-identity.ts');
    const id = execFileSync('docker', ['create', '--label', 'sagepipe.managed=true', '--label', 'sagepipe.owner-pid=999999', '--label', `sagepipe.host=${hostId()}`, projectImage('node'), '-e', '0'], { encoding: 'utf8' }).trim();
    // Another host's live job on a shared daemon: its owner pid means nothing here.
    const other = execFileSync('docker', ['run', '-d', '--label', 'sagepipe.managed=true', '--label', 'sagepipe.owner-pid=999999', '--label', 'sagepipe.host=some-other-host', projectImage('node'), '-e', 'setTimeout(()=>{},60000)'], { encoding: 'utf8' }).trim();
    try {
      writeFileSync(join(input, 'ok'), '');
      const result = await cli(['run', PIPELINE, '--runtime', 'docker', '--workspace', ws.path, '--json', '--param', `InputDir=${input}`], { cwd: ws.path });
      rmSync(join(input, 'ok'));
      expect(result.stderr).toMatch(/notice: removed [1-9]\d* container\(s\) left by an earlier run that crashed/);
      expect(execFileSync('docker', ['ps', '-aq', '--filter', `id=${id}`], { encoding: 'utf8' }).trim()).toBe('');
      expect(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', other], { encoding: 'utf8' }).trim()).toBe('true');
    } finally {
      execFileSync('docker', ['rm', '-f', other], { stdio: 'ignore' });
    }
  }, 60_000);

});
