/**
 * kill -9 of the runner at each step boundary and mid-job, with both runtimes: the record is consistent (Failed with
 * the reason, no step left Executing), nothing keeps running (no container, no process tree), a retry completes, and
 * the model is registered once. (The boundary before `register` is too short to hit by timing; the state a crash
 * there leaves is written directly in the last test.) Also: a second retry while one runs is refused; a crash between claiming a model
 * version and recording it does not register the model twice.
 */
import type { ExecutionRecord } from '../../src/engine/records.ts';
import { applyJournal } from '../../src/engine/store.ts';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pidRunning } from '../../src/util/process-identity.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { runDockerTests } from '../helpers/docker.ts';

const PIPELINE = join(REPO_ROOT, 'test/fixtures/pipelines/crashy.ts');
const BIN = join(REPO_ROOT, 'bin/sagepipe.js');
const GROUP = 'crashy-models';

interface StepRow {
  StepName: string;
  StepStatus: string;
}
interface Rec {
  PipelineExecutionId: string;
  PipelineExecutionArn: string;
  PipelineExecutionStatus: string;
  FailureReason?: string;
  RetryCount: number;
  Steps: StepRow[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const statusOf = (r: Rec, step: string) => r.Steps.find((s) => s.StepName === step)?.StepStatus;

function readRecord(ws: string): Rec | undefined {
  const dir = join(ws, 'executions');
  if (!existsSync(dir)) return undefined;
  for (const id of readdirSync(dir)) {
    try {
      // As the store reads it: execution.json with the running execution's journal applied.
      const base = JSON.parse(readFileSync(join(dir, id, 'execution.json'), 'utf8')) as ExecutionRecord;
      const journal = existsSync(join(dir, id, 'journal.jsonl')) ? readFileSync(join(dir, id, 'journal.jsonl'), 'utf8') : '';
      return applyJournal(base, journal) as unknown as Rec;
    } catch {
      // Not written yet.
    }
  }
  return undefined;
}

/** Starts `sagepipe run` in its own process and kills it with SIGKILL once `when` holds for the record. */
async function runAndKill(ws: string, runtime: string, sleepSeconds: number, when: (r: Rec) => boolean, delayMs: number): Promise<Rec> {
  mkdirSync(ws, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [BIN, 'run', PIPELINE, '--runtime', runtime, '--workspace', ws, '--no-logs', '--param', `SleepSeconds=${sleepSeconds}`], {
    cwd: ws,
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = readRecord(ws);
    if (r && when(r)) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the kill point was never reached (record: ${JSON.stringify(r?.Steps)})`);
    await sleep(15);
  }
  if (delayMs > 0) await sleep(delayMs);
  child.kill('SIGKILL');
  await exited;
  return readRecord(ws) as Rec;
}

/** Pids of process-runtime jobs recorded for an execution. */
function jobPids(ws: string, id: string): number[] {
  const dir = join(ws, 'jobs', id);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.process.json'))
    .map((n) => (JSON.parse(readFileSync(join(dir, n), 'utf8')) as { pid: number }).pid);
}

// A zombie (ended, not yet reaped by its new parent) runs nothing: it counts as gone.
const alive = (pid: number) => pidRunning(pid);

function registeredBy(ws: string, arn: string): number {
  const dir = join(ws, 'registry', GROUP);
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .filter((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { 'sagepipe:RegisteredBy'?: { PipelineExecutionArn: string } })['sagepipe:RegisteredBy']?.PipelineExecutionArn === arn).length;
}

const KILL_POINTS = [
  { name: 'at the boundary after prep', sleepSeconds: 1, when: (r: Rec) => statusOf(r, 'prep') === 'Succeeded', delayMs: 0 },
  { name: 'mid-job in work', sleepSeconds: 2, when: (r: Rec) => statusOf(r, 'work') === 'Executing', delayMs: 800 },
  { name: 'mid-job in prep (the first step)', sleepSeconds: 2, when: (r: Rec) => statusOf(r, 'prep') === 'Executing', delayMs: 300 },
] as const;

describe.each([['process', true] as const, ['docker', runDockerTests] as const])('kill -9 of the runner with the %s runtime', (runtime, enabled) => {
  const root = tempDir(`sagepipe-crash-${runtime}-`);
  afterAll(() => root.remove());

  it.runIf(enabled).each(KILL_POINTS.map((k, i) => [k.name, i] as const))('GIVEN the runner killed %s WHEN looked at and retried THEN Failed with the reason, no orphans, retry completes, one model version', async (_name, index) => {
    const point = KILL_POINTS[index] as (typeof KILL_POINTS)[number];
    const ws = join(root.path, `ws-${index}`);
    const killed = await runAndKill(ws, runtime, point.sleepSeconds, point.when, point.delayMs);
    const id = killed.PipelineExecutionId;
    expect(killed.PipelineExecutionStatus).toBe('Executing');
    const pids = jobPids(ws, id);

    const described = await cli(['executions', 'describe', id, '--json', '--workspace', ws]);
    const record = JSON.parse(described.stdout) as Rec;
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.FailureReason).toMatch(/the sagepipe process running it \(pid \d+\) ended before the execution finished \(killed or crashed\); its jobs were removed\. Retry it with 'sagepipe executions retry /);
    expect(record.Steps.filter((s) => s.StepStatus === 'Executing' || s.StepStatus === 'Starting')).toEqual([]);

    // No orphans: the job's process tree or container is gone.
    for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(50);
    expect(pids.filter(alive)).toEqual([]);
    if (runtime === 'docker') expect(execFileSync('docker', ['ps', '-aq', '--filter', `label=sagepipe.execution=${id}`], { encoding: 'utf8' }).trim()).toBe('');

    const retried = await cli(['executions', 'retry', id, '--runtime', runtime, '--json', '--no-logs', '--workspace', ws], { cwd: ws });
    expect(retried.code, retried.stderr).toBe(0);
    const after = JSON.parse(retried.stdout) as Rec;
    expect(after.Steps.map((s) => `${s.StepName}:${s.StepStatus}`)).toEqual(['prep:Succeeded', 'work:Succeeded', 'register:Succeeded']);
    expect(registeredBy(ws, after.PipelineExecutionArn)).toBe(1);
  }, 120_000);

  it.runIf(enabled)('GIVEN the runner killed mid-job WHEN the execution is stopped THEN it is Stopped and its job is gone', async () => {
    const ws = join(root.path, 'ws-stop');
    const killed = await runAndKill(ws, runtime, 3, (r: Rec) => statusOf(r, 'prep') === 'Executing', 800);
    const id = killed.PipelineExecutionId;
    const pids = jobPids(ws, id);
    const stopped = await cli(['executions', 'stop', id, '--workspace', ws]);
    expect(stopped.stdout).toBe(`execution ${id} marked Stopped (the process running it had ended)\n`);
    const record = JSON.parse((await cli(['executions', 'describe', id, '--json', '--workspace', ws])).stdout) as Rec;
    expect([record.PipelineExecutionStatus, statusOf(record, 'prep')]).toEqual(['Stopped', 'Stopped']);
    for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(50);
    expect(pids.filter(alive)).toEqual([]);
    if (runtime === 'docker') expect(execFileSync('docker', ['ps', '-aq', '--filter', `label=sagepipe.execution=${id}`], { encoding: 'utf8' }).trim()).toBe('');
  }, 120_000);
});

describe('races on one execution', () => {
  const root = tempDir('sagepipe-crash-race-');
  afterAll(() => root.remove());

  it('GIVEN a retry running WHEN a second retry of the same execution starts THEN it is refused with a conflict and the first completes', async () => {
    const ws = join(root.path, 'conflict');
    const killed = await runAndKill(ws, 'process', 1, (r) => statusOf(r, 'prep') === 'Executing', 0);
    const id = killed.PipelineExecutionId;
    const first = cli(['executions', 'retry', id, '--runtime', 'process', '--json', '--no-logs', '--workspace', ws], { cwd: ws });
    for (let i = 0; i < 200 && readRecord(ws)?.RetryCount !== 1; i++) await sleep(15);
    const second = await cli(['executions', 'retry', id, '--runtime', 'process', '--no-logs', '--workspace', ws], { cwd: ws });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`execution ${id} is held by process \\d+ \\(running it\\) since .*: only one process runs an execution at a time`));
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect((JSON.parse(done.stdout) as Rec).PipelineExecutionStatus).toBe('Succeeded');
  }, 120_000);

  it('GIVEN a crash after the model version was claimed but before the record said so WHEN retried THEN the model is not registered twice', async () => {
    const ws = join(root.path, 'register');
    const run = await cli(['run', PIPELINE, '--runtime', 'process', '--json', '--no-logs', '--workspace', ws], { cwd: ws });
    expect(run.code, run.stderr).toBe(0);
    const rec = JSON.parse(run.stdout) as Rec;
    // The state such a crash leaves: the version exists, the record still shows the step running under a dead runner.
    const file = join(ws, 'executions', rec.PipelineExecutionId, 'execution.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    const reg = stored.Steps.find((s: StepRow) => s.StepName === 'register');
    reg.StepStatus = 'Executing';
    delete reg.Properties;
    stored.PipelineExecutionStatus = 'Executing';
    stored.RunnerPid = 2 ** 22 + 7;
    delete stored.EndTime;
    writeFileSync(file, JSON.stringify(stored));
    const retried = await cli(['executions', 'retry', rec.PipelineExecutionId, '--runtime', 'process', '--json', '--no-logs', '--workspace', ws], { cwd: ws });
    expect(retried.code, retried.stderr).toBe(0);
    expect(registeredBy(ws, rec.PipelineExecutionArn)).toBe(1);
    expect(readdirSync(join(ws, 'registry', GROUP)).filter((f) => /^\d+\.json$/.test(f))).toEqual(['1.json']);
  }, 60_000);
});
