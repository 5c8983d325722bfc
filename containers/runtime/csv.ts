/** CSV for the container contracts: quoted text with a header (raw data) and numeric rows without one (features). */
import { statSync } from 'node:fs';
import type { DenseChunk, OnePassChunks } from './dense-chunks.ts';
import { BLOCK_BYTES, LineBlocks, forEachLineBlock } from './line-blocks.ts';
import type { Matrix } from './xgboost-types.ts';

/** Parses CSV text with double-quoted fields (`""` escapes a quote). Returns rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34) {
      // A quoted field: find its closing quote, un-doubling "" inside.
      let j = i + 1;
      let value = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          value += text.slice(j);
          j = n;
          break;
        }
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      field = value;
      i = j;
    } else {
      // An unquoted field ends at the next comma or line end.
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      if (i === n) row.push('');
    } else {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      i++;
      rows.push(row);
      row = [];
    }
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * Parses numeric CSV without header: the layout of SageMaker's `text/csv` (label in column 0 when `labelColumn`).
 * Throws a CsvError naming the line for a non-numeric value or a row of the wrong width. Empty fields are missing
 * values (NaN, as XGBoost treats them); blank lines are skipped.
 */
export function parseNumericCsv(text: string | Uint8Array, options: { readonly labelColumn: boolean }): { features: Matrix; labels: Float32Array } {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const parser = new NumericCsvParser(options.labelColumn, bytes.length);
  parser.feed(bytes, bytes.length);
  return parser.finish();
}

/**
 * Reads numeric CSV files one after another, a block at a time, straight into one Float32Array of features and one of
 * labels: no text, line or row copies of the data, whatever the size.
 */
export function readNumericCsvFiles(files: readonly string[], options: { readonly labelColumn: boolean }): { features: Matrix; labels: Float32Array } {
  const total = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const parser = new NumericCsvParser(options.labelColumn, total);
  forEachLineBlock(files, (bytes, end) => parser.feed(bytes, end));
  return parser.finish();
}

/**
 * Numeric CSV files (label in column 0) as dense chunks, one block of text each: the full matrix is never held. One
 * pass; `spilled()` makes it re-readable for XGBoost's iterator.
 */
export class CsvChunks implements OnePassChunks {
  private blocks: LineBlocks;
  private readonly parser: NumericCsvParser;

  constructor(
    readonly name: string,
    private readonly files: readonly string[],
    private readonly blockBytes = BLOCK_BYTES,
  ) {
    this.blocks = new LineBlocks(files, blockBytes);
    this.parser = new NumericCsvParser(true, blockBytes);
  }

  next(): DenseChunk | undefined {
    for (;;) {
      const block = this.blocks.next();
      if (!block) return undefined;
      this.parser.beginChunk();
      this.parser.feed(block.bytes, block.end);
      const chunk = this.parser.finish();
      // A block of blank lines yields no rows: read on.
      if (chunk.features.rows > 0) return { rows: chunk.features.rows, cols: chunk.features.cols, data: chunk.features.data, labels: chunk.labels };
    }
  }

  restart(): void {
    this.blocks.close();
    this.blocks = new LineBlocks(this.files, this.blockBytes);
    this.parser.restart();
  }

