/**
 * The WebAssembly fallback's per-round evaluation: incremental (one tree per round added to each row's margin), so
 * twice the rounds walk twice the trees, and its metrics are those of a full re-prediction.
 */
import { describe, expect, it } from 'vitest';
import { type EvaluationCounter, parseModel, wasmBackend } from '../../containers/runtime/xgboost-wasm.ts';
import { logLoss, rmse } from '../../containers/runtime/metrics.ts';
import type { LabelledSet } from '../../containers/runtime/xgboost-types.ts';
import { split } from './adult-split.ts';

const labelled = (name: string, rows: number[][]): LabelledSet => {
  const cols = (rows[0]?.length ?? 1) - 1;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r.slice(1), i * cols));
  return { name, features: { rows: rows.length, cols, data }, labels: Float32Array.from(rows, (r) => r[0] as number) };
};

const train = labelled('train', split.train.slice(0, 3000));
const validation = labelled('validation', split.validation.slice(0, 2000));
const PARAMS: [string, string][] = [
  ['objective', 'binary:logistic'],
  ['max_depth', '4'],
  ['eta', '0.3'],
  ['eval_metric', 'logloss'],
];

async function run(rounds: number, params = PARAMS) {
  const counter: EvaluationCounter = { treeRows: 0, fullPredictionRows: 0 };
  const backend = await wasmBackend(counter);
  const booster = backend.create(train, [train, validation], params);
  const log = [];
  for (let round = 0; round < rounds; round++) {
    booster.updateOneRound(round);
    log.push(booster.evaluate(round));
  }
  const evaluated = { ...counter };
  return { booster, log, evaluated, counter };
}

describe('WebAssembly fallback evaluation', () => {
  it('GIVEN 10 and then 20 rounds WHEN evaluated every round THEN twice the rounds walk exactly twice the tree-rows (linear, not quadratic) and predict nothing in full', async () => {
    const ten = await run(10);
    const twenty = await run(20);
    const rowsPerRound = train.features.rows + validation.features.rows;
    expect(ten.evaluated.treeRows).toBe(10 * rowsPerRound);
    expect(twenty.evaluated.treeRows).toBe(2 * ten.evaluated.treeRows);
    expect(twenty.evaluated.fullPredictionRows).toBe(0);
    ten.booster.dispose();
    twenty.booster.dispose();
  }, 60_000);

  it('GIVEN each round WHEN evaluated incrementally THEN train and validation logloss equal a full re-prediction through every tree (1e-6)', async () => {
    const counter: EvaluationCounter = { treeRows: 0, fullPredictionRows: 0 };
    const booster = (await wasmBackend(counter)).create(train, [train, validation], PARAMS);
    for (let round = 0; round < 12; round++) {
      booster.updateOneRound(round);
      const [t, v] = booster.evaluate(round);
      expect(t?.data).toBe('train');
      expect(v?.data).toBe('validation');
      expect(Math.abs((t?.value as number) - logLoss(train.labels, booster.predict(train.features)))).toBeLessThan(1e-6);
      expect(Math.abs((v?.value as number) - logLoss(validation.labels, booster.predict(validation.features)))).toBeLessThan(1e-6);
    }
    booster.dispose();
  }, 60_000);

  // (This 2018 build aborts on NaN in any matrix it is given, so missing values cannot be compared against it.)
  it('GIVEN a regression objective WHEN evaluated incrementally THEN rmse equals a full re-prediction (1e-6)', async () => {
    const booster = (await wasmBackend()).create(train, [validation], [
      ['objective', 'reg:squarederror'],
      ['max_depth', '3'],
      ['eval_metric', 'rmse'],
    ]);
    for (let round = 0; round < 6; round++) {
      booster.updateOneRound(round);
      const [r] = booster.evaluate(round);
      expect(Math.abs((r?.value as number) - rmse(validation.labels, booster.predict(validation.features)))).toBeLessThan(1e-6);
    }
    const model = parseModel(booster.save());
    expect(model?.trees).toHaveLength(6);
    expect(model?.objective).toBe('reg:linear');
    booster.dispose();
  }, 60_000);
});
