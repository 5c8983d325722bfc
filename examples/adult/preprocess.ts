/**
 * adultProcess: the reference notebook's preprocessing of the Adult Census data.
 * - income `<=50K` → 0, `>50K` → 1; `fnlwgt` and `education.num` dropped;
 * - rows with `?` in workclass, occupation or native.country dropped;
 * - continuous features as they are, categorical ones one-hot encoded (categories sorted, as pandas.get_dummies);
 * - rows [label, continuous…, one-hot…] shuffled (seeded: `--seed N`, default 42) and split 60/10/30 into
 *   train/validation/test, written without header (label in column 0: the built-in XGBoost `text/csv` layout).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argument, parseCsv, processingJob } from 'sagepipe/container';

export const CONTINUOUS = ['age', 'capital.gain', 'capital.loss', 'hours.per.week'] as const;
export const CATEGORICAL = [
  'workclass',
  'education',
  'marital.status',
  'occupation',
  'relationship',
  'race',
  'sex',
  'native.country',
] as const;
const MISSING_CHECKED = ['workclass', 'occupation', 'native.country'] as const;

export interface Split {
  readonly header: string[];
  readonly train: number[][];
  readonly validation: number[][];
  readonly test: number[][];
}

/** A small seeded PRNG (mulberry32), so a seed gives the same split everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function preprocess(csvText: string, seed: number): Split {
  const [header, ...records] = parseCsv(csvText).filter((r) => r.length > 1);
  if (!header) throw new Error('input CSV is empty');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`input CSV has no column '${name}' (columns: ${header.join(', ')})`);
    return i;
  };
  const income = col('income');
  const checked = MISSING_CHECKED.map(col);
  const kept = records.filter((r) => checked.every((c) => r[c] !== '?'));
  const continuous = CONTINUOUS.map(col);
  const categorical = CATEGORICAL.map(col);
  const categories = categorical.map((c) => [...new Set(kept.map((r) => r[c] as string))].sort());
  // Each category's position in the one-hot block, so a row is encoded with one lookup per column.
  const width = categories.reduce((sum, values) => sum + values.length, 0);
  const offsets = categories.map((values, k) => {
    const start = categories.slice(0, k).reduce((sum, v) => sum + v.length, 0);
    return new Map(values.map((v, i) => [v, start + i] as const));
  });
  const rows = kept.map((r) => {
    const row = new Array<number>(1 + continuous.length + width).fill(0);
    row[0] = (r[income] as string).trim() === '>50K' ? 1 : 0;
    continuous.forEach((c, k) => {
      row[1 + k] = Number(r[c]);
    });
    categorical.forEach((c, k) => {
      row[1 + continuous.length + (offsets[k]?.get(r[c] as string) as number)] = 1;
    });
    return row;
  });
  const random = seededRandom(seed);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j] as number[], rows[i] as number[]];
  }
  const a = Math.floor(0.6 * rows.length);
  const b = Math.floor(0.7 * rows.length);
  return {
    header: ['income', ...CONTINUOUS, ...CATEGORICAL.flatMap((c, k) => (categories[k] as string[]).map((v) => `${c}_${v}`))],
    train: rows.slice(0, a),
    validation: rows.slice(a, b),
    test: rows.slice(b),
  };
}

const toCsv = (rows: number[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';

function main(): void {
  const job = processingJob();
  const seed = Number(argument(job.args, 'seed') ?? 42);
  const inputDir = job.path('/opt/ml/processing/input');
  const file = existsSync(join(inputDir, 'adult.csv'))
    ? join(inputDir, 'adult.csv')
    : join(inputDir, readdirSync(inputDir).find((f) => f.endsWith('.csv')) ?? 'adult.csv');
  const split = preprocess(readFileSync(file, 'utf8'), seed);
  for (const [name, rows] of [['train', split.train], ['validation', split.validation], ['test', split.test]] as const) {
    const dir = job.path(`/opt/ml/processing/${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.csv`), toCsv(rows));
  }
  console.log(
    `rows: train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length}; features ${split.header.length - 1}`,
  );
}

if (process.env.SAGEPIPE_NO_MAIN === undefined) main();
