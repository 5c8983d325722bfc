/**
 * sagepipe-xgboost `train` as a process (what the process runtime runs): native XGBoost where libxgboost is installed,
 * checked against Debian's python3-xgboost (the same library) for every tree_method; the WebAssembly fallback when
 * told to (or when libxgboost is missing), reported in the log.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../containers/runtime/metrics.ts';
import { probeNative } from '../../containers/runtime/xgboost-native.ts';
import { wasmBackend } from '../../containers/runtime/xgboost-wasm.ts';
import { tempDir } from '../helpers/context.ts';
import { REFERENCE_HYPERPARAMETERS, csv, split } from './adult-split.ts';

const MAIN = resolve('dist/images/xgboost/main.mjs');
const METRIC_LINE = /^\[\d+\]\ttrain-logloss:[\d.]+\tvalidation-logloss:[\d.]+$/;
const native = probeNative();

function layout(root: string, hyperparameters: Record<string, string>): void {
  for (const d of ['input/data/train', 'input/data/validation', 'input/config']) mkdirSync(join(root, 'opt/ml', d), { recursive: true });
  writeFileSync(join(root, 'opt/ml/input/data/train/train.csv'), csv(split.train));
  writeFileSync(join(root, 'opt/ml/input/data/validation/validation.csv'), csv(split.validation));
  writeFileSync(join(root, 'opt/ml/input/config/hyperparameters.json'), JSON.stringify(hyperparameters));
}

function train(root: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [MAIN, 'train'], { encoding: 'utf8', env: { ...process.env, SAGEPIPE_CONTAINER_ROOT: root, ...env }, timeout: 120_000 });
}

/** Python's predictions for the test split's first 1,000 rows: from our model file, and from its own training. */
function python(modelFile: string, features: string, params: Record<string, string>): { ours: number[]; theirs: number[] } {
  const script = [
    'import json, sys, numpy as np, xgboost as xgb',
    `tr = np.loadtxt(${JSON.stringify(join(features, '..', 'opt/ml/input/data/train/train.csv'))}, delimiter=',', dtype=np.float32)`,
    `X = np.loadtxt(${JSON.stringify(features)}, delimiter=',', dtype=np.float32, ndmin=2)`,
    'b = xgb.Booster()',
    `b.load_model(${JSON.stringify(modelFile)})`,
    `p = json.loads(${JSON.stringify(JSON.stringify(params))})`,
    'n = int(p.pop("num_round")); p.pop("silent", None)',
    'own = xgb.train(p, xgb.DMatrix(tr[:, 1:], label=tr[:, 0]), n)',
    'print(json.dumps({"ours": [float(v) for v in b.predict(xgb.DMatrix(X))], "theirs": [float(v) for v in own.predict(xgb.DMatrix(X))]}))',
  ].join('\n');
  const out = execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as { ours: number[]; theirs: number[] };
}

const testRows = split.test.slice(0, 1000);
const testMatrix = () => {
  const cols = (testRows[0]?.length ?? 1) - 1;
  const data = new Float32Array(testRows.length * cols);
  testRows.forEach((r, i) => data.set(r.slice(1), i * cols));
  return { rows: testRows.length, cols, data };
};

