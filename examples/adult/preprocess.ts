/**
 * adultProcess: the reference notebook's preprocessing of the Adult Census data.
 * - income `<=50K` → 0, `>50K` → 1; `fnlwgt` and `education.num` dropped;
 * - rows with `?` in workclass, occupation or native.country dropped;
 * - continuous features as they are, categorical ones one-hot encoded (categories sorted, as pandas.get_dummies);
 * - rows [label, continuous…, one-hot…] shuffled (seeded: `--seed N`, default 42) and split 60/10/30 into
 *   train/validation/test, written without header (label in column 0: the built-in XGBoost `text/csv` layout).
 * Works on columns (one typed array of dictionary codes per column) and encodes each row only as it is written, so
 * memory stays near the input file's size whatever the row count.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkedWriter, type CsvTable, type DictColumn, argument, parseCsvColumns, processingJob, readCsvColumns } from 'sagepipe/container';

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

/**
 * The split as row positions into the input table, and how to encode a row: the work of preprocessing without
 * materialising the one-hot matrix (rows are encoded as they are written).
 */
export interface EncodedSplit {
  readonly header: string[];
  /** Kept input rows, shuffled: train is [0, trainEnd), validation [trainEnd, validationEnd), test the rest. */
  readonly order: Uint32Array;
  readonly trainEnd: number;
  readonly validationEnd: number;
  /** Row `r` of the input as CSV text without newline: label, continuous features, one-hot block. */
  csvLine(r: number): string;
  /** Row `r` of the input as numbers. */
  values(r: number): number[];
}

export function encodeSplit(table: CsvTable, seed: number): EncodedSplit {
  const income = table.column('income');
  const checked = MISSING_CHECKED.map((c) => table.column(c));
  const continuous = CONTINUOUS.map((c) => table.column(c));
  const categorical = CATEGORICAL.map((c) => table.column(c));
  // Rows kept: none of the checked columns is '?'.
  const missingCodes = checked.map((col) => col.values.indexOf('?'));
  const keep = new Uint32Array(table.rows);
  let kept = 0;
  for (let r = 0; r < table.rows; r++) {
    let ok = true;
    for (let k = 0; k < checked.length; k++) if ((checked[k] as DictColumn).codes[r] === missingCodes[k]) ok = false;
    if (ok) keep[kept++] = r;
  }
  const order = keep.slice(0, kept);
  // Categories of each categorical column among kept rows, sorted (as pandas.get_dummies), and their one-hot slots.
  const width = { total: 0 };
  const slots = categorical.map((col) => {
    const used = new Uint8Array(col.values.length);
    for (let i = 0; i < kept; i++) used[col.codes[order[i] as number] as number] = 1;
    const names = col.values.filter((_, code) => used[code] === 1).sort();
    const start = width.total;
    width.total += names.length;
    const slotOf = new Int32Array(col.values.length).fill(-1);
    names.forEach((name, i) => {
      slotOf[col.values.indexOf(name)] = i;
    });
    return { names, start, slotOf };
  });
  // Per column and category, its one-hot block as text (",0,0,1,0"): a row's line is a few concatenations.
  const blocks = slots.map(({ names, slotOf }) =>
    Array.from(slotOf, (slot) => (slot < 0 ? '' : names.map((_, i) => (i === slot ? ',1' : ',0')).join(''))),
  );
  const label = Array.from(income.values, (v) => (v.trim() === '>50K' ? 1 : 0));
  const numbers = continuous.map((col) => col.values.map((v) => Number(v)));
  const texts = numbers.map((vs) => vs.map((v) => `,${v}`));
  const random = seededRandom(seed);
  for (let i = kept - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return {
    header: ['income', ...CONTINUOUS, ...CATEGORICAL.flatMap((c, k) => (slots[k] as { names: string[] }).names.map((v) => `${c}_${v}`))],
    order,
    trainEnd: Math.floor(0.6 * kept),
    validationEnd: Math.floor(0.7 * kept),
    csvLine(r) {
      let line = String(label[income.codes[r] as number]);
      for (let k = 0; k < continuous.length; k++) line += (texts[k] as string[])[(continuous[k] as DictColumn).codes[r] as number];
      for (let k = 0; k < categorical.length; k++) line += (blocks[k] as string[])[(categorical[k] as DictColumn).codes[r] as number];
      return line;
    },
    values(r) {
      const row = new Array<number>(1 + continuous.length + width.total).fill(0);
      row[0] = label[income.codes[r] as number] as number;
      continuous.forEach((col, k) => {
        row[1 + k] = (numbers[k] as number[])[col.codes[r] as number] as number;
      });
      categorical.forEach((col, k) => {
        const { start, slotOf } = slots[k] as { start: number; slotOf: Int32Array };
        row[1 + continuous.length + start + (slotOf[col.codes[r] as number] as number)] = 1;
      });
      return row;
    },
  };
}

/** The split as rows of numbers (for tests and small data; the job itself writes from `encodeSplit`). */
export function preprocess(csvText: string, seed: number): Split {
  const split = encodeSplit(parseCsvColumns(Buffer.from(csvText, 'utf8')), seed);
  const rows = (from: number, to: number) => Array.from(split.order.subarray(from, to), (r) => split.values(r));
  return {
    header: split.header,
    train: rows(0, split.trainEnd),
    validation: rows(split.trainEnd, split.validationEnd),
    test: rows(split.validationEnd, split.order.length),
  };
}

function main(): void {
  const job = processingJob();
  const seed = Number(argument(job.args, 'seed') ?? 42);
  const inputDir = job.path('/opt/ml/processing/input');
  const file = existsSync(join(inputDir, 'adult.csv'))
    ? join(inputDir, 'adult.csv')
    : join(inputDir, readdirSync(inputDir).find((f) => f.endsWith('.csv')) ?? 'adult.csv');
  const split = encodeSplit(readCsvColumns(file), seed);
  const parts = [['train', 0, split.trainEnd], ['validation', split.trainEnd, split.validationEnd], ['test', split.validationEnd, split.order.length]] as const;
  for (const [name, from, to] of parts) {
    const dir = job.path(`/opt/ml/processing/${name}`);
    mkdirSync(dir, { recursive: true });
    const out = new ChunkedWriter(join(dir, `${name}.csv`));
    for (let i = from; i < to; i++) out.write(`${split.csvLine(split.order[i] as number)}\n`);
    out.close();
  }
  console.log(`rows: train ${split.trainEnd}, validation ${split.validationEnd - split.trainEnd}, test ${split.order.length - split.validationEnd}; features ${split.header.length - 1}`);
}

if (process.env.SAGEPIPE_NO_MAIN === undefined) main();
