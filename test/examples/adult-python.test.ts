/**
 * examples/adult-python end to end, with each runtime: the TypeScript pipeline whose preprocessing and evaluation are
 * Python scripts on AWS's scikit-learn and XGBoost images (stood in for locally) succeeds, registers its model with
 * the metrics, and the model it trained loads in Debian's XGBoost 1.7 and predicts exactly what the evaluation saw.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingModules } from '../../local-runner/runtime/process-runtime.ts';
import { cli } from '../helpers/cli.ts';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { runDockerTests } from '../helpers/docker.ts';

const PYTHON = '/usr/bin/python3';
const runPythonTests = process.env.CI === 'true' || missingModules(PYTHON, ['sklearn', 'pandas', 'xgboost'])?.length === 0;
const runtimes = [['process', runPythonTests] as const, ['docker', runDockerTests] as const];

type Step = { StepName: string; StepStatus: string; Properties: Record<string, any> };
const step = (record: { Steps: Step[] }, name: string) => record.Steps.find((s) => s.StepName === name) as Step;

describe.each(runtimes)('examples/adult-python with the %s runtime', (runtime, enabled) => {
  const ws = tempDir(`sagepipe-adult-python-${runtime}-`);
  const s3Path = (uri: string) => join(ws.path, 's3', uri.replace('s3://', ''));
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    if (!enabled) return;
    run = await cli(['run', 'examples/adult-python/pipeline.ts', '--runtime', runtime, '--workspace', ws.path, '--json', '--no-logs', '--param', `InputData=${ADULT_CSV}`], { cwd: REPO_ROOT });
  }, 600_000);
  afterAll(() => ws.remove());

  it.runIf(enabled)("GIVEN AWS's images in the definition WHEN run THEN every step succeeds on the stand-ins and accuracy is at least 0.86", () => {
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.Steps.map((s: Step) => `${s.StepName}:${s.StepStatus}`).sort()).toEqual([
      'adultAccCond:Succeeded',
      'adultCreateModel:Succeeded',
      'adultEval:Succeeded',
      'adultProcess:Succeeded',
      'adultRegisterModel:Succeeded',
      'adultTrain:Succeeded',
    ]);
    expect(record.Images.map((i: { StepName: string; Local: string }) => `${i.StepName}:${i.Local}`)).toEqual([
      'adultProcess:sagepipe-sklearn:0.1.0',
      'adultTrain:sagepipe-xgboost:0.1.0',
      'adultEval:sagepipe-xgboost:0.1.0',
    ]);
    const evaluation = step(record, 'adultEval').Properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri as string;
    expect(JSON.parse(readFileSync(join(s3Path(evaluation), 'evaluation.json'), 'utf8')).metrics.accuracy.value).toBeGreaterThanOrEqual(0.86);
  });

  it.runIf(enabled)('GIVEN the run THEN the model package is registered in AdultModelPackageGroupName with its accuracy', async () => {
    const described = JSON.parse((await cli(['models', 'describe', 'AdultModelPackageGroupName/1', '--workspace', ws.path, '--json'])).stdout);
    expect(described.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(described['sagepipe:ModelMetricsContent'].ModelQuality.Statistics.metrics.accuracy.value).toBeGreaterThanOrEqual(0.86);
  });

  it.runIf(enabled && runPythonTests)("GIVEN the trained model THEN Debian's XGBoost 1.7 loads it and its test accuracy is exactly evaluation.py's", () => {
    const record = JSON.parse(run.stdout);
    const model = s3Path(step(record, 'adultTrain').Properties.ModelArtifacts.S3ModelArtifacts);
    const test = step(record, 'adultProcess').Properties.ProcessingOutputConfig.Outputs.find((o: { OutputName: string }) => o.OutputName === 'test').S3Output.S3Uri;
    const script = [
      'import sys, tarfile, xgboost, numpy',
      'print(".".join(xgboost.__version__.split(".")[:2]))',
      'tarfile.open(sys.argv[1]).extract("xgboost-model", sys.argv[3])',
      'b = xgboost.Booster(); b.load_model(sys.argv[3] + "/xgboost-model")',
      'd = numpy.loadtxt(sys.argv[2], delimiter=",")',
      'print(float(((b.predict(xgboost.DMatrix(d[:, 1:])) >= 0.5).astype(int) == d[:, 0]).mean()))',
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script, model, join(s3Path(test), 'test.csv'), ws.path], { encoding: 'utf8' }).trim().split('\n');
    expect(out[0]).toBe('1.7');
    const evaluation = step(record, 'adultEval').Properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri as string;
    expect(Number(out.at(-1))).toBe(JSON.parse(readFileSync(join(s3Path(evaluation), 'evaluation.json'), 'utf8')).metrics.accuracy.value);
  });
});
