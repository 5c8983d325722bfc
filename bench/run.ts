/**
 * `npm run bench`: speed and memory, each measured beside its baseline in the same run (this machine is shared and
 * noisy: read the ratios). Prints a Markdown table; `--json FILE` also writes the figures.
 *
 *   engine       1k/10k-step generated definitions (100k with --long): load + validate, engine overhead per step
 *   training     sagepipe-xgboost train vs python3-xgboost 1.7: exact 1/2 threads, hist 2 threads, 50/200 rounds,
 *                1x/10x rows (50x and a 2M-row run with --long), and the WebAssembly fallback
 *   training-memory  peak memory against the float data: 2M rows streamed vs in memory, 10M x 100 synthetic rows
 *   preprocess   the examples/adult/preprocess.ts job vs the same steps in pandas, time and peak memory, 1x/10x (50x --long)
 *   pipeline     the reference pipeline end to end cold/warm/fully cached per runtime, where the time goes, memory
 *   container    per-job container overhead (a no-op job) for the Docker and process runtimes
 *   invocations  /invocations latency p50/p99 and rows per second
 *   endpoint     a deployed local endpoint through `sagepipe endpoints invoke` and over raw HTTP
 *   images       the Python images' Debian base from scratch (mmdebstrap, import) and every image's size
 *   python       examples/adult-python and the Python SDK's reference definition beside examples/adult (TypeScript)
 *   ui           `sagepipe ui` on 1,000 executions and a 300-step DAG (API, layout, Chromium render, live update)
 * Select with `npm run bench -- engine training` (default: all that this machine can run); `--long` adds the large sizes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
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
/** ../shared/data/adult.csv beside the checkout, else data/adult.csv (data/fetch.sh), or SAGEPIPE_ADULT_CSV. */
const ADULT = process.env.SAGEPIPE_ADULT_CSV ?? [resolve(ROOT, '../shared/data/adult.csv'), resolve(ROOT, 'data/adult.csv')].find((f) => existsSync(f)) ?? resolve(ROOT, 'data/adult.csv');
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
/** Chains of 10 in parallel, each step reading its predecessor's property. */
function generatedDefinition(n: number): JsonObject {
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
  return { Version: '2020-12-01', Steps: steps } as unknown as JsonObject;
}

