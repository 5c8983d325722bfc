/** Stopping an execution from another shell, and one whose runner died. */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecutionStore } from '../../src/engine/store.ts';
import { cli } from '../helpers/cli.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';

const ws = tempDir('sagepipe-stop-');
afterAll(() => ws.remove());

describe('sagepipe executions stop', () => {
  it('GIVEN a run in another process WHEN stopped THEN its job ends, the run exits 130 and the execution is Stopped', async () => {
    const input = join(ws.path, 'in');
    mkdirSync(input, { recursive: true });
    writeFileSync(join(input, 'ok'), '');
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin/sagepipe.js'), 'run', join(REPO_ROOT, 'test/fixtures/pipelines/flaky.ts'), '--runtime', 'process', '--workspace', ws.path, '--param', `InputDir=${input}`, '--param', 'SleepSeconds=2'],
      { stdio: 'ignore' },
    );
    const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
    // Wait until the execution is recorded as running its first step.
    let id = '';
    for (let i = 0; i < 300 && !id; i++) {
      try {
        const [dir] = readdirSync(join(ws.path, 'executions'));
        // Through the store: while a run goes on, its changes are in the journal beside execution.json.
        const { record } = await new ExecutionStore(ws.path).load(dir as string);
        if (record.Steps.some((s: { StepStatus: string }) => s.StepStatus === 'Executing')) id = dir as string;
      } catch {
        // Not there yet.
      }
      if (!id) await new Promise((r) => setTimeout(r, 20));
    }
    expect(id).not.toBe('');
    const stop = await cli(['executions', 'stop', id, '--workspace', ws.path]);
    expect(stop.stdout).toMatch(new RegExp(`asked the process running ${id} \\(pid \\d+\\) to stop it`));
    expect(await exited).toBe(130);
    const record = JSON.parse((await cli(['executions', 'describe', id, '--workspace', ws.path, '--json'])).stdout);
    expect(record.PipelineExecutionStatus).toBe('Stopped');
    expect(record.Steps[0].StepStatus).toBe('Stopped');
    const again = await cli(['executions', 'stop', id, '--workspace', ws.path]);
    expect(again.stderr).toContain(`execution ${id} is Stopped, not running`);
  }, 30_000);

  it('GIVEN an Executing record whose runner died WHEN stopped THEN it is marked Stopped', async () => {
    const dir = join(ws.path, 'executions', 'deadrunner00');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'definition.json'), JSON.stringify({ Version: '2020-12-01', Steps: [] }));
    writeFileSync(
      join(dir, 'execution.json'),
      JSON.stringify({
        PipelineArn: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/p',
        PipelineName: 'p',
        PipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/deadrunner00',
        PipelineExecutionId: 'deadrunner00',
        PipelineExecutionDisplayName: 'x',
        PipelineExecutionStatus: 'Executing',
        CreationTime: '2026-01-01T00:00:00.000Z',
        LastModifiedTime: '2026-01-01T00:00:00.000Z',
        PipelineParameters: [],
        ParallelismConfiguration: { MaxParallelExecutionSteps: 2 },
        Steps: [{ StepName: 'a', StepType: 'Processing', StepStatus: 'Executing', AttemptCount: 1, Metadata: {} }],
        NotExecutedSteps: [],
        RetryCount: 0,
        RunnerPid: 999999,
      }),
    );
    const r = await cli(['executions', 'stop', 'deadrunner00', '--workspace', ws.path]);
    expect(r.stdout).toBe('execution deadrunner00 marked Stopped (the process running it had ended)\n');
    const record = JSON.parse(readFileSync(join(dir, 'execution.json'), 'utf8'));
    expect([record.PipelineExecutionStatus, record.Steps[0].StepStatus]).toEqual(['Stopped', 'Stopped']);
  });
});