describe.runIf(native.ok)('train with native XGBoost (libxgboost installed)', () => {
  const dir = tempDir('sagepipe-train-native-');
  let result: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    layout(dir.path, REFERENCE_HYPERPARAMETERS);
    writeFileSync(join(dir.path, 'test.csv'), csv(testRows.map((r) => r.slice(1))));
    result = train(dir.path);
  }, 180_000);
  afterAll(() => dir.remove());

  it('GIVEN the reference split WHEN trained THEN the log names native XGBoost 1.7 and has one metric line per round in the built-in format', () => {
    expect(result.status, String(result.stderr)).toBe(0);
    const lines = String(result.stdout).split('\n');
    expect(lines[0]).toMatch(/^XGBoost: native XGBoost 1\.7\.\d+ \(/);
    expect(lines.filter((l) => METRIC_LINE.test(l))).toHaveLength(50);
  });

  it("GIVEN the model file WHEN python3-xgboost loads it THEN it predicts what sagepipe's Booster predicts (1e-6), with accuracy ≥ 0.86", async () => {
    const { Booster } = await import('../../containers/runtime/xgboost.ts');
    const booster = await Booster.load(readFileSync(join(dir.path, 'opt/ml/model/xgboost-model')));
    expect(booster.backend).toBe('native');
    const ours = booster.predict(testMatrix());
    const py = python(join(dir.path, 'opt/ml/model/xgboost-model'), join(dir.path, 'test.csv'), REFERENCE_HYPERPARAMETERS);
    py.ours.forEach((p, i) => expect(Math.abs(p - (ours[i] as number))).toBeLessThan(1e-6));
    expect(binaryMetrics(testRows.map((r) => r[0] as number), ours).accuracy).toBeGreaterThanOrEqual(0.86);
  });

  it.each(['exact', 'approx', 'hist'])(
    'GIVEN tree_method %s and nthread 2 WHEN trained THEN the model is the one python3-xgboost trains with the same settings',
    (method) => {
      const d = tempDir('sagepipe-train-method-');
      try {
        const hp = { ...REFERENCE_HYPERPARAMETERS, num_round: '8', tree_method: method, nthread: '2' };
        layout(d.path, hp);
        writeFileSync(join(d.path, 'test.csv'), csv(testRows.map((r) => r.slice(1))));
        const r = train(d.path);
        expect(r.status, r.stderr).toBe(0);
        const py = python(join(d.path, 'opt/ml/model/xgboost-model'), join(d.path, 'test.csv'), hp);
        py.theirs.forEach((p, i) => expect(Math.abs(p - (py.ours[i] as number)), `row ${i}`).toBeLessThan(1e-6));
      } finally {
        d.remove();
      }
    },
    180_000,
  );
});

describe.runIf(native.ok)('train with tree_method hist (channels read in chunks)', () => {
  it('GIVEN hist WHEN trained THEN the log says the channels were read in chunks, with their row counts', () => {
    const d = tempDir('sagepipe-train-hist-');
    try {
      layout(d.path, { ...REFERENCE_HYPERPARAMETERS, num_round: '3', tree_method: 'hist' });
      const r = train(d.path);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`train: ${split.train.length} rows x ${(split.train[0]?.length ?? 1) - 1} features; validation: ${split.validation.length} rows (read in chunks into XGBoost's QuantileDMatrix)`);
    } finally {
      d.remove();
    }
  }, 120_000);

  it.each(['hist', 'exact'])('GIVEN an empty validation file and tree_method %s WHEN trained THEN the job fails naming the channel', (method) => {
    const d = tempDir('sagepipe-train-empty-');
    try {
      layout(d.path, { ...REFERENCE_HYPERPARAMETERS, num_round: '3', tree_method: method });
      writeFileSync(join(d.path, 'opt/ml/input/data/validation/validation.csv'), '\n');
      const r = train(d.path);
      expect(r.status).toBe(1);
      expect(readFileSync(join(d.path, 'opt/ml/output/failure'), 'utf8')).toBe("ClientError: channel 'validation' has no rows");
    } finally {
      d.remove();
    }
  }, 120_000);
});