  close(): void {
    this.blocks.close();
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

class NumericCsvParser {
  private width = -1;
  private cols = 0;
  private rows = 0;
  private data = new Float32Array(0);
  private labels = new Float32Array(0);
  /** Rows parsed into earlier chunks (for line numbers in errors). */
  private rowsBefore = 0;

  constructor(
    private readonly labelColumn: boolean,
    /** Total input size, to size the arrays once from the first line's length. */
    private readonly totalBytes: number,
  ) {}

  /** Starts a new chunk in the same arrays: rows parsed so far count only for line numbers. */
  beginChunk(): void {
    this.rowsBefore += this.rows;
    this.rows = 0;
  }

  /** Forgets everything but the arrays, to parse the input again from its first line. */
  restart(): void {
    this.rowsBefore = 0;
    this.rows = 0;
    this.width = -1;
  }

  /** Parses the complete lines in bytes[0, end) (a last line without newline counts as complete). */
  feed(bytes: Uint8Array, end: number): void {
    let i = 0;
    while (i < end) {
      let lineEnd = bytes.indexOf(10, i);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      let stop = lineEnd;
      if (stop > i && bytes[stop - 1] === 13) stop--;
      if (!isBlank(bytes, i, stop)) this.line(bytes, i, stop);
      i = lineEnd + 1;
    }
  }

  private line(bytes: Uint8Array, start: number, end: number): void {
    if (this.width < 0) {
      let commas = 0;
      for (let k = start; k < end; k++) if (bytes[k] === 44) commas++;
      this.width = commas + 1;
      this.cols = this.labelColumn ? this.width - 1 : this.width;
      const estimate = Math.ceil(this.totalBytes / Math.max(1, end - start + 1) * 1.1) + 16;
      this.data = new Float32Array(estimate * this.cols);
      this.labels = new Float32Array(this.labelColumn ? estimate : 0);
    }
    const r = this.rows;
    if ((r + 1) * this.cols > this.data.length || (this.labelColumn && r >= this.labels.length)) this.grow();
    const { width, cols, data, labelColumn } = this;
    const base = r * cols - (labelColumn ? 1 : 0);
    let c = 0;
    let i = start;
    for (;;) {
      let j = i;
      while (j < end && bytes[j] !== 44) j++;
      if (c < width) {
        const v = parseNumber(bytes, i, j);
        if (v === undefined) throw new CsvError(`line ${this.rowsBefore + r + 1}, column ${c + 1}: '${latin1(bytes, i, j).trim()}' is not a number`, this.rowsBefore + r + 1);
        if (labelColumn && c === 0) this.labels[r] = v;
        else data[base + c] = v;
      }
      c++;
      if (j >= end) break;
      i = j + 1;
    }
    if (c !== width) throw new CsvError(`line ${this.rowsBefore + r + 1} has ${c} values, expected ${width}`, this.rowsBefore + r + 1);
    this.rows = r + 1;
  }

  private grow(): void {
    const capacity = Math.ceil(Math.max(16, this.rows) * 1.5);
    const data = new Float32Array(capacity * this.cols);
    data.set(this.data.subarray(0, this.rows * this.cols));
    this.data = data;
    if (this.labelColumn) {
      const labels = new Float32Array(capacity);
      labels.set(this.labels.subarray(0, this.rows));
      this.labels = labels;
    }
  }

  finish(): { features: Matrix; labels: Float32Array } {
    if (this.width < 0) return { features: { rows: 0, cols: 0, data: new Float32Array() }, labels: new Float32Array() };
    return { features: { rows: this.rows, cols: this.cols, data: this.data.subarray(0, this.rows * this.cols) }, labels: this.labels.subarray(0, this.labelColumn ? this.rows : 0) };
  }
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const b = bytes[k] as number;
    if (b !== 32 && b !== 9 && b !== 13) return false;
  }
  return true;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/**
 * A decimal number from bytes[start, end): NaN when empty, undefined when not a number. Plain decimals of up to 15
 * digits are computed exactly as one correctly rounded operation (what parsing as a double gives); anything else goes
 * through Number().
 */
function parseNumber(bytes: Uint8Array, start: number, end: number): number | undefined {
  while (start < end && (bytes[start] === 32 || bytes[start] === 9)) start++;
  while (end > start && (bytes[end - 1] === 32 || bytes[end - 1] === 9)) end--;
  if (start === end) return Number.NaN;
  let i = start;
  let negative = false;
  if (bytes[i] === 45 || bytes[i] === 43) {
    negative = bytes[i] === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  while (i < end) {
    const d = (bytes[i] as number) - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    if (mantissa !== 0) digits++;
    any = true;
    i++;
  }
  if (i < end && bytes[i] === 46) {
    i++;
    while (i < end) {
      const d = (bytes[i] as number) - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      if (mantissa !== 0) digits++;
      scale--;
      any = true;
      i++;
    }
  }
  if (any && i < end && (bytes[i] === 101 || bytes[i] === 69)) {
    i++;
    let expNegative = false;
    if (bytes[i] === 45 || bytes[i] === 43) {
      expNegative = bytes[i] === 45;
      i++;
    }
    let exp = 0;
    let expDigits = 0;
    while (i < end && expDigits < 6) {
      const d = (bytes[i] as number) - 48;
      if (d < 0 || d > 9) break;
      exp = exp * 10 + d;
      expDigits++;
      i++;
    }
    if (expDigits === 0) return slow(bytes, start, end);
    scale += expNegative ? -exp : exp;
  }
  if (!any || i !== end || digits > 15 || scale < -22 || scale > 22) return slow(bytes, start, end);
  const v = scale >= 0 ? mantissa * (POW10[scale] as number) : mantissa / (POW10[-scale] as number);
  return negative ? -v : v;
}

function slow(bytes: Uint8Array, start: number, end: number): number | undefined {
  const v = Number(latin1(bytes, start, end));
  return Number.isNaN(v) ? undefined : v;
}

/** Writes rows of numbers as CSV without header or index. */
export function formatNumericCsv(rows: readonly (readonly number[])[]): string {
  let out = '';
  for (const row of rows) out += `${row.join(',')}\n`;
  return out;
}
