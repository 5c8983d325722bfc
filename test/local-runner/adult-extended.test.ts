/**
 * examples/adult-extended end to end with both runtimes: tuning instead of training, evaluation and batch transform
 * with the best trial, a summary Lambda, and an approval Callback answered from another process.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { runDockerTests } from '../helpers/docker.ts';
import { ExecutionStore } from '../../src/engine/store.ts';

const runtimes = [['process', true] as const, ['docker', runDockerTests] as const];

/** The reference pipeline's fixed-hyperparameter validation logloss, measured once. */
let referenceLogloss: number;
const refWs = tempDir('sagepipe-ext-ref-');
beforeAll(async () => {
  const ref = await cli(['run', 'examples/adult/pipeline.ts', '--runtime', 'process', '--workspace', refWs.path, '--json', '--no-logs', '--param', `InputData=${ADULT_CSV}`], { cwd: REPO_ROOT });
  expect(ref.code, ref.stderr).toBe(0);
  const train = JSON.parse(ref.stdout).Steps.find((s: { StepName: string }) => s.StepName === 'adultTrain');
  referenceLogloss = train.Properties.FinalMetricDataList.find((m: { MetricName: string }) => m.MetricName === 'validation:logloss').Value;
}, 240_000);
afterAll(() => refWs.remove());