describe.runIf(native.ok)('train on text/libsvm channels (native)', () => {
  it('GIVEN the split as sparse libsvm (zeros left out) WHEN trained THEN the model is the one python3-xgboost trains from the same files', () => {
    const d = tempDir('sagepipe-train-libsvm-');
    try {
      const libsvm = (rows: number[][]) => `${rows.map((r) => [r[0], ...r.slice(1).flatMap((v, i) => (v === 0 ? [] : [`${i}:${v}`]))].join(' ')).join('\n')}\n`;
      for (const dd of ['input/data/train', 'input/data/validation', 'input/config']) mkdirSync(join(d.path, 'opt/ml', dd), { recursive: true });
      writeFileSync(join(d.path, 'opt/ml/input/data/train/train.libsvm'), libsvm(split.train));
      writeFileSync(join(d.path, 'opt/ml/input/data/validation/validation.libsvm'), libsvm(split.validation));
      writeFileSync(join(d.path, 'opt/ml/input/config/inputdataconfig.json'), JSON.stringify({ train: { ContentType: 'text/libsvm' }, validation: { ContentType: 'text/libsvm' } }));
      const hp = { ...REFERENCE_HYPERPARAMETERS, num_round: '8', nthread: '1' };
      writeFileSync(join(d.path, 'opt/ml/input/config/hyperparameters.json'), JSON.stringify(hp));
      writeFileSync(join(d.path, 'test.csv'), csv(testRows.map((r) => r.slice(1))));
      const r = train(d.path);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.split('\n').filter((l) => METRIC_LINE.test(l))).toHaveLength(8);
      const script = [
        'import json, numpy as np, xgboost as xgb',
        `X = np.loadtxt(${JSON.stringify(join(d.path, 'test.csv'))}, delimiter=',', dtype=np.float32, ndmin=2)`,
        'X[X == 0] = np.nan',
        'ours = xgb.Booster()',
        `ours.load_model(${JSON.stringify(join(d.path, 'opt/ml/model/xgboost-model'))})`,
        `p = {'objective': 'binary:logistic', 'max_depth': 5, 'subsample': 1, 'eta': 0.3, 'eval_metric': 'logloss', 'nthread': 1}`,
        `own = xgb.train(p, xgb.DMatrix(${JSON.stringify(join(d.path, 'opt/ml/input/data/train/train.libsvm'))} + '?format=libsvm'), 8)`,
        'print(json.dumps([[float(a), float(b)] for a, b in zip(ours.predict(xgb.DMatrix(X)), own.predict(xgb.DMatrix(X)))]))',
      ].join('\n');
      const out = execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
      const pairs = JSON.parse(out.trim().split('\n').at(-1) as string) as [number, number][];
      expect(pairs).toHaveLength(testRows.length);
      pairs.forEach(([a, b], i) => expect(Math.abs(a - b), `row ${i}`).toBeLessThan(1e-6));
    } finally {
      d.remove();
    }
  }, 180_000);
});

describe('train with the WebAssembly fallback', () => {
  const dir = tempDir('sagepipe-train-wasm-');
  let result: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    layout(dir.path, { ...REFERENCE_HYPERPARAMETERS, num_round: '20' });
    result = train(dir.path, { SAGEPIPE_XGBOOST: 'wasm' });
  }, 180_000);
  afterAll(() => dir.remove());

  it('GIVEN SAGEPIPE_XGBOOST=wasm WHEN trained THEN the log says the fallback runs and why, and the metric lines keep their format', () => {
    expect(result.status, String(result.stderr)).toBe(0);
    const lines = String(result.stdout).split('\n');
    expect(lines[0]).toMatch(/^XGBoost: ml-xgboost's WebAssembly XGBoost \(portable fallback.*; native XGBoost not used: SAGEPIPE_XGBOOST=wasm$/);
    expect(lines.filter((l) => METRIC_LINE.test(l))).toHaveLength(20);
  });

  it('GIVEN the fallback model WHEN it predicts the test split THEN accuracy is at least 0.86', async () => {
    const backend = await wasmBackend();
    const booster = backend.load(readFileSync(join(dir.path, 'opt/ml/model/xgboost-model')));
    const m = binaryMetrics(testRows.map((r) => r[0] as number), booster.predict(testMatrix()));
    expect(m.accuracy).toBeGreaterThanOrEqual(0.86);
  });

  it('GIVEN a model written by XGBoost 1.x WHEN the fallback loads it THEN it refuses and says to install libxgboost', async () => {
    const backend = await wasmBackend();
    const header = new Uint8Array(64);
    header.set([0x62, 0x69, 0x6e, 0x66]);
    new DataView(header.buffer).setUint32(24, 1, true);
    new DataView(header.buffer).setUint32(28, 7, true);
    expect(() => backend.load(header)).toThrowError(/written by XGBoost 1\.7, which the WebAssembly fallback \(XGBoost 0\.8\) cannot read: install libxgboost/);
  });

  it('GIVEN SAGEPIPE_LIBXGBOOST naming a missing file THEN the probe says so (and training falls back)', () => {
    const probe = probeNative({ SAGEPIPE_LIBXGBOOST: '/nonexistent/libxgboost.so' });
    expect(probe).toEqual({ ok: false, reason: 'SAGEPIPE_LIBXGBOOST=/nonexistent/libxgboost.so does not exist' });
  });
});
