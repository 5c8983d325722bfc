/**
 * Definitions written by the SageMaker Python SDK for AWS's own scikit-learn and XGBoost images run locally,
 * unchanged, with both runtimes, their data and scripts placed with `sagepipe s3 cp`: the reference pipeline
 * (scikit-learn processing, built-in XGBoost, an evaluation script on the XGBoost image, a registered model with its
 * metrics), the same in script mode on the scikit-learn image, and framework-mode scikit-learn training whose model
 * serves through an inference script on a local endpoint.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingModules } from '../../local-runner/runtime/process-runtime.ts';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { projectImage, runDockerTests } from '../helpers/docker.ts';
import { placePythonSdkInputs } from '../helpers/python-sdk.ts';

const PYTHON = '/usr/bin/python3';
/** CI installs Debian's python3-sklearn, -pandas and -xgboost: there the process runtime's Python tests must run. */
const runPythonTests = process.env.CI === 'true' || missingModules(PYTHON, ['sklearn', 'pandas', 'xgboost'])?.length === 0;
const runtimes = [['process', runPythonTests] as const, ['docker', runDockerTests] as const];

const FIXTURES = join(REPO_ROOT, 'test/fixtures');
const SDK = join(FIXTURES, 'python-sdk');
const IRIS_BUCKET = 'sagemaker-us-east-1-123456789012';

/** Puts local files at s3:// URIs of the workspace's local S3, as a user would: `sagepipe s3 cp`. */
async function place(ws: string, uri: string, file: string, ...flags: string[]): Promise<void> {
  const r = await cli(['s3', 'cp', file, uri, '--workspace', ws, ...flags]);
  expect(r.code, r.stderr).toBe(0);
}

/** The reference data, the scripts and the script-mode source archive, where the Python SDK's definitions point. */
async function placeAdult(ws: string): Promise<void> {
  for (const r of await placePythonSdkInputs(ws, ADULT_CSV)) expect(r.code, r.stderr).toBe(0);
}

const s3Path = (ws: string, uri: string) => join(ws, 's3', uri.replace('s3://', ''));
type Step = { StepName: string; StepStatus: string; Properties: Record<string, any> };
const step = (record: { Steps: Step[] }, name: string) => record.Steps.find((s) => s.StepName === name) as Step;