/** Waits until the execution in the workspace has a Callback step waiting, and returns its id and token. */
async function waitingCallback(workspace: string, exited: { done: boolean; stderr: () => string }): Promise<{ id: string; token: string; args: Record<string, unknown> }> {
  // Read as every command reads it: the store applies the running execution's journal to its record.
  const store = new ExecutionStore(workspace);
  for (let i = 0; i < 6000 && !exited.done; i++) {
    const [execution] = (await store.list()).executions;
    const step = execution?.Steps.find((s) => s.StepType === 'Callback' && s.StepStatus === 'Executing');
    const token = (step?.Metadata.Callback as { CallbackToken?: string } | undefined)?.CallbackToken;
    if (execution && step && token) return { id: execution.PipelineExecutionId, token, args: (step.CallbackArguments ?? {}) as Record<string, unknown> };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no Callback step started waiting; the run said:\n${exited.stderr().slice(-3000)}`);
}

describe.each(runtimes)('the extended adult pipeline with the %s runtime', (runtime, enabled) => {
  const ws = tempDir(`sagepipe-ext-${runtime}-`);
  let record: any;
  let stderr = '';
  let token = '';
  let describedWhileWaiting = '';
  beforeAll(async () => {
    if (!enabled) return;
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin/sagepipe.js'), 'run', 'examples/adult-extended/pipeline.ts', '--runtime', runtime, '--workspace', ws.path, '--json', '--no-logs', '--param', `InputData=${ADULT_CSV}`, '--param', `SummaryDir=${join(ws.path, 'summaries')}`],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const state = { done: false, stderr: () => stderr };
    const exited = new Promise<number>((r) => child.on('close', (code) => ((state.done = true), r(code ?? -1))));
    const waiting = await waitingCallback(ws.path, state);
    token = waiting.token;
    describedWhileWaiting = (await cli(['executions', 'describe', waiting.id, '--workspace', ws.path])).stdout;
    const answer = await cli(['executions', 'callback', token, '--success', '--output', 'approved=true', '--output', 'approver=ana', '--workspace', ws.path]);
    expect(answer.code, answer.stderr).toBe(0);
    expect(await exited, stderr).toBe(0);
    record = JSON.parse(stdout);
  }, 600_000);
  afterAll(() => ws.remove());

  it.runIf(enabled)('GIVEN the adult data WHEN run and approved from another process THEN every step succeeds and the best model is registered', () => {
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.Steps.map((s: { StepName: string; StepStatus: string }) => `${s.StepName}:${s.StepStatus}`).sort()).toEqual([
      'adultApproval:Succeeded',
      'adultBestModel:Succeeded',
      'adultEval:Succeeded',
      'adultGate:Succeeded',
      'adultProcess:Succeeded',
      'adultRegisterModel:Succeeded',
      'adultSummary:Succeeded',
      'adultTransform:Succeeded',
      'adultTune:Succeeded',
    ]);
    const register = record.Steps.find((s: { StepName: string }) => s.StepName === 'adultRegisterModel');
    expect(register.Properties.ModelPackageDescription).toMatch(/^tuned by \S+ approved by ana$/);
    expect(describedWhileWaiting).toContain(`callback token ${token} (waiting`);
  });

  it.runIf(enabled)('GIVEN the tuning step THEN 6 trials ran, at most 2 at once, and the best beats the reference pipeline', () => {
    const tune = record.Steps.find((s: { StepName: string }) => s.StepName === 'adultTune').Properties;
    expect(tune.HyperParameterTuningJobConfig.Strategy).toBe('Bayesian');
    expect(tune.TrainingJobStatusCounters.Completed).toBe(6);
    const spans = tune.TrainingJobSummaries.map((t: any) => [Date.parse(t.TrainingStartTime), Date.parse(t.TrainingEndTime)]);
    for (const [start] of spans) expect(spans.filter(([s, e]: number[]) => s <= start && start < e).length).toBeLessThanOrEqual(2);
    const best = tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value;
    expect(best).toBeLessThanOrEqual(referenceLogloss);
    // Evaluation and the model used the best trial's artifact, as get_top_model_s3_uri renders it.
    const model = record.Steps.find((s: { StepName: string }) => s.StepName === 'adultBestModel').Properties;
    expect(model.PrimaryContainer.ModelDataUrl).toBe(`s3://sagepipe-local/adultTune/${tune.BestTrainingJob.TrainingJobName}/output/model.tar.gz`);
    // Each trial is a training job with its own record.
    expect(tune['sagepipe:TrainingJobs']).toHaveLength(6);
  });

  it.runIf(enabled)('GIVEN the transform THEN every test row has its label and a score in test.csv.out', () => {
    const t = record.Steps.find((s: { StepName: string }) => s.StepName === 'adultTransform');
    expect(t.Metadata.TransformJob.Arn).toBe(t.Properties.TransformJobArn);
    const out = readFileSync(join(ws.path, 's3', 'sagepipe-local/adultTransform/test.csv.out'), 'utf8').trim().split('\n');
    const testDir = join(ws.path, 's3', record.Steps.find((s: { StepName: string }) => s.StepName === 'adultProcess').Properties.ProcessingOutputConfig.Outputs[2].S3Output.S3Uri.replace('s3://', ''));
    const test = readFileSync(join(testDir, 'test.csv'), 'utf8').trim().split('\n');
    expect(out).toHaveLength(test.length);
    out.forEach((line, i) => {
      const [label, score, ...rest] = line.split(',');
      expect(rest).toEqual([]);
      expect(label).toBe(test[i]?.split(',')[0]);
      expect(Number(score)).toBeGreaterThanOrEqual(0);
      expect(Number(score)).toBeLessThanOrEqual(1);
    });
  });

  it.runIf(enabled)('GIVEN the Lambda step THEN its summary file exists and its typed outputs reached the callback', () => {
    const l = record.Steps.find((s: { StepName: string }) => s.StepName === 'adultSummary');
    const path = l.Properties.OutputParameters.summary_path;
    expect(existsSync(path)).toBe(true);
    const summary = JSON.parse(readFileSync(path, 'utf8'));
    expect(typeof l.Properties.OutputParameters.accuracy).toBe('number');
    expect(summary.testAccuracy).toBe(l.Properties.OutputParameters.accuracy);
    expect(summary.testAccuracy).toBeGreaterThanOrEqual(0.86);
    const c = record.Steps.find((s: { StepName: string }) => s.StepName === 'adultApproval');
    expect(c.Properties.OutputParameters).toEqual({ approved: true, approver: 'ana' });
    expect(c.Metadata.Callback.OutputParameters).toEqual([{ Name: 'approved', Value: 'true' }, { Name: 'approver', Value: 'ana' }]);
  });
});
