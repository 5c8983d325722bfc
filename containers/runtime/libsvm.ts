/**
 * LibSVM text (`label index:value …`, SageMaker's `text/libsvm`) straight into one dense Float32Array: entries a line
 * leaves out are missing values (NaN), as XGBoost treats them. Indices are column numbers as XGBoost reads them (a
 * file numbered from 1 has an empty column 0, as with XGBoost's own parser). Two passes over the files: the first finds
 * the row count and the widest index, so the matrix is allocated once, at its size.
 */
import { CsvError } from './csv.ts';
import type { DenseChunk, OnePassChunks } from './dense-chunks.ts';
import { BLOCK_BYTES, LineBlocks, forEachLineBlock } from './line-blocks.ts';
import type { Matrix } from './xgboost-types.ts';

type Line = (bytes: Buffer, start: number, end: number, n: number) => void;

/** Calls `line(bytes, start, end, lineNumber)` for each non-blank line in bytes[0, end); returns the last number. */
function eachLineOf(bytes: Buffer, end: number, before: number, line: Line): number {
  let n = before;
  let i = 0;
  while (i < end) {
    let e = bytes.indexOf(10, i);
    if (e < 0 || e > end) e = end;
    let stop = e;
    if (stop > i && bytes[stop - 1] === 13) stop--;
    let blank = true;
    for (let k = i; k < stop; k++) if (bytes[k] !== 32 && bytes[k] !== 9) blank = false;
    if (!blank) line(bytes, i, stop, ++n);
    i = e + 1;
  }
  return n;
}

/** Calls `line(bytes, start, end, lineNumber)` for each non-blank line of the files. */
function eachLine(files: readonly string[], line: Line): void {
  let n = 0;
  forEachLineBlock(files, (bytes, end) => {
    n = eachLineOf(bytes, end, n, line);
  });
}

/** The tokens of a line, split on spaces and tabs. */
function tokens(bytes: Buffer, start: number, end: number): string[] {
  return bytes.toString('latin1', start, end).trim().split(/[ \t]+/);
}

/** Rows and columns of libsvm files: the row count and one past the widest index (at least `minWidth`). */
export function libsvmShape(files: readonly string[], minWidth = 0): { rows: number; width: number } {
  let rows = 0;
  let width = minWidth;
  eachLine(files, (bytes, start, end, n) => {
    rows++;
    for (const t of tokens(bytes, start, end).slice(1)) {
      const colon = t.indexOf(':');
      if (t.startsWith('qid:')) continue;
      const index = Number(t.slice(0, colon));
      if (colon <= 0 || !Number.isInteger(index) || index < 0) throw new CsvError(`line ${n}: '${t}' is not index:value`, n);
      if (index + 1 > width) width = index + 1;
    }
  });
  return { rows, width };
}

/** One line into `data` at row `r` (already NaN where the line leaves entries out) and its label into `labels[r]`. */
function parseLine(bytes: Buffer, start: number, end: number, n: number, width: number, r: number, data: Float32Array, labels: Float32Array): void {
  const [label, ...entries] = tokens(bytes, start, end);
  const y = Number((label as string).split(':')[0]);
  if (Number.isNaN(y)) throw new CsvError(`line ${n}: label '${label}' is not a number`, n);
  labels[r] = y;
  for (const t of entries) {
    if (t.startsWith('qid:')) continue;
    const colon = t.indexOf(':');
    const v = Number(t.slice(colon + 1));
    if (Number.isNaN(v)) throw new CsvError(`line ${n}: '${t}' has no numeric value`, n);
    const index = Number(t.slice(0, colon));
    if (colon <= 0 || !Number.isInteger(index) || index < 0 || index >= width) throw new CsvError(`line ${n}: '${t}' is not index:value below ${width}`, n);
    data[r * width + index] = v;
  }
}

/** `minWidth`: at least this many columns (a validation channel read to the training channel's width). */
export function readLibsvmFiles(files: readonly string[], minWidth = 0): { features: Matrix; labels: Float32Array } {
  const { rows, width } = libsvmShape(files, minWidth);
  const data = new Float32Array(rows * width).fill(Number.NaN);
  const labels = new Float32Array(rows);
  let r = 0;
  eachLine(files, (bytes, start, end, n) => {
    parseLine(bytes, start, end, n, width, r, data, labels);
    r++;
  });
  return { features: { rows, cols: width, data }, labels };
}

/**
 * Libsvm files as dense chunks of `width` columns (from `libsvmShape`), one block of text each: the full matrix is
 * never held. One pass; `spilled()` makes it re-readable for XGBoost's iterator.
 */
export class LibsvmChunks implements OnePassChunks {
  private blocks: LineBlocks;
  private lines = 0;
  private data = new Float32Array(0);
  private labels = new Float32Array(0);

  constructor(
    readonly name: string,
    private readonly files: readonly string[],
    private readonly width: number,
    private readonly blockBytes = BLOCK_BYTES,
  ) {
    this.blocks = new LineBlocks(files, blockBytes);
  }

  next(): DenseChunk | undefined {
    for (;;) {
      const block = this.blocks.next();
      if (!block) return undefined;
      // At most one row per newline, plus a last line without one.
      let most = 1;
      for (let i = block.bytes.indexOf(10); i >= 0 && i < block.end; i = block.bytes.indexOf(10, i + 1)) most++;
      if (this.labels.length < most) {
        this.labels = new Float32Array(most);
        this.data = new Float32Array(most * this.width);
      }
      this.data.fill(Number.NaN);
      let r = 0;
      this.lines = eachLineOf(block.bytes, block.end, this.lines, (bytes, start, end, n) => {
        parseLine(bytes, start, end, n, this.width, r, this.data, this.labels);
        r++;
      });
      if (r > 0) return { rows: r, cols: this.width, data: this.data.subarray(0, r * this.width), labels: this.labels.subarray(0, r) };
    }
  }

  restart(): void {
    this.blocks.close();
    this.blocks = new LineBlocks(this.files, this.blockBytes);
    this.lines = 0;
  }

  close(): void {
    this.blocks.close();
  }
}