describe.each(runtimes)("the Python SDK's reference definition with the %s runtime", (runtime, enabled) => {
  const ws = tempDir(`sagepipe-pysdk-${runtime}-`);
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    if (!enabled) return;
    await placeAdult(ws.path);
    run = await cli(['run', join(SDK, 'adult.json'), '--runtime', runtime, '--workspace', ws.path, '--json', '--no-logs'], { cwd: REPO_ROOT });
  }, 600_000);
  afterAll(() => ws.remove());

  it.runIf(enabled)('GIVEN the data and both scripts in local S3 WHEN run THEN every step succeeds and test accuracy is at least 0.86', () => {
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.Steps.map((s: Step) => `${s.StepName}:${s.StepStatus}`).sort()).toEqual([
      'adultAccCond:Succeeded',
      'adultCreateModel:Succeeded',
      'adultEval:Succeeded',
      'adultProcess:Succeeded',
      'adultRegisterModel-RegisterModel:Succeeded',
      'adultTrain:Succeeded',
    ]);
    const evaluation = step(record, 'adultEval').Properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri as string;
    const report = JSON.parse(readFileSync(join(s3Path(ws.path, evaluation), 'evaluation.json'), 'utf8'));
    expect(report.metrics.accuracy.value).toBeGreaterThanOrEqual(0.86);
  });

  it.runIf(enabled)("GIVEN AWS's image URIs THEN the run says which local image stood in for each, on screen and in --json", () => {
    const record = JSON.parse(run.stdout);
    expect(record.Images).toEqual([
      {
        StepName: 'adultProcess',
        Requested: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3',
        Local: projectImage('sklearn', runtime),
        Substitution: 'sagemaker-scikit-learn:0.23-1-cpu-py3 → sagepipe-sklearn (scikit-learn 1.2.1)',
      },
      {
        StepName: 'adultTrain',
        Requested: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3',
        Local: projectImage('xgboost', runtime),
        Substitution: 'sagemaker-xgboost:1.0-1-cpu-py3 → sagepipe-xgboost (xgboost 1.7.4)',
      },
      {
        StepName: 'adultEval',
        Requested: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3',
        Local: projectImage('xgboost', runtime),
        Substitution: 'sagemaker-xgboost:1.0-1-cpu-py3 → sagepipe-xgboost (xgboost 1.7.4)',
      },
    ]);
    expect(run.stderr).toContain('image sagemaker-scikit-learn:0.23-1-cpu-py3 → sagepipe-sklearn (scikit-learn 1.2.1)');
    // Two steps on the same AWS image: said once.
    expect(run.stderr.split('image sagemaker-xgboost:1.0-1-cpu-py3 →').length).toBe(2);
  });

  it.runIf(enabled)('GIVEN the run THEN the model package is registered with its metrics', async () => {
    const described = JSON.parse((await cli(['models', 'describe', 'AdultModelPackageGroupName/1', '--workspace', ws.path, '--json'])).stdout);
    expect(described.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(described['sagepipe:ModelMetricsContent'].ModelQuality.Statistics.metrics.accuracy.value).toBeGreaterThanOrEqual(0.86);
  });

  it.runIf(enabled && runPythonTests)("GIVEN the built-in algorithm's model THEN Debian's XGBoost 1.7 loads it and predicts what the evaluation script predicted", () => {
    const record = JSON.parse(run.stdout);
    const model = s3Path(ws.path, step(record, 'adultTrain').Properties.ModelArtifacts.S3ModelArtifacts);
    const testUri = step(record, 'adultProcess').Properties.ProcessingOutputConfig.Outputs.find((o: { OutputName: string }) => o.OutputName === 'test').S3Output.S3Uri;
    const out = execFileSync(PYTHON, [
      '-c',
      [
        'import sys, tarfile, io, xgboost, numpy',
        'print(xgboost.__version__.split(".")[:2] == ["1", "7"])',
        'tarfile.open(sys.argv[1]).extract("xgboost-model", sys.argv[3])',
        'b = xgboost.Booster(); b.load_model(sys.argv[3] + "/xgboost-model")',
        'd = numpy.loadtxt(sys.argv[2], delimiter=",")',
        'p = b.predict(xgboost.DMatrix(d[:, 1:]))',
        'print(((p > 0.5) == d[:, 0]).mean())',
      ].join('\n'),
      model,
      join(s3Path(ws.path, testUri), 'test.csv'),
      ws.path,
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
    expect(out[0]).toBe('True');
    const evaluation = step(record, 'adultEval').Properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri as string;
    const report = JSON.parse(readFileSync(join(s3Path(ws.path, evaluation), 'evaluation.json'), 'utf8'));
    expect(Number(out.at(-1))).toBeCloseTo(report.metrics.accuracy.value, 10);
  });

  it.runIf(enabled)('GIVEN the run THEN no job folder is left behind', () => {
    const jobs = join(ws.path, 'jobs');
    expect(existsSync(jobs) ? readdirSync(jobs).flatMap((e) => readdirSync(join(jobs, e))) : []).toEqual([]);
  });
});

describe.each(runtimes)("the Python SDK's script-mode variant (SKLearn estimator, entry_point train.py) with the %s runtime", (runtime, enabled) => {
  const ws = tempDir(`sagepipe-pysdk-fw-${runtime}-`);
  const endpoint = `adult-sklearn-${runtime}`;
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    if (!enabled) return;
    await placeAdult(ws.path);
    run = await cli(['run', join(SDK, 'adult-sklearn-framework.json'), '--runtime', runtime, '--workspace', ws.path, '--json', '--no-logs'], { cwd: REPO_ROOT });
  }, 600_000);
  afterAll(async () => {
    await cli(['endpoints', 'delete', endpoint, '--workspace', ws.path]);
    ws.remove();
  });

  it.runIf(enabled)('GIVEN the source archive in S3 WHEN run THEN the forest trains in script mode and evaluates above 0.8', () => {
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.Images.map((i: { StepName: string; Local: string }) => `${i.StepName}:${i.Local}`)).toEqual([
      `adultProcess:${projectImage('sklearn', runtime)}`,
      `adultTrain:${projectImage('sklearn', runtime)}`,
      `adultEval:${projectImage('sklearn', runtime)}`,
    ]);
    const evaluation = step(record, 'adultEval').Properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri as string;
    expect(JSON.parse(readFileSync(join(s3Path(ws.path, evaluation), 'evaluation.json'), 'utf8')).metrics.accuracy.value).toBeGreaterThan(0.8);
  });

  it.runIf(enabled)("GIVEN the created model WHEN deployed THEN train.py's model_fn serves CSV through the container's default input, predict and output functions", async () => {
    const record = JSON.parse(run.stdout);
    const model = step(record, 'adultCreateModel').Properties.ModelName as string;
    const deployed = await cli(['endpoints', 'deploy', model, '--name', endpoint, '--runtime', runtime, '--workspace', ws.path, '--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const testUri = step(record, 'adultProcess').Properties.ProcessingOutputConfig.Outputs.find((o: { OutputName: string }) => o.OutputName === 'test').S3Output.S3Uri;
    const rows = readFileSync(join(s3Path(ws.path, testUri), 'test.csv'), 'utf8').trim().split('\n').slice(0, 50);
    const body = `${rows.map((r) => r.split(',').slice(1).join(',')).join('\n')}\n`;
    const answer = await fetch(`${JSON.parse(deployed.stdout).Url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv', Accept: 'text/csv' }, body });
    expect(answer.status).toBe(200);
    const predictions = (await answer.text()).trim().split('\n').map(Number);
    expect(predictions).toHaveLength(50);
    const right = predictions.filter((p, i) => p === Number(rows[i]?.split(',')[0])).length;
    expect(right).toBeGreaterThanOrEqual(35);
  });
});

describe.each(runtimes)('framework-mode scikit-learn training and an inference script with the %s runtime', (runtime, enabled) => {
  const ws = tempDir(`sagepipe-sklearn-fw-${runtime}-`);
  const endpoint = `iris-${runtime}`;
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    if (!enabled) return;
    const source = join(ws.path, 'sourcedir.tar.gz');
    await tar.c({ gzip: true, file: source, cwd: join(FIXTURES, 'python/sklearn-source') }, ['train.py', 'inference.py']);
    await place(ws.path, `s3://${IRIS_BUCKET}/sklearn-iris/source/sourcedir.tar.gz`, source);
    // Two well-separated classes, label in column 0: a forest classifies them perfectly.
    const rows = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? `0,${1 + (i % 5) / 10},${2 + (i % 3) / 10}` : `1,${8 + (i % 5) / 10},${9 + (i % 3) / 10}`));
    mkdirSync(join(ws.path, 'data'), { recursive: true });
    writeFileSync(join(ws.path, 'data/train.csv'), `${rows.join('\n')}\n`);
    await place(ws.path, `s3://${IRIS_BUCKET}/iris/train/train.csv`, join(ws.path, 'data/train.csv'));
    run = await cli(['run', join(FIXTURES, 'definitions/python-sdk-sklearn-framework.json'), '--runtime', runtime, '--workspace', ws.path, '--json'], { cwd: REPO_ROOT });
  }, 600_000);
  afterAll(async () => {
    await cli(['endpoints', 'delete', endpoint, '--workspace', ws.path]);
    ws.remove();
  });

  it.runIf(enabled)('GIVEN sagemaker_program and a source archive in S3 WHEN trained THEN the script gets its hyperparameters as arguments', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Invoking script: \S*python3 train\.py --criterion entropy --min-samples-leaf 3 --n-estimators 20/);
    expect(run.stderr).toContain('trained 20 trees on 60 rows');
  });

  it.runIf(enabled)('GIVEN the training job THEN the SM_* environment describes it as the training toolkit does', async () => {
    const record = JSON.parse(run.stdout);
    const archive = s3Path(ws.path, step(record, 'sklearnTrain').Properties.ModelArtifacts.S3ModelArtifacts);
    const into = join(ws.path, 'model');
    mkdirSync(into, { recursive: true });
    await tar.x({ file: archive, cwd: into });
    expect(readdirSync(into).sort()).toEqual(['model.joblib', 'seen.json']);
    const seen = JSON.parse(readFileSync(join(into, 'seen.json'), 'utf8'));
    expect(seen.args).toMatchObject({ n_estimators: 20, min_samples_leaf: 3, criterion: 'entropy' });
    expect(seen.SM_MODEL_DIR).toMatch(/\/opt\/ml\/model$/);
    expect(seen.SM_CHANNEL_TRAIN).toMatch(/\/opt\/ml\/input\/data\/train$/);
    expect(seen.SM_OUTPUT_DATA_DIR).toMatch(/\/opt\/ml\/output\/data$/);
    expect(JSON.parse(seen.SM_CHANNELS)).toEqual(['train']);
    expect(JSON.parse(seen.SM_HPS)).toEqual({ 'n-estimators': 20, 'min-samples-leaf': 3, criterion: 'entropy' });
    expect(seen.SM_CURRENT_HOST).toBe('algo-1');
    expect(JSON.parse(seen.SM_HOSTS)).toEqual(['algo-1']);
    expect(Number(seen.SM_NUM_CPUS)).toBeGreaterThanOrEqual(1);
    expect(seen.SM_USER_ENTRY_POINT).toBe('train.py');
    expect(seen.SM_MODULE_DIR).toBe(`s3://${IRIS_BUCKET}/sklearn-iris/source/sourcedir.tar.gz`);
  });

  it.runIf(enabled)('GIVEN the model with an inference script WHEN deployed THEN /invocations answers through model_fn, the default input_fn and predict_fn, and output_fn', async () => {
    const model = readdirSync(join(ws.path, 'models'))[0]?.replace(/\.json$/, '') ?? '';
    const deployed = await cli(['endpoints', 'deploy', model, '--name', endpoint, '--runtime', runtime, '--workspace', ws.path, '--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const url = JSON.parse(deployed.stdout).Url as string;
    expect((await fetch(`${url}/ping`)).status).toBe(200);
    const csv = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: '1.2,2.1\n8.3,9.2\n' });
    expect(csv.status).toBe(200);
    expect(await csv.json()).toEqual({ predictions: [0, 1] });
    const json = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[[8.1, 9.0], [1.0, 2.2]]' });
    expect(await json.json()).toEqual({ predictions: [1, 0] });
    const unsupported = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: 'x' });
    expect(unsupported.status).toBe(415);
  });
});

