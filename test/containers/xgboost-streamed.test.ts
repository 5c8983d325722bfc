/**
 * Native XGBoost fed a chunk at a time through its data iterator (QuantileDMatrix, `hist`): on the reference split, in
 * many small chunks, the model and its per-round metrics are those of the in-memory DMatrix path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvChunks } from '../../containers/runtime/csv.ts';
import { type ChunkSource, spilled } from '../../containers/runtime/dense-chunks.ts';
import { Booster, type EvalResult } from '../../containers/runtime/xgboost.ts';
import { probeNative } from '../../containers/runtime/xgboost-native.ts';
import { tempDir } from '../helpers/context.ts';
import { csv, split } from './adult-split.ts';

const native = probeNative();
const PARAMS = { objective: 'binary:logistic', max_depth: '5', eta: '0.3', eval_metric: 'logloss', tree_method: 'hist', nthread: '2' };
const ROUNDS = 10;

const matrix = (rows: number[][]) => {
  const cols = (rows[0]?.length ?? 1) - 1;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r.slice(1), i * cols));
  return { features: { rows: rows.length, cols, data }, labels: Float32Array.from(rows, (r) => r[0] as number) };
};

function trainRounds(booster: Booster): EvalResult[][] {
  const log: EvalResult[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    booster.updateOneRound(round);
    log.push(booster.evaluate(round));
  }
  return log;
}

describe.runIf(native.ok)('Booster.createStreamed (native, QuantileDMatrix through the data iterator)', () => {
  const dir = tempDir('sagepipe-streamed-');
  afterAll(() => dir.remove());
  const trainFile = join(dir.path, 'train.csv');
  const validationFile = join(dir.path, 'validation.csv');
  writeFileSync(trainFile, csv(split.train));
  writeFileSync(validationFile, csv(split.validation));
  const test = matrix(split.test).features;

  it('GIVEN the reference split in 64 KiB chunks WHEN trained with hist THEN test predictions and per-round metrics equal the in-memory path (1e-6)', async () => {
    const train = matrix(split.train);
    const validation = matrix(split.validation);
    const inMemory = await Booster.create(train.features, train.labels, PARAMS, [
      { name: 'train', ...train },
      { name: 'validation', ...validation },
    ]);
    const expectedLog = trainRounds(inMemory);
    const expected = inMemory.predict(test);
    inMemory.dispose();

    let chunksPulled = 0;
    const counted = (source: ChunkSource): ChunkSource => ({
      name: source.name,
      reset: () => source.reset(),
      next: () => {
        const c = source.next();
        if (c) chunksPulled++;
        return c;
      },
      close: () => source.close(),
    });
    const trainChunks = counted(spilled(new CsvChunks('train', [trainFile], 64 * 1024), dir.path));
    const validationChunks = counted(spilled(new CsvChunks('validation', [validationFile], 64 * 1024), dir.path));
    const streamed = await Booster.createStreamed(trainChunks, [validationChunks], PARAMS);
    trainChunks.close();
    validationChunks.close();
    // Several passes over many chunks: XGBoost really iterated (count, sketch, bins, columns; validation binned by train's cuts).
    expect(chunksPulled).toBeGreaterThan(4 * 50);
    const log = trainRounds(streamed);
    const predictions = streamed.predict(test);
    streamed.dispose();

    expect(log.map((r) => r.map((e) => `${e.data}-${e.metric}`))).toEqual(expectedLog.map((r) => r.map((e) => `${e.data}-${e.metric}`)));
    log.forEach((r, i) => r.forEach((e, j) => expect(Math.abs(e.value - (expectedLog[i]?.[j]?.value as number)), `round ${i} ${e.data}`).toBeLessThan(1e-6)));
    expect(predictions.length).toBe(split.test.length);
    predictions.forEach((p, i) => expect(Math.abs(p - (expected[i] as number)), `row ${i}`).toBeLessThan(1e-6));
  }, 120_000);

  it('GIVEN a chunk source that fails mid-pass WHEN building THEN the error is thrown to the caller (not through XGBoost)', async () => {
    const inner = spilled(new CsvChunks('train', [trainFile], 64 * 1024), dir.path);
    let pulled = 0;
    const failing: ChunkSource = {
      name: 'train',
      reset: () => inner.reset(),
      next: () => {
        if (++pulled === 3) throw new Error('disk on fire');
        return inner.next();
      },
      close: () => inner.close(),
    };
    await expect(Booster.createStreamed(failing, [], PARAMS)).rejects.toThrowError('disk on fire');
    inner.close();
  });

  it('GIVEN two copies of the native module in one process (two bundles) WHEN both probe THEN both bind (the iterator callback types are declared once per process)', async () => {
    type NativeModule = typeof import('../../containers/runtime/xgboost-native.ts');
    // A query makes the module loader evaluate a second, separate copy.
    const url = new URL('../../containers/runtime/xgboost-native.ts', import.meta.url).href;
    const copy = (n: number) => import(/* @vite-ignore */ `${url}?copy=${n}`) as Promise<NativeModule>;
    const a = await copy(1);
    const b = await copy(2);
    expect(a.probeNative().ok).toBe(true);
    const second = b.probeNative();
    expect(second.ok, JSON.stringify(second)).toBe(true);
  });

  it('GIVEN tree_method exact WHEN asked whether it can stream THEN no (1.7 bins only for hist); hist yes', async () => {
    expect(await Booster.canStream({ ...PARAMS, tree_method: 'exact' })).toBe(false);
    expect(await Booster.canStream({ ...PARAMS, tree_method: 'approx' })).toBe(false);
    expect(await Booster.canStream(PARAMS)).toBe(true);
  });
});
