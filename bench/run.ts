/**
 * `npm run bench`: speed and memory, each measured beside its baseline in the same run (this machine is shared and
 * noisy: read the ratios). Prints a Markdown table; `--json FILE` also writes the figures.
 *
 *   engine       1,000-step generated definition on a no-op backend: scheduling overhead per step
 *   training     sagepipe-xgboost (WASM) vs native XGBoost (python3-xgboost), exact and hist, 1 thread
 *   preprocess   examples/adult/preprocess.ts vs the same steps in pandas
 *   pipeline     the reference pipeline end to end (warm images), a fully cached re-run, peak memory
 *   container    per-job container overhead (a no-op job) for the Docker and process runtimes
 *   invocations  /invocations latency p50/p99 and rows per second
 *   endpoint     a deployed local endpoint through `sagepipe endpoints invoke` and over raw HTTP
 *   images       the Python images' Debian base from scratch (mmdebstrap, import) and every image's size
 *   python       examples/adult-python and the Python SDK's reference definition beside examples/adult (TypeScript)
 *   ui           `sagepipe ui` on 1,000 executions and a 300-step DAG (API, layout, Chromium render, live update)
 * Select with `npm run bench -- engine training` (default: all that this machine can run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinition } from '../src/definition/loader.ts';
import type { JsonObject } from '../src/definition/types.ts';
import { Engine } from '../src/engine/engine.ts';
import type { JobBackend } from '../src/engine/backend.ts';
import { ExecutionStore } from '../src/engine/store.ts';
import { VERSION } from '../src/version.ts';
import { benchUi } from './ui.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ADULT = existsSync(resolve(ROOT, 'data/adult.csv')) ? resolve(ROOT, 'data/adult.csv') : resolve(ROOT, '../shared/data/adult.csv');
const CLI = resolve(ROOT, 'bin/sagepipe.js');
const rows: string[][] = [];
const figures: Record<string, number | string> = {};

function record(section: string, what: string, value: string, baseline = '', ratio = ''): void {
  rows.push([section, what, value, baseline, ratio]);
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
function timeIt(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const hasDocker = () => spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const hasPythonXgboost = () => spawnSync('/usr/bin/python3', ['-c', 'import xgboost, pandas'], { stdio: 'ignore' }).status === 0;

// ------------------------------------------------------------------ engine
async function benchEngine(): Promise<void> {
  const n = 1000;
  const steps = Array.from({ length: n }, (_, i) => ({
    Name: `s${i}`,
    Type: 'Processing',
    ...(i >= 10 ? { DependsOn: [`s${i - 10}`] } : {}),
    Arguments: {
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
      AppSpecification: { ImageUri: 'img' },
      RoleArn: 'r',
      ...(i >= 10 ? { Environment: { UP: { Get: `Steps.s${i - 10}.ProcessingJobName` } } } : {}),
    },
  }));
  const definition = { Version: '2020-12-01', Steps: steps };
  let loaded = loadDefinition(definition);
  const loadMs = median([1, 2, 3].map(() => timeIt(() => (loaded = loadDefinition(definition)))));
  const noop: JobBackend = {
    runProcessingJob: async (req, ctx) => ({ properties: { ...req, ProcessingJobName: ctx.jobName } as JsonObject }),
    runTrainingJob: async () => ({ properties: {} }),
    createModel: async () => ({ properties: {} }),
    createModelPackage: async () => ({ properties: {} }),
    readObject: async () => new Uint8Array(),
  };
  const dir = mkdtempSync(join(tmpdir(), 'sagepipe-bench-'));
  try {
    const engine = new Engine({ backend: noop, store: new ExecutionStore(dir) });
    const t = process.hrtime.bigint();
    const r = await engine.start({ loaded, pipelineName: 'bench', maxParallelExecutionSteps: 10 });
    const total = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.PipelineExecutionStatus !== 'Succeeded') throw new Error('engine bench failed');
    // Baseline: the same promise fan-out with no engine (what a step costs at the least).
    const base = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await noop.runProcessingJob({}, { jobName: 'x' } as never);
    const baseMs = Number(process.hrtime.bigint() - base) / 1e6;
    record('engine', `load + validate ${n}-step definition`, ms(loadMs));
    record('engine', `run ${n} steps (no-op backend, record written after each change)`, ms(total), ms(baseMs), `${(total / n).toFixed(2)} ms/step`);
    figures.engineMsPerStep = total / n;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ training
async function benchTraining(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sagepipe-bench-train-'));
  try {
    process.env.SAGEPIPE_NO_MAIN = '1';
    const { preprocess } = await import('../examples/adult/preprocess.ts');
    const split = preprocess(readFileSync(ADULT, 'utf8'), 42);
    const csv = (r: number[][]) => `${r.map((x) => x.join(',')).join('\n')}\n`;
    for (const tree of ['exact', 'hist']) {
      const root = join(dir, tree);
      mkdirSync(join(root, 'opt/ml/input/data/train'), { recursive: true });
      mkdirSync(join(root, 'opt/ml/input/data/validation'), { recursive: true });
      mkdirSync(join(root, 'opt/ml/input/config'), { recursive: true });
      writeFileSync(join(root, 'opt/ml/input/data/train/train.csv'), csv(split.train));
      writeFileSync(join(root, 'opt/ml/input/data/validation/validation.csv'), csv(split.validation));
      const hp = { objective: 'binary:logistic', num_round: '50', max_depth: '5', subsample: '1', eval_metric: 'logloss', eta: '0.3', tree_method: tree, nthread: '1' };
      writeFileSync(join(root, 'opt/ml/input/config/hyperparameters.json'), JSON.stringify(hp));
      const t = Date.now();
      const r = spawnSync(process.execPath, [join(ROOT, 'dist/images/xgboost/main.mjs'), 'train'], { env: { ...process.env, SAGEPIPE_CONTAINER_ROOT: root }, encoding: 'utf8' });
      const ours = Date.now() - t;
      if (r.status !== 0) throw new Error(`training failed: ${r.stderr}`);
      let native = Number.NaN;
      if (hasPythonXgboost()) {
        const script = `
import time, numpy as np, xgboost as xgb
tr = np.loadtxt('${root}/opt/ml/input/data/train/train.csv', delimiter=',')
va = np.loadtxt('${root}/opt/ml/input/data/validation/validation.csv', delimiter=',')
t = time.time()
d = xgb.DMatrix(tr[:, 1:], label=tr[:, 0]); v = xgb.DMatrix(va[:, 1:], label=va[:, 0])
xgb.train({'objective': 'binary:logistic', 'max_depth': 5, 'subsample': 1, 'eval_metric': 'logloss', 'eta': 0.3, 'tree_method': '${tree}', 'nthread': 1}, d, 50, evals=[(d, 'train'), (v, 'validation')], verbose_eval=False)
print((time.time() - t) * 1000)`;
        native = Number(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }).trim().split('\n').at(-1));
      }
      record('training', `sagepipe-xgboost train, ${tree}, 50 rounds, 18,097 x 102 (incl. reading CSV, per-round metrics)`, ms(ours), Number.isNaN(native) ? 'python3-xgboost missing' : `${ms(native)} native`, Number.isNaN(native) ? '' : `${(ours / native).toFixed(1)}x`);
      figures[`train_${tree}_ms`] = ours;
      figures[`train_${tree}_native_ms`] = native;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ preprocess
async function benchPreprocess(): Promise<void> {
  process.env.SAGEPIPE_NO_MAIN = '1';
  const { preprocess } = await import('../examples/adult/preprocess.ts');
  const text = readFileSync(ADULT, 'utf8');
  const ours = median([1, 2, 3].map(() => timeIt(() => preprocess(text, 42))));
  let pandas = Number.NaN;
  if (hasPythonXgboost()) {
    const script = `
import time, pandas as pd, numpy as np
t = time.time()
df = pd.read_csv('${ADULT}')
df['income'] = df['income'].map({'<=50K': 0, '>50K': 1})
df = df.drop(columns=['fnlwgt', 'education.num'])
df = df[(df['workclass'] != '?') & (df['occupation'] != '?') & (df['native.country'] != '?')]
cont = df[['age', 'capital.gain', 'capital.loss', 'hours.per.week']]
cat = pd.get_dummies(df[['workclass', 'education', 'marital.status', 'occupation', 'relationship', 'race', 'sex', 'native.country']])
out = pd.concat([df['income'], cont, cat], axis=1).sample(frac=1, random_state=42)
tr, va, te = np.split(out, [int(.6 * len(out)), int(.7 * len(out))])
print((time.time() - t) * 1000)`;
    pandas = median([1, 2, 3].map(() => Number(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }).trim().split('\n').at(-1))));
  }
  record('preprocess', 'preprocess.ts on adult.csv (parse, clean, one-hot, shuffle, split; no writing)', ms(ours), Number.isNaN(pandas) ? 'pandas missing' : `${ms(pandas)} pandas`, Number.isNaN(pandas) ? '' : `${(ours / pandas).toFixed(2)}x`);
  figures.preprocess_ms = ours;
  figures.preprocess_pandas_ms = pandas;
}

/** A training job's folder (`opt/ml/...`) with the reference split's train channel and 50 rounds; returns the split. */
async function trainingFolder(dir: string) {
  process.env.SAGEPIPE_NO_MAIN = '1';
  const { preprocess } = await import('../examples/adult/preprocess.ts');
  const split = preprocess(readFileSync(ADULT, 'utf8'), 42);
  mkdirSync(join(dir, 'opt/ml/input/data/train'), { recursive: true });
  mkdirSync(join(dir, 'opt/ml/input/config'), { recursive: true });
  writeFileSync(join(dir, 'opt/ml/input/data/train/train.csv'), `${split.train.map((r) => r.join(',')).join('\n')}\n`);
  writeFileSync(join(dir, 'opt/ml/input/config/hyperparameters.json'), JSON.stringify({ objective: 'binary:logistic', num_round: '50', max_depth: '5', eta: '0.3' }));
  return split;
}