describe('an AWS image with no local stand-in', () => {
  const ws = tempDir('sagepipe-unknown-image-');
  afterAll(() => ws.remove());

  it('GIVEN a definition whose evaluation step names an unknown AWS image WHEN run THEN one error names it and how to map it, and nothing ran', async () => {
    const definition = readFileSync(join(SDK, 'adult.json'), 'utf8').replace(
      /"ImageUri": "141502667606\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/sagemaker-xgboost:1\.0-1-cpu-py3"/,
      '"ImageUri": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.0-cpu-py310"',
    );
    const file = join(ws.path, 'pytorch-eval.json');
    writeFileSync(file, definition);
    const r = await cli(['run', file, '--runtime', 'process', '--workspace', ws.path, '--no-logs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('so the execution was not started');
    expect(r.stderr).toContain("step 'adultEval': image 763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.0-cpu-py310 is an AWS image with no local stand-in for processing");
    expect(r.stderr).toContain('--image-map pytorch-training=<local image>');
    expect(r.stderr).not.toContain('adultProcess started');
    expect(existsSync(join(ws.path, 'executions'))).toBe(false);
    expect(existsSync(join(ws.path, 'jobs'))).toBe(false);
  });

  it('GIVEN the same image mapped in sagepipe.config.json THEN the error is gone (the run gets past image resolution)', async () => {
    const definition = readFileSync(join(SDK, 'adult.json'), 'utf8').replace(
      /"ImageUri": "141502667606\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/sagemaker-xgboost:1\.0-1-cpu-py3"/,
      '"ImageUri": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.0-cpu-py310"',
    );
    const project = join(ws.path, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'pytorch-eval.json'), definition);
    writeFileSync(join(project, 'sagepipe.config.json'), JSON.stringify({ imageMap: { 'pytorch-training': 'sagepipe-xgboost:0.1.0' } }));
    // Scripts in place but not the data (a parameter's value, checked when the step runs): the run starts, and its
    // first step fails.
    const workspace = join(ws.path, 'ws2');
    await placeAdult(workspace);
    expect((await cli(['s3', 'rm', 's3://sagemaker-eu-west-1-123456789012/adult/adult.csv', '--workspace', workspace])).code).toBe(0);
    const r = await cli(['run', join(project, 'pytorch-eval.json'), '--runtime', 'process', '--workspace', workspace, '--no-logs', '--json'], { cwd: project });
    expect(r.stderr).not.toContain('no local stand-in');
    const record = JSON.parse(r.stdout);
    expect(record.Images.find((i: { StepName: string }) => i.StepName === 'adultEval')).toMatchObject({ Local: 'sagepipe-xgboost:0.1.0', Substitution: 'pytorch-training:2.0-cpu-py310 → sagepipe-xgboost:0.1.0 (mapped)' });
    expect(step(record, 'adultProcess').StepStatus).toBe('Failed');
  });
});
