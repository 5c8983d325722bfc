/**
 * The reference pipeline end to end through the CLI, offline, with both runtimes: the Done-when of the local runner.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { runDockerTests } from '../helpers/docker.ts';

const runtimes = [['process', true] as const, ['docker', runDockerTests] as const];

describe.each(runtimes)('the reference pipeline with the %s runtime', (runtime, enabled) => {
  const ws = tempDir(`sagepipe-e2e-${runtime}-`);
  const run = (...extra: string[]) =>
    cli(['run', 'examples/adult/pipeline.ts', '--runtime', runtime, '--workspace', ws.path, '--json', '--no-logs', '--param', `InputData=${ADULT_CSV}`, ...extra], { cwd: REPO_ROOT });
  let first: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    if (enabled) first = await run();
  }, 120_000);
  afterAll(() => ws.remove());

  it.runIf(enabled)('GIVEN the adult data WHEN run THEN it succeeds with test accuracy of at least 0.86', async () => {
    expect(first.code, first.stderr).toBe(0);
    const record = JSON.parse(first.stdout);
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.Steps.map((s: { StepName: string; StepStatus: string }) => `${s.StepName}:${s.StepStatus}`).sort()).toEqual([
      'adultAccCond:Succeeded',
      'adultCreateModel:Succeeded',
      'adultEval:Succeeded',
      'adultProcess:Succeeded',
      'adultRegisterModel:Succeeded',
      'adultTrain:Succeeded',
    ]);
    const evalStep = record.Steps.find((s: { StepName: string }) => s.StepName === 'adultEval');
    const uri: string = evalStep.Properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri;
    const file = join(ws.path, 's3', uri.replace('s3://', ''), 'evaluation.json');
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report.metrics.accuracy.value).toBeGreaterThanOrEqual(0.86);
    const train = record.Steps.find((s: { StepName: string }) => s.StepName === 'adultTrain');
    expect(train.Properties.FinalMetricDataList.map((m: { MetricName: string }) => m.MetricName)).toEqual(['train:logloss', 'validation:logloss']);
    expect(train.Properties.FinalMetricDataList[1].Value).toBeLessThan(0.35);
    expect(first.stderr).toMatch(/accuracy 0\.8\d{3}/);
  });

  it.runIf(enabled)('GIVEN a successful run THEN the model is created and a PendingManualApproval version carries the accuracy', async () => {
    const models = readdirSync(join(ws.path, 'models'));
    expect(models).toHaveLength(1);
    const list = await cli(['models', 'list', 'AdultModelPackageGroupName', '--workspace', ws.path, '--json']);
    const summaries = JSON.parse(list.stdout).ModelPackageSummaryList;
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ ModelPackageVersion: 1, ModelApprovalStatus: 'PendingManualApproval' });
    const described = JSON.parse((await cli(['models', 'describe', 'AdultModelPackageGroupName/1', '--workspace', ws.path, '--json'])).stdout);
    expect(described['sagepipe:ModelMetricsContent'].ModelQuality.Statistics.metrics.accuracy.value).toBeGreaterThanOrEqual(0.86);
    expect(described.InferenceSpecification.SupportedContentTypes).toEqual(['text/csv']);
  });

  it.runIf(enabled)('GIVEN AccuracyThreshold=0.9 WHEN run again THEN the Else branch is taken, the cache is used and nothing is registered', async () => {
    const second = await run('--param', 'AccuracyThreshold=0.9');
    expect(second.code, second.stderr).toBe(0);
    const record = JSON.parse(second.stdout);
    expect(record.NotExecutedSteps.map((s: { StepName: string }) => s.StepName).sort()).toEqual(['adultCreateModel', 'adultRegisterModel']);
    expect(record.Steps.filter((s: { CacheHitResult?: unknown }) => s.CacheHitResult).map((s: { StepName: string }) => s.StepName)).toEqual(['adultProcess', 'adultTrain', 'adultEval']);
    const list = JSON.parse((await cli(['models', 'list', '--workspace', ws.path, '--json'])).stdout);
    expect(list.ModelPackageSummaryList).toHaveLength(1);
  });

  it.runIf(enabled)('GIVEN the runs THEN no job folder and (for Docker) no container is left behind', () => {
    const jobs = join(ws.path, 'jobs');
    const left = existsSync(jobs) ? readdirSync(jobs).flatMap((e) => readdirSync(join(jobs, e))) : [];
    expect(left).toEqual([]);
  });
});