// ------------------------------------------------------------------ pipeline
function runPipeline(workspace: string, runtime: string, extra: string[] = [], example = 'adult'): { ms: number; peakKb: number; stdout: string } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'run', `examples/${example}/pipeline.ts`, '--runtime', runtime, '--workspace', workspace, '--no-logs', '--json', '--param', `InputData=${ADULT}`, ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const elapsed = Date.now() - t;
  if (r.status !== 0) throw new Error(`pipeline run failed: ${r.stderr}`);
  const peakKb = Number(r.stderr.trim().split('\n').at(-1));
  return { ms: elapsed, peakKb, stdout: r.stdout };
}

async function benchPipeline(): Promise<void> {
  const runtimes = hasDocker() ? ['docker', 'process'] : ['process'];
  if (runtimes.includes('docker')) execFileSync(process.execPath, [CLI, 'images', 'build', '--quiet'], { stdio: 'ignore' });
  for (const runtime of runtimes) {
    const ws = mkdtempSync(join(tmpdir(), `sagepipe-bench-${runtime}-`));
    try {
      const cold = runPipeline(ws, runtime);
      const cached = runPipeline(ws, runtime);
      const steps = (JSON.parse(cold.stdout) as { Steps: { StepName: string; StartTime: string; EndTime: string }[] }).Steps;
      const train = steps.find((s) => s.StepName === 'adultTrain');
      record('pipeline', `reference pipeline end to end, ${runtime} runtime (warm images)`, ms(cold.ms), 'target ≤ 20 s', train ? `training ${ms(Date.parse(train.EndTime) - Date.parse(train.StartTime))}` : '');
      record('pipeline', `fully cached re-run, ${runtime} runtime`, ms(cached.ms), 'target ≤ 3 s', `${(cold.ms / cached.ms).toFixed(1)}x faster`);
      record('memory', `peak RSS of the sagepipe process, ${runtime} runtime`, `${(cold.peakKb / 1024).toFixed(0)} MiB`, 'target < 1 GiB');
      figures[`pipeline_${runtime}_ms`] = cold.ms;
      figures[`pipeline_${runtime}_cached_ms`] = cached.ms;
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }
  // The largest step alone: sagepipe-xgboost's training as a process, under /usr/bin/time.
  const dir = mkdtempSync(join(tmpdir(), 'sagepipe-bench-step-'));
  try {
    await trainingFolder(dir);
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(ROOT, 'dist/images/xgboost/main.mjs'), 'train'], { env: { ...process.env, SAGEPIPE_CONTAINER_ROOT: dir }, encoding: 'utf8' });
    record('memory', 'peak RSS of the largest step (adultTrain: sagepipe-xgboost train)', `${(Number(r.stderr.trim().split('\n').at(-1)) / 1024).toFixed(0)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ container overhead
async function benchContainer(): Promise<void> {
  const image = `sagepipe-node:${VERSION}`;
  const n = 5;
  const proc = median(Array.from({ length: n }, () => timeIt(() => execFileSync(process.execPath, ['-e', '0']))));
  record('container', 'a no-op job as a process (node -e 0)', ms(proc));
  if (!hasDocker()) return;
  const dock = median(Array.from({ length: n }, () => timeIt(() => execFileSync('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'node', image, '-e', '0'], { stdio: 'ignore' }))));
  record('container', 'a no-op job in Docker (create, start, wait, remove)', ms(dock), `${ms(proc)} as a process`, `+${ms(dock - proc)} per job`);
  figures.container_overhead_ms = dock - proc;
}

// ------------------------------------------------------------------ invocations
async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function benchInvocations(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sagepipe-bench-serve-'));
  const port = await freePort();
  let child: import('node:child_process').ChildProcess | undefined;
  try {
    const split = await trainingFolder(dir);
    execFileSync(process.execPath, [join(ROOT, 'dist/images/xgboost/main.mjs'), 'train'], { env: { ...process.env, SAGEPIPE_CONTAINER_ROOT: dir }, stdio: 'ignore' });
    const { spawn } = await import('node:child_process');
    child = spawn(process.execPath, [join(ROOT, 'dist/images/xgboost/main.mjs'), 'serve'], { env: { ...process.env, SAGEPIPE_CONTAINER_ROOT: dir, SAGEMAKER_BIND_TO_PORT: String(port) }, stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${url}/ping`)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const one = `${split.test[0]?.slice(1).join(',')}\n`;
    const latencies: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = process.hrtime.bigint();
      await (await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: one })).text();
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length * 0.5)] as number;
    const p99 = latencies[Math.floor(latencies.length * 0.99)] as number;
    const batch = `${split.test.map((r) => r.slice(1).join(',')).join('\n')}\n`;
    const t = process.hrtime.bigint();
    const lines = (await (await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: batch })).text()).trim().split('\n').length;
    const batchMs = Number(process.hrtime.bigint() - t) / 1e6;
    record('invocations', '/invocations, one CSV row, 500 sequential requests (process)', `p50 ${ms(p50)}, p99 ${ms(p99)}`);
    record('invocations', `/invocations, one request of ${lines} rows`, ms(batchMs), '', `${Math.round(lines / (batchMs / 1000)).toLocaleString('en')} rows/s`);
    figures.invocation_p50_ms = p50;
    figures.invocation_p99_ms = p99;
  } finally {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ endpoint
async function benchEndpoint(): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), 'sagepipe-bench-endpoint-'));
  const cli = (...a: string[]) => execFileSync(process.execPath, [CLI, ...a, '--workspace', ws], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    cli('run', 'examples/adult/pipeline.ts', '--runtime', 'process', '--no-logs', '--param', `InputData=${ADULT}`);
    cli('models', 'approve', 'AdultModelPackageGroupName/1');
    const endpoint = JSON.parse(cli('endpoints', 'deploy', 'AdultModelPackageGroupName/1', '--name', 'bench', '--runtime', 'process', '--json')) as { Url: string };
    process.env.SAGEPIPE_NO_MAIN = '1';
    const { preprocess } = await import('../examples/adult/preprocess.ts');
    const split = preprocess(readFileSync(ADULT, 'utf8'), 42);
    const body = join(ws, 'ten.csv');
    writeFileSync(body, `${split.test.slice(0, 10).map((r) => r.slice(1).join(',')).join('\n')}\n`);
    const viaCli: number[] = [];
    for (let i = 0; i < 20; i++) viaCli.push(timeIt(() => cli('endpoints', 'invoke', 'bench', '--body', body)));
    const text = readFileSync(body, 'utf8');
    const raw: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = process.hrtime.bigint();
      await (await fetch(`${endpoint.Url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: text })).text();
      raw.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] as number;
    record('endpoint', '`sagepipe endpoints invoke` (10 rows; a new CLI process per call), 20 calls', `p50 ${ms(pct(viaCli, 0.5))}, p99 ${ms(pct(viaCli, 0.99))}`, `raw HTTP p50 ${ms(pct(raw, 0.5))}, p99 ${ms(pct(raw, 0.99))}`, `${(1000 / pct(viaCli, 0.5)).toFixed(1)} vs ${(1000 / pct(raw, 0.5)).toFixed(0)} calls/s`);
    cli('endpoints', 'delete', 'bench');
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ images
const imageSize = (image: string) => Number(execFileSync('docker', ['image', 'inspect', '--format', '{{.Size}}', image], { encoding: 'utf8' }).trim());
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function benchImages(): Promise<void> {
  if (!hasDocker()) return;
  execFileSync(process.execPath, [CLI, 'images', 'build', '--quiet'], { stdio: 'ignore' });
  const { buildPythonRootfs, PYTHON_BASE_IMAGE } = await import('../local-runner/images/python-base.ts');
  // From scratch under a bench tag, so the shared base other runs use is left alone.
  const dir = mkdtempSync(join(tmpdir(), 'sagepipe-bench-rootfs-'));
  const tag = 'sagepipe-bench-base:python';
  try {
    const tarball = join(dir, 'rootfs.tar');
    const t = Date.now();
    await buildPythonRootfs(tarball, () => undefined);
    const rootfsMs = Date.now() - t;
    const i = Date.now();
    execFileSync('docker', ['import', tarball, tag], { stdio: 'ignore' });
    const importMs = Date.now() - i;
    record('images', 'Python base from scratch: mmdebstrap root file system (Debian packages from the apt mirror)', ms(rootfsMs), '', `${mib(readFileSync(tarball).length)} tarball`);
    record('images', 'Python base: docker import', ms(importMs), '', `total ${ms(rootfsMs + importMs)}`);
    figures.python_base_build_ms = rootfsMs + importMs;
  } finally {
    spawnSync('docker', ['rmi', tag], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
  const node = imageSize(`sagepipe-node:${VERSION}`);
  for (const image of [PYTHON_BASE_IMAGE, `sagepipe-sklearn:${VERSION}`, `sagepipe-xgboost:${VERSION}`, `sagepipe-node:${VERSION}`]) {
    const size = imageSize(image);
    record('images', `size of ${image}`, mib(size), `${mib(node)} sagepipe-node`, `${(size / node).toFixed(1)}x`);
    figures[`size_${image}`] = size;
  }
}

// ------------------------------------------------------------------ the Python SDK's definition
/** The Python SDK's reference definition (test/fixtures/python-sdk), its data and scripts placed by `sagepipe s3 cp`. */
function runPythonDefinition(workspace: string, runtime: string): { ms: number; stdout: string } {
  const prefix = 's3://sagemaker-eu-west-1-123456789012/adult';
  execFileSync(process.execPath, [CLI, 's3', 'cp', ADULT, `${prefix}/adult.csv`, '--workspace', workspace], { stdio: 'ignore' });
  execFileSync(process.execPath, [CLI, 's3', 'cp', join(ROOT, 'examples/adult-python/'), `${prefix}/code/`, '--recursive', '--exclude', '*', '--include', '*.py', '--workspace', workspace], { stdio: 'ignore' });
  const t = Date.now();
  const r = spawnSync(process.execPath, [CLI, 'run', 'test/fixtures/python-sdk/adult.json', '--runtime', runtime, '--workspace', workspace, '--no-logs', '--json'], { cwd: ROOT, encoding: 'utf8' });
  const elapsed = Date.now() - t;
  if (r.status !== 0) throw new Error(`Python definition run failed: ${r.stderr}`);
  return { ms: elapsed, stdout: r.stdout };
}

async function benchPython(): Promise<void> {
  const runtimes = hasDocker() ? ['docker', 'process'] : ['process'];
  if (runtimes.includes('docker')) execFileSync(process.execPath, [CLI, 'images', 'build', '--quiet'], { stdio: 'ignore' });
  for (const runtime of runtimes) {
    const wsTs = mkdtempSync(join(tmpdir(), `sagepipe-bench-ts-${runtime}-`));
    const wsPy = mkdtempSync(join(tmpdir(), `sagepipe-bench-py-${runtime}-`));
    const wsEx = mkdtempSync(join(tmpdir(), `sagepipe-bench-pyex-${runtime}-`));
    try {
      const ts = runPipeline(wsTs, runtime);
      const example = runPipeline(wsEx, runtime, [], 'adult-python');
      record('python', `examples/adult-python end to end, ${runtime} runtime (Python scripts on AWS's images)`, ms(example.ms), `${ms(ts.ms)} examples/adult (TypeScript)`, `${(example.ms / ts.ms).toFixed(2)}x`);
      figures[`adult_python_${runtime}_ms`] = example.ms;
      const py = runPythonDefinition(wsPy, runtime);
      const steps = (JSON.parse(py.stdout) as { Steps: { StepName: string; StartTime: string; EndTime: string }[] }).Steps;
      const took = (name: string) => {
        const s = steps.find((x) => x.StepName === name);
        return s ? ms(Date.parse(s.EndTime) - Date.parse(s.StartTime)) : '?';
      };
      record('python', `Python SDK reference definition end to end, ${runtime} runtime (scikit-learn + built-in XGBoost + Python evaluation)`, ms(py.ms), `${ms(ts.ms)} TypeScript pipeline`, `${(py.ms / ts.ms).toFixed(2)}x; preprocessing ${took('adultProcess')}, evaluation ${took('adultEval')}`);
      figures[`python_pipeline_${runtime}_ms`] = py.ms;
      figures[`ts_pipeline_${runtime}_ms`] = ts.ms;
    } finally {
      rmSync(wsTs, { recursive: true, force: true });
      rmSync(wsPy, { recursive: true, force: true });
      rmSync(wsEx, { recursive: true, force: true });
    }
  }
}

const SECTIONS: Record<string, () => Promise<void>> = {
  images: benchImages,
  python: benchPython,
  endpoint: benchEndpoint,
  engine: benchEngine,
  training: benchTraining,
  preprocess: benchPreprocess,
  pipeline: benchPipeline,
  container: benchContainer,
  invocations: benchInvocations,
  ui: () => benchUi(record),
};

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const chosen = args.filter((a, i) => a !== '--json' && i !== jsonAt + 1 || jsonAt < 0).filter((a) => a in SECTIONS);
for (const name of chosen.length > 0 ? chosen : Object.keys(SECTIONS)) {
  process.stderr.write(`bench: ${name}\n`);
  await SECTIONS[name]?.();
}
const date = new Date().toISOString().slice(0, 10);
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Measured ${date} on ${cpus().length} × ${cpu}, Node ${process.version}, sagepipe ${VERSION}.\n`);
console.log('| area | what | figure | baseline (same run) | ratio / note |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ date, cpu, figures }, null, 2));