async function benchEngine(): Promise<void> {
  // The first load compiles the schema; measure it apart so the sizes compare.
  const first = timeIt(() => loadDefinition(generatedDefinition(10)));
  record('engine', 'first definition load in a process (schema compilation)', ms(first));
  for (const n of LONG ? [1000, 10_000, 100_000] : [1000, 10_000]) {
    const definition = generatedDefinition(n);
    let loaded = loadDefinition(definition);
    const loadMs = median([1, 2, 3].map(() => timeIt(() => (loaded = loadDefinition(definition)))));
    const noop: JobBackend = {
      runProcessingJob: async (req, ctx) => ({ properties: { ...req, ProcessingJobName: ctx.jobName } as JsonObject }),
      runTrainingJob: async () => ({ properties: {} }),
      createModel: async () => ({ properties: {} }),
      createModelPackage: async () => ({ properties: {} }),
      runTransformJob: async () => ({ properties: {} }),
      invokeLambda: async () => ({}),
      readObject: async () => new Uint8Array(),
    };
    const dir = mkdtempSync(join(tmpdir(), 'sagepipe-bench-'));
    try {
      const engine = new Engine({ backend: noop, store: new ExecutionStore(dir) });
      const t = process.hrtime.bigint();
      const r = await (await engine.launch({ loaded, pipelineName: 'bench', maxParallelExecutionSteps: 10 })).done;
      const total = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.PipelineExecutionStatus !== 'Succeeded') throw new Error('engine bench failed');
      // Baseline: the same promise fan-out with no engine (what a step costs at the least).
      const base = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await noop.runProcessingJob({}, { jobName: 'x' } as never);
      const baseMs = Number(process.hrtime.bigint() - base) / 1e6;
      record('engine', `load + validate ${n.toLocaleString('en')}-step definition`, ms(loadMs), 'target ≤ 1 s at 10,000', `${((loadMs / n) * 1000).toFixed(0)} µs/step`);
      record('engine', `run ${n.toLocaleString('en')} steps (no-op backend, journal append per change, compacted at the end)`, ms(total), ms(baseMs), `${(total / n).toFixed(3)} ms/step (target ≤ 0.1)`);
      figures[`engineMsPerStep${n}`] = total / n;
      figures[`loadMs${n}`] = loadMs;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

// ------------------------------------------------------------------ training
interface TrainConfig {
  readonly tree: 'exact' | 'hist';
  readonly threads: number;
  readonly rounds: number;
  readonly scale: number;
}

/** Peak RSS (KiB) and wall time of a command, through /usr/bin/time. */
function measured(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; peakKb: number; stdout: string } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const elapsed = Date.now() - t;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return { ms: elapsed, peakKb: Number(r.stderr.trim().split('\n').at(-1)), stdout: r.stdout };
}

/** Native XGBoost from Python, as SageMaker's container runs it: read the CSV, train with per-round evaluation, save. */
const PYTHON_TRAIN = `
import json, sys, numpy as np, pandas as pd, xgboost as xgb
root, params, rounds = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
def load(ch):
    a = pd.read_csv(f'{root}/opt/ml/input/data/{ch}/{ch}.csv', header=None, dtype=np.float32).values
    return xgb.DMatrix(a[:, 1:], label=a[:, 0])
d, v = load('train'), load('validation')
b = xgb.train(params, d, rounds, evals=[(d, 'train'), (v, 'validation')], verbose_eval=False)
b.save_model(f'{root}/py-model')
`;

/**
 * `rows` synthetic CSV rows (a 0/1 label, then `cols` dense 3-decimal features) written as fast as the disk takes
 * them: a byte table per value rather than number formatting.
 */
function syntheticCsv(file: string, rows: number, cols: number, seed: number): void {
  const values = Array.from({ length: 1000 }, (_, v) => Buffer.from(`,${(v / 1000).toFixed(3)}`));
  const fd = openSync(file, 'w');
  const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  let at = 0;
  let x = seed >>> 0;
  const row = new Uint16Array(cols);
  try {
    for (let r = 0; r < rows; r++) {
      if (at + cols * 6 + 4 > buffer.length) {
        writeSync(fd, buffer, 0, at);
        at = 0;
      }
      let score = 0;
      for (let c = 0; c < cols; c++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        const v = x % 1000;
        row[c] = v;
        if (c < 5) score += v;
      }
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      // A label the first five features mostly decide, with 10% noise.
      buffer[at++] = (score > 2500) !== (x % 10 === 0) ? 49 : 48;
      for (let c = 0; c < cols; c++) at += (values[row[c] as number] as Buffer).copy(buffer, at);
      buffer[at++] = 10;
    }
    writeSync(fd, buffer, 0, at);
  } finally {
    closeSync(fd);
  }
}

type TrainRun = (root: string, c: TrainConfig, env?: NodeJS.ProcessEnv) => { ms: number; peakKb: number; stdout: string };

/**
 * Training memory against the float data (features and labels as float32): the reference split repeated to 2M rows
 * (hist reads the channels in chunks; the in-memory path, what every run did before, beside it), and 10M x 100
 * synthetic rows with a 200k-row validation channel.
 */
async function trainingMemoryRows(dir: string, folder: (scale: number, rows?: number) => string, ours: TrainRun): Promise<void> {
  const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
  const floatMiB = (rows: number, cols: number) => (rows * (cols + 1) * 4) / 2 ** 20;
  {
    const root = folder(0, 2_000_000);
    const hist = { tree: 'hist', threads: 2, rounds: 10, scale: 0 } as const;
    const streamed = ours(root, hist);
    const whole = ours(root, hist, { SAGEPIPE_XGBOOST_INPUT: 'memory' });
    const data = floatMiB(2_000_000 + 9_049, 102);
    record(
      'training',
      'train hist, 2 threads, 10 rounds, 2,000,000 x 102 (no-crash run; channels read in chunks into QuantileDMatrix)',
      `${ms(streamed.ms)}, ${mib(streamed.peakKb)}`,
      `${ms(whole.ms)}, ${mib(whole.peakKb)} in-memory path; float data ${data.toFixed(0)} MiB`,
      `${(streamed.peakKb / 1024 / data).toFixed(2)}x the float data (in-memory ${(whole.peakKb / 1024 / data).toFixed(2)}x; target ≤ 1.5)`,
    );
    figures.train_2m_stream_peak_kb = streamed.peakKb;
    figures.train_2m_memory_peak_kb = whole.peakKb;
    rmSync(root, { recursive: true, force: true });
  }
  {
    const rows = 10_000_000;
    const cols = 100;
    const root = join(dir, 'synthetic');
    for (const d of ['input/data/train', 'input/data/validation', 'input/config']) mkdirSync(join(root, 'opt/ml', d), { recursive: true });
    const t = Date.now();
    syntheticCsv(join(root, 'opt/ml/input/data/train/train.csv'), rows, cols, 1);
    syntheticCsv(join(root, 'opt/ml/input/data/validation/validation.csv'), 200_000, cols, 2);
    process.stderr.write(`bench: synthetic ${rows.toLocaleString('en')} x ${cols} CSV written in ${ms(Date.now() - t)}\n`);
    const run = ours(root, { tree: 'hist', threads: 2, rounds: 10, scale: 0 });
    const data = floatMiB(rows + 200_000, cols);
    record(
      'training',
      `train hist, 2 threads, 10 rounds, ${rows.toLocaleString('en')} x ${cols} synthetic + 200,000 validation rows (read in chunks)`,
      `${ms(run.ms)}, ${mib(run.peakKb)}`,
      `float data ${data.toFixed(0)} MiB`,
      `${(run.peakKb / 1024 / data).toFixed(2)}x the float data (target ≤ 1.5)`,
    );
    figures.train_10m_ms = run.ms;
    figures.train_10m_peak_kb = run.peakKb;
    rmSync(root, { recursive: true, force: true });
  }
}

/** `memoryOnly`: just the memory rows (the `training-memory` section), which `--long` adds to `training`. */
async function benchTraining(memoryOnly = false): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sagepipe-bench-train-'));
  try {
    process.env.SAGEPIPE_NO_MAIN = '1';
    const { encodeSplit } = await import('../examples/adult/preprocess.ts');
    const { readCsvColumns } = await import('../containers/runtime/columns.ts');
    const split = encodeSplit(readCsvColumns(ADULT), 42);
    const lines = (from: number, to: number) => Array.from(split.order.subarray(from, to), (r) => split.csvLine(r)).join('\n');
    const train = lines(0, split.trainEnd);
    const validation = `${lines(split.trainEnd, split.validationEnd)}\n`;
    /** The reference train split repeated `scale` times (or cut to `rows`); validation as it is. */
    const folder = (scale: number, rows?: number): string => {
      const root = join(dir, rows ? `rows${rows}` : `x${scale}`);
      mkdirSync(join(root, 'opt/ml/input/data/train'), { recursive: true });
      mkdirSync(join(root, 'opt/ml/input/data/validation'), { recursive: true });
      mkdirSync(join(root, 'opt/ml/input/config'), { recursive: true });
      const file = join(root, 'opt/ml/input/data/train/train.csv');
      writeFileSync(file, '');
      let written = 0;
      const target = rows ?? split.trainEnd * scale;
      while (written < target) {
        const n = Math.min(split.trainEnd, target - written);
        appendFileSync(file, `${n === split.trainEnd ? train : lines(0, n)}\n`);
        written += n;
      }
      writeFileSync(join(root, 'opt/ml/input/data/validation/validation.csv'), validation);
      return root;
    };
    const base = { objective: 'binary:logistic', max_depth: '5', subsample: '1', eval_metric: 'logloss', eta: '0.3' };
    const ours = (root: string, c: TrainConfig, env: NodeJS.ProcessEnv = {}) => {
      writeFileSync(join(root, 'opt/ml/input/config/hyperparameters.json'), JSON.stringify({ ...base, num_round: String(c.rounds), tree_method: c.tree, nthread: String(c.threads) }));
      return measured(process.execPath, [join(ROOT, 'dist/images/xgboost/main.mjs'), 'train'], { ...process.env, SAGEPIPE_CONTAINER_ROOT: root, ...env });
    };
    // The same thread policy for both (what sagepipe sets for libgomp): a fair comparison on a shared machine.
    const native = (root: string, c: TrainConfig) =>
      measured('/usr/bin/python3', ['-c', PYTHON_TRAIN, root, JSON.stringify({ ...base, tree_method: c.tree, nthread: c.threads }), String(c.rounds)], { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' });
    const configs: TrainConfig[] = [
      { tree: 'exact', threads: 1, rounds: 50, scale: 1 },
      { tree: 'exact', threads: 2, rounds: 50, scale: 1 },
      { tree: 'hist', threads: 2, rounds: 50, scale: 1 },
      { tree: 'exact', threads: 1, rounds: 200, scale: 1 },
      { tree: 'hist', threads: 2, rounds: 200, scale: 1 },
      { tree: 'exact', threads: 2, rounds: 50, scale: 10 },
      { tree: 'hist', threads: 2, rounds: 50, scale: 10 },
      ...(LONG ? ([{ tree: 'exact', threads: 2, rounds: 50, scale: 50 }, { tree: 'hist', threads: 2, rounds: 50, scale: 50 }] as const) : []),
    ];
    if (memoryOnly) {
      await trainingMemoryRows(dir, folder, ours);
      return;
    }
    const roots = new Map<number, string>();
    const python = hasPythonXgboost();
    for (const c of configs) {
      if (!roots.has(c.scale)) roots.set(c.scale, folder(c.scale));
      const root = roots.get(c.scale) as string;
      const a = ours(root, c);
      if (!a.stdout.startsWith('XGBoost: native')) record('training', 'note', 'native XGBoost not found: the figures below are the WebAssembly fallback');
      const b = python ? native(root, c) : undefined;
      const rows = (split.trainEnd * c.scale).toLocaleString('en');
      record(
        'training',
        `train ${c.tree}, ${c.threads} thread${c.threads > 1 ? 's' : ''}, ${c.rounds} rounds, ${rows} x 102 (process: read CSV, train with per-round train+validation logloss, write model)`,
        `${ms(a.ms)}, ${(a.peakKb / 1024).toFixed(0)} MiB`,
        b ? `${ms(b.ms)}, ${(b.peakKb / 1024).toFixed(0)} MiB python3-xgboost 1.7` : 'python3-xgboost missing',
        b ? `${(a.ms / b.ms).toFixed(2)}x time (target ≤ 1.1)` : '',
      );
      figures[`train_${c.tree}_${c.threads}t_${c.rounds}r_${c.scale}x_ms`] = a.ms;
      if (b) figures[`train_${c.tree}_${c.threads}t_${c.rounds}r_${c.scale}x_native_ms`] = b.ms;
    }
    // The WebAssembly fallback on the same job, for comparison.
    const fallback = ours(roots.get(1) as string, { tree: 'exact', threads: 1, rounds: 50, scale: 1 }, { SAGEPIPE_XGBOOST: 'wasm' });
    const nativeOne = figures.train_exact_1t_50r_1x_ms as number;
    record('training', 'train exact, 50 rounds, 18,097 x 102 with the WebAssembly fallback (ml-xgboost)', ms(fallback.ms), `${ms(nativeOne)} native (ours)`, `${(fallback.ms / nativeOne).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ preprocess
/** The reference preprocessing in pandas, writing the three CSVs as the job does. */
const PANDAS_PREPROCESS = `
import sys, numpy as np, pandas as pd
src, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
df['income'] = df['income'].map({'<=50K': 0, '>50K': 1})
df = df.drop(columns=['fnlwgt', 'education.num'])
df = df[(df['workclass'] != '?') & (df['occupation'] != '?') & (df['native.country'] != '?')]
cont = df[['age', 'capital.gain', 'capital.loss', 'hours.per.week']]
cat = pd.get_dummies(df[['workclass', 'education', 'marital.status', 'occupation', 'relationship', 'race', 'sex', 'native.country']])
full = pd.concat([df['income'], cont, cat], axis=1).sample(frac=1, random_state=42)
tr, va, te = np.split(full, [int(.6 * len(full)), int(.7 * len(full))])
for name, part in (('train', tr), ('validation', va), ('test', te)):
    part.to_csv(f'{out}/{name}.csv', header=False, index=False)
`;

async function benchPreprocess(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sagepipe-bench-pre-'));
  try {
    // The job as it runs in a step: the bundled script in a process (preprocess.ts's main()).
    const { bundleScript } = await import('../src/compile/bundle.ts');
    const bundled = await bundleScript(join(ROOT, 'examples/adult/preprocess.ts'));
    const script = join(dir, bundled.fileName);
    writeFileSync(script, bundled.content);
    const [header, ...body] = readFileSync(ADULT, 'utf8').trimEnd().split('\n');
    for (const scale of LONG ? [1, 10, 50] : [1, 10]) {
      const root = join(dir, `x${scale}`);
      const input = join(root, 'opt/ml/processing/input');
      mkdirSync(input, { recursive: true });
      mkdirSync(join(root, 'opt/ml/config'), { recursive: true });
      const file = join(input, 'adult.csv');
      writeFileSync(file, `${header}\n`);
      const chunk = `${body.join('\n')}\n`;
      for (let k = 0; k < scale; k++) appendFileSync(file, chunk);
      const outputs = ['train', 'validation', 'test'].map((name) => ({ OutputName: name, S3Output: { LocalPath: `/opt/ml/processing/${name}` } }));
      writeFileSync(join(root, 'opt/ml/config/processingjobconfig.json'), JSON.stringify({ ProcessingInputs: [{ InputName: 'input', S3Input: { LocalPath: '/opt/ml/processing/input' } }], ProcessingOutputConfig: { Outputs: outputs } }));
      const env: NodeJS.ProcessEnv = { ...process.env, SAGEPIPE_CONTAINER_ROOT: root };
      delete env.SAGEPIPE_NO_MAIN; // set by the training section, which imports the module without running it
      const ours = measured(process.execPath, [script], env);
      const written = readFileSync(join(root, 'opt/ml/processing/train/train.csv'), 'utf8').split('\n', 2)[0]?.split(',').length;
      if (written !== 103) throw new Error(`the preprocess job wrote ${written} columns, expected 103`);
      let pandas: { ms: number; peakKb: number } | undefined;
      if (hasPythonXgboost()) {
        const out = join(root, 'pandas');
        mkdirSync(out, { recursive: true });
        pandas = measured('/usr/bin/python3', ['-c', PANDAS_PREPROCESS, file, out]);
      }
      const rows = (body.length * scale).toLocaleString('en');
      record('preprocess', `preprocess.ts job, ${scale}x adult.csv (${rows} rows: read, clean, one-hot, shuffle, split, write 3 CSVs) — time`, ms(ours.ms), pandas ? `${ms(pandas.ms)} pandas` : 'pandas missing', pandas ? `${(ours.ms / pandas.ms).toFixed(2)}x (target ≤ 1)` : '');
      record('preprocess', `same, ${scale}x — peak memory`, `${(ours.peakKb / 1024).toFixed(0)} MiB`, pandas ? `${(pandas.peakKb / 1024).toFixed(0)} MiB pandas` : '', pandas ? `${(ours.peakKb / pandas.peakKb).toFixed(2)}x (target ≤ 1.5)` : '');
      figures[`preprocess_${scale}x_ms`] = ours.ms;
      figures[`preprocess_${scale}x_kb`] = ours.peakKb;
      if (pandas) {
        figures[`preprocess_${scale}x_pandas_ms`] = pandas.ms;
        figures[`preprocess_${scale}x_pandas_kb`] = pandas.peakKb;
      }
      rmSync(root, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
function runPipeline(workspace: string, runtime: string, env: NodeJS.ProcessEnv = process.env, example = 'adult'): { ms: number; peakKb: number; engineMs: number; record: { Steps: { StepName: string; StartTime: string; EndTime: string }[] } } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'run', `examples/${example}/pipeline.ts`, '--runtime', runtime, '--workspace', workspace, '--no-logs', '--json', '--param', `InputData=${ADULT}`], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  const elapsed = Date.now() - t;
  if (r.status !== 0) throw new Error(`pipeline run failed: ${r.stderr}`);
  const record = JSON.parse(r.stdout) as { CreationTime: string; EndTime?: string; LastModifiedTime: string; Steps: { StepName: string; StartTime: string; EndTime: string }[] };
  const engineMs = Date.parse(record.EndTime ?? record.LastModifiedTime) - Date.parse(record.CreationTime);
  return { ms: elapsed, peakKb: Number(r.stderr.trim().split('\n').at(-1)), engineMs, record };
}

async function benchPipeline(): Promise<void> {
  const runtimes = hasDocker() ? ['docker', 'process'] : ['process'];
  if (runtimes.includes('docker')) {
    // The image phase a first run reports (`building images (first use)`): every image, from this tree.
    const t = Date.now();
    execFileSync(process.execPath, [CLI, 'images', 'build', '--quiet'], { stdio: 'ignore' });
    record('pipeline', 'images built (sagepipe images build: both images, offline base)', ms(Date.now() - t), '', 'a separate phase before the first run, not inside a step');
  }
  const stepTime = (r: ReturnType<typeof runPipeline>, name: string) => {
    const s = r.record.Steps.find((x) => x.StepName === name);
    return s ? Date.parse(s.EndTime) - Date.parse(s.StartTime) : Number.NaN;
  };
  for (const runtime of runtimes) {
    const cache = mkdtempSync(join(tmpdir(), 'sagepipe-bench-cache-'));
    const env = { ...process.env, SAGEPIPE_BUNDLE_CACHE: cache };
    const wsCold = mkdtempSync(join(tmpdir(), `sagepipe-bench-${runtime}-`));
    const wsWarm = mkdtempSync(join(tmpdir(), `sagepipe-bench-${runtime}-`));
    try {
      const cold = runPipeline(wsCold, runtime, env);
      const warm = runPipeline(wsWarm, runtime, env);
      const cached = runPipeline(wsWarm, runtime, env);
      const where = (r: ReturnType<typeof runPipeline>) =>
        `preprocess ${ms(stepTime(r, 'adultProcess'))}, training ${ms(stepTime(r, 'adultTrain'))}, evaluation ${ms(stepTime(r, 'adultEval'))}, outside the engine ${ms(r.ms - r.engineMs)}`;
      record('pipeline', `reference pipeline, ${runtime} runtime, cold (new workspace, empty bundle and schema cache; images present)`, ms(cold.ms), '', where(cold));
      record('pipeline', `reference pipeline, ${runtime} runtime, warm (new workspace)`, ms(warm.ms), runtime === 'docker' ? 'target ≤ 3 s' : 'target ≤ 2 s', where(warm));
      record('pipeline', `fully cached re-run, ${runtime} runtime`, ms(cached.ms), 'target ≤ 0.4 s; ≤ 0.25 s outside the engine', `engine ${ms(cached.engineMs)}, outside the engine ${ms(cached.ms - cached.engineMs)}`);
      record('memory', `peak RSS of the sagepipe process, ${runtime} runtime`, `${(warm.peakKb / 1024).toFixed(0)} MiB`, 'target < 1 GiB');
      figures[`pipeline_${runtime}_cold_ms`] = cold.ms;
      figures[`pipeline_${runtime}_warm_ms`] = warm.ms;
      figures[`pipeline_${runtime}_cached_ms`] = cached.ms;
      figures[`pipeline_${runtime}_cached_outside_engine_ms`] = cached.ms - cached.engineMs;
    } finally {
      for (const d of [cache, wsCold, wsWarm]) rmSync(d, { recursive: true, force: true });
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
      const example = runPipeline(wsEx, runtime, process.env, 'adult-python');
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
  training: () => benchTraining(),
  'training-memory': () => benchTraining(true),
  preprocess: benchPreprocess,
  pipeline: benchPipeline,
  container: benchContainer,
  invocations: benchInvocations,
  ui: () => benchUi(record),
};

const args = process.argv.slice(2);
const LONG = args.includes('--long');
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const chosen = args.filter((a, i) => a !== '--json' && i !== jsonAt + 1 || jsonAt < 0).filter((a) => a in SECTIONS);
// training-memory's rows take minutes (10M rows): a section of their own, in the whole run only with --long.
for (const name of chosen.length > 0 ? chosen : Object.keys(SECTIONS).filter((n) => LONG || n !== 'training-memory')) {
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
