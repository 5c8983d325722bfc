/**
 * examples/adult-python end to end with both runtimes: the reference pipeline with its preprocessing and evaluation
 * in Python on AWS's scikit-learn and XGBoost images (standing in locally), and its model, trained by the built-in
 * algorithm, loading in Debian's XGBoost 1.7 and predicting exactly what the built-in algorithm's endpoint answers.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingModules } from '../../local-runner/runtime/process-runtime.ts';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { projectImage, runDockerTests } from '../helpers/docker.ts';

const PYTHON = '/usr/bin/python3';
const runPythonTests = process.env.CI === 'true' || missingModules(PYTHON, ['sklearn', 'pandas', 'xgboost'])?.length === 0;
const runtimes = [['process', runPythonTests] as const, ['docker', runDockerTests] as const];
type Step = { StepName: string; StepStatus: string; Properties: Record<string, any> };

describe.each(runtimes)('examples/adult-python with the %s runtime', (runtime, enabled) => {
  const ws = tempDir(`sagepipe-adult-python-${runtime}-`);
  const endpoint = `adult-python-${runtime}`;
  const local = (uri: string) => join(ws.path, 's3', uri.replace('s3://', ''));
  let run: Awaited<ReturnType<typeof cli>>;
  let record: { PipelineExecutionStatus: string; Steps: Step[]; Images: { StepName: string; Local: string }[] };
  const step = (name: string) => record.Steps.find((s) => s.StepName === name) as Step;
  beforeAll(async () => {
    if (!enabled) return;
    run = await cli(['run', 'examples/adult-python/pipeline.ts', '--runtime', runtime, '--workspace', ws.path, '--json', '--no-logs', '--param', `InputData=${ADULT_CSV}`], { cwd: REPO_ROOT });
    if (run.code === 0) record = JSON.parse(run.stdout);
  }, 600_000);
  afterAll(async () => {
    await cli(['endpoints', 'delete', endpoint, '--workspace', ws.path]);
    ws.remove();
  });

  it.runIf(enabled)("GIVEN the adult data WHEN run THEN every step succeeds on the stand-ins for AWS's images, with test accuracy of at least 0.86", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    // Docker runs this checkout's images by content tag; the process runtime keeps the version tag.
    expect(record.Images.map((i) => `${i.StepName}:${i.Local}`)).toEqual([
      `adultProcess:${projectImage('sklearn', runtime)}`,
      `adultTrain:${projectImage('xgboost', runtime)}`,
      `adultEval:${projectImage('xgboost', runtime)}`,
    ]);
    const evaluation = step('adultEval').Properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri as string;
    expect(JSON.parse(readFileSync(join(local(evaluation), 'evaluation.json'), 'utf8')).metrics.accuracy.value).toBeGreaterThanOrEqual(0.86);
  });

  it.runIf(enabled && runPythonTests)("GIVEN the trained model THEN Debian's XGBoost 1.7 loads it and predicts exactly what the built-in algorithm's endpoint answers", async () => {
    const modelName = step('adultCreateModel').Properties.ModelName as string;
    const deployed = await cli(['endpoints', 'deploy', modelName, '--name', endpoint, '--runtime', runtime, '--workspace', ws.path, '--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const testUri = step('adultProcess').Properties.ProcessingOutputConfig.Outputs.find((o: { OutputName: string }) => o.OutputName === 'test').S3Output.S3Uri;
    const rows = readFileSync(join(local(testUri), 'test.csv'), 'utf8').trim().split('\n').slice(0, 200).map((r) => r.split(',').slice(1).join(','));
    const answer = await fetch(`${JSON.parse(deployed.stdout).Url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: `${rows.join('\n')}\n` });
    expect(answer.status).toBe(200);
    const served = (await answer.text()).trim().split('\n').map(Number);
    const rowsFile = join(ws.path, 'rows.csv');
    execFileSync('sh', ['-c', `cat > ${rowsFile}`], { input: `${rows.join('\n')}\n` });
    const python = execFileSync(
      PYTHON,
      [
        '-c',
        [
          'import sys, tarfile, numpy, xgboost',
          'assert xgboost.__version__.startswith("1.7"), xgboost.__version__',
          'tarfile.open(sys.argv[1]).extract("xgboost-model", sys.argv[3])',
          'b = xgboost.Booster(); b.load_model(sys.argv[3] + "/xgboost-model")',
          'print("PREDICTIONS", " ".join(repr(float(p)) for p in b.predict(xgboost.DMatrix(numpy.loadtxt(sys.argv[2], delimiter=",")))))',
        ].join('\n'),
        local(step('adultTrain').Properties.ModelArtifacts.S3ModelArtifacts),
        rowsFile,
        ws.path,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const predicted = (python.split('\n').find((l) => l.startsWith('PREDICTIONS ')) ?? '').slice(12).split(' ').map(Number);
    expect(predicted).toHaveLength(200);
    expect(served).toHaveLength(200);
    // The built-in algorithm computes in float32 like native XGBoost; the two agree to float32 precision.
    for (let i = 0; i < 200; i++) expect(Math.abs((served[i] as number) - (predicted[i] as number))).toBeLessThan(1e-6);
  });
});
