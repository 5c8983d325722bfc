/**
 * sagepipe-xgboost on its SageMaker contract with plain `docker run` bind mounts, independent of the local runner:
 * training on the reference split, the model in native XGBoost, and the inference server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../containers/runtime/metrics.ts';
import { Booster } from '../../containers/runtime/xgboost.ts';
import { probeNative } from '../../containers/runtime/xgboost-native.ts';
import { tempDir } from '../helpers/context.ts';
import { projectImage, runDockerTests } from '../helpers/docker.ts';
import { REFERENCE_HYPERPARAMETERS, csv, split } from './adult-split.ts';

const IMAGE = projectImage('xgboost');
const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;

function layout(root: string, hyperparameters: Record<string, string>): void {
  mkdirSync(join(root, 'opt/ml/input/data/train'), { recursive: true });
  mkdirSync(join(root, 'opt/ml/input/data/validation'), { recursive: true });
  mkdirSync(join(root, 'opt/ml/input/config'), { recursive: true });
  // Two files in the train channel: a channel may hold several.
  const half = Math.floor(split.train.length / 2);
  writeFileSync(join(root, 'opt/ml/input/data/train/part-1.csv'), csv(split.train.slice(0, half)));
  writeFileSync(join(root, 'opt/ml/input/data/train/part-2.csv'), csv(split.train.slice(half)));
  writeFileSync(join(root, 'opt/ml/input/data/validation/validation.csv'), csv(split.validation));
  writeFileSync(join(root, 'opt/ml/input/config/hyperparameters.json'), JSON.stringify(hyperparameters));
}

const dockerRun = (root: string, args: string[]) =>
  spawnSync('docker', ['run', '--rm', '--user', user, '-v', `${root}/opt/ml:/opt/ml`, IMAGE, ...args], { encoding: 'utf8', timeout: 120_000 });

describe.runIf(runDockerTests)('sagepipe-xgboost train (docker run)', () => {
  const dir = tempDir('sagepipe-xgb-');
  let result: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    layout(dir.path, REFERENCE_HYPERPARAMETERS);
    result = dockerRun(dir.path, ['train']);
  }, 180_000);
  afterAll(() => dir.remove());

  it('GIVEN the reference split and hyperparameters WHEN trained THEN it exits 0 and logs one metric line per round in the built-in format', () => {
    expect(result.status, String(result.stderr)).toBe(0);
    // The image carries libxgboost wherever the build machine has it (CI installs python3-xgboost, hence libxgboost0).
    if (probeNative().ok) expect(String(result.stdout).split('\n')[0]).toMatch(/^XGBoost: native XGBoost 1\.7\.\d+ \(/);
    const rounds = String(result.stdout).split('\n').filter((l) => /^\[\d+\]\ttrain-logloss:[\d.]+\tvalidation-logloss:[\d.]+$/.test(l));
    expect(rounds).toHaveLength(50);
    expect(rounds[0]).toMatch(/^\[0\]\t/);
  });

  it('GIVEN the trained model WHEN predicting the test split THEN accuracy is at least 0.86', async () => {
    const booster = await Booster.load(readFileSync(join(dir.path, 'opt/ml/model/xgboost-model')));
    const rows = split.test.length;
    const cols = (split.test[0]?.length ?? 1) - 1;
    const data = new Float32Array(rows * cols);
    split.test.forEach((r, i) => data.set(r.slice(1), i * cols));
    const predictions = booster.predict({ rows, cols, data });
    const m = binaryMetrics(split.test.map((r) => r[0] as number), predictions);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.86);
    writeFileSync(join(dir.path, 'test-features.csv'), csv(split.test.slice(0, 500).map((r) => r.slice(1))));
    writeFileSync(join(dir.path, 'js-predictions.json'), JSON.stringify(Array.from(predictions.subarray(0, 500))));
  });

  it("GIVEN the model file WHEN loaded by Debian's python3-xgboost THEN it predicts the same (within 1e-6)", () => {
    const script = [
      'import json, sys, numpy as np, xgboost as xgb',
      'b = xgb.Booster()',
      `b.load_model(${JSON.stringify(join(dir.path, 'opt/ml/model/xgboost-model'))})`,
      `X = np.loadtxt(${JSON.stringify(join(dir.path, 'test-features.csv'))}, delimiter=',', ndmin=2)`,
      'print(json.dumps([float(v) for v in b.predict(xgb.DMatrix(X))]))',
    ].join('\n');
    const out = execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // XGBoost may print a warning about the model format first; the predictions are the last line.
    const native = JSON.parse(out.trim().split('\n').at(-1) as string) as number[];
    const ours = JSON.parse(readFileSync(join(dir.path, 'js-predictions.json'), 'utf8')) as number[];
    expect(native).toHaveLength(500);
    native.forEach((p, i) => expect(Math.abs(p - (ours[i] as number))).toBeLessThan(1e-6));
  });

  it('GIVEN tree_method hist WHEN trained in the image THEN the channels are read in chunks (spilled under the container\'s /tmp) and the model reaches accuracy 0.86', async () => {
    const d = tempDir('sagepipe-xgb-hist-');
    try {
      layout(d.path, { ...REFERENCE_HYPERPARAMETERS, tree_method: 'hist', nthread: '2' });
      const r = dockerRun(d.path, ['train']);
      expect(r.status, r.stderr).toBe(0);
      if (probeNative().ok) expect(r.stdout).toContain(`train: ${split.train.length} rows x ${(split.train[0]?.length ?? 1) - 1} features; validation: ${split.validation.length} rows (read in chunks into XGBoost's QuantileDMatrix)`);
      const booster = await Booster.load(readFileSync(join(d.path, 'opt/ml/model/xgboost-model')));
      const cols = (split.test[0]?.length ?? 1) - 1;
      const data = new Float32Array(split.test.length * cols);
      split.test.forEach((row, i) => data.set(row.slice(1), i * cols));
      const predictions = booster.predict({ rows: split.test.length, cols, data });
      expect(binaryMetrics(split.test.map((row) => row[0] as number), predictions).accuracy).toBeGreaterThanOrEqual(0.86);
    } finally {
      d.remove();
    }
  }, 180_000);

  it('GIVEN an unknown and an invalid hyperparameter WHEN trained THEN the job fails with both in /opt/ml/output/failure', () => {
    const bad = tempDir('sagepipe-xgb-bad-');
    try {
      layout(bad.path, { ...REFERENCE_HYPERPARAMETERS, max_dept: '5', eta: '2' });
      const r = dockerRun(bad.path, ['train']);
      expect(r.status).toBe(1);
      const failure = readFileSync(join(bad.path, 'opt/ml/output/failure'), 'utf8');
      expect(failure).toBe("ClientError: hyperparameter 'eta' must be at most 1: got '2'; unknown hyperparameter 'max_dept'");
    } finally {
      bad.remove();
    }
  });
});

describe.runIf(runDockerTests)('sagepipe-xgboost serve (docker run)', () => {
  const dir = tempDir('sagepipe-serve-');
  const port = 18080 + Math.floor(Math.random() * 1000);
  let container = '';
  const url = `http://127.0.0.1:${port}`;
  beforeAll(async () => {
    layout(dir.path, { ...REFERENCE_HYPERPARAMETERS, num_round: '10' });
    expect(dockerRun(dir.path, ['train']).status).toBe(0);
    container = execFileSync('docker', ['run', '-d', '--rm', '--user', user, '-p', `127.0.0.1:${port}:8080`, '-v', `${dir.path}/opt/ml/model:/opt/ml/model:ro`, IMAGE, 'serve'], { encoding: 'utf8' }).trim();
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) })).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the server did not answer /ping');
  }, 180_000);
  afterAll(() => {
    if (container) spawnSync('docker', ['rm', '-f', container]);
    dir.remove();
  });

  const features = split.test.slice(0, 2000).map((r) => r.slice(1));

  it('GIVEN GET /ping THEN 200', async () => {
    expect((await fetch(`${url}/ping`)).status).toBe(200);
  });

  it('GIVEN 2,000 CSV rows WHEN invoked THEN one probability per line', async () => {
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv(features) });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map(Number);
    expect(lines).toHaveLength(2000);
    expect(lines.every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('GIVEN JSON instances WHEN invoked with Accept JSON THEN predictions come back as scores equal to the CSV ones', async () => {
    const csvRes = await (await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv(features.slice(0, 3)) })).text();
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ instances: features.slice(0, 3) }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { predictions: { score: number }[] };
    expect(body.predictions.map((p) => p.score)).toEqual(csvRes.trim().split('\n').map(Number));
  });

  it.each([
    ['text/csv', '1,2,x\n', 400, /malformed CSV: line 1, column 3: 'x' is not a number/],
    ['text/csv', '1,2,3\n4,5\n', 400, /line 2 has 2 values, expected 3/],
    ['application/json', '{"instances": [', 400, /body is not valid JSON/],
    ['application/json', '{"rows": []}', 400, /must be a list of rows/],
    ['text/plain', 'hello', 415, /content type 'text\/plain' is not supported/],
    ['text/csv', '', 400, /empty request body/],
  ])('GIVEN a malformed request (%s %j) WHEN invoked THEN %i with a reason, and the server keeps serving', async (type, body, status, reason) => {
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': type }, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(reason);
    expect((await fetch(`${url}/ping`)).status).toBe(200);
  });
});
