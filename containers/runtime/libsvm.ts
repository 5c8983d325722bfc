/**
 * LibSVM text (`label index:value …`, SageMaker's `text/libsvm`) straight into one dense Float32Array: entries a line
 * leaves out are missing values (NaN), as XGBoost treats them. Indices are column numbers as XGBoost reads them (a
 * file numbered from 1 has an empty column 0, as with XGBoost's own parser). Two passes over the files: the first finds
 * the row count and the widest index, so the matrix is allocated once, at its size.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { CsvError } from './csv.ts';
import type { Matrix } from './xgboost-types.ts';

const CHUNK = 8 * 1024 * 1024;

/** Calls `line(bytes, start, end, lineNumber)` for each non-blank line of the files, reading a chunk at a time. */
function eachLine(files: readonly string[], line: (bytes: Buffer, start: number, end: number, n: number) => void): void {
  let buffer = Buffer.allocUnsafe(CHUNK);
  let n = 0;
  const emit = (end: number) => {
    let i = 0;
    while (i < end) {
      let e = buffer.indexOf(10, i);
      if (e < 0 || e > end) e = end;
      let stop = e;
      if (stop > i && buffer[stop - 1] === 13) stop--;
      let blank = true;
      for (let k = i; k < stop; k++) if (buffer[k] !== 32 && buffer[k] !== 9) blank = false;
      if (!blank) line(buffer, i, stop, ++n);
      i = e + 1;
    }
  };
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      let kept = 0;
      for (;;) {
        if (kept === buffer.length) {
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger, 0, 0, kept);
          buffer = bigger;
        }
        const read = readSync(fd, buffer, kept, buffer.length - kept, null);
        const end = kept + read;
        if (read === 0) {
          emit(end);
          break;
        }
        const cut = buffer.lastIndexOf(10, end - 1) + 1;
        if (cut === 0) {
          kept = end;
          continue;
        }
        emit(cut);
        buffer.copy(buffer, 0, cut, end);
        kept = end - cut;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** The tokens of a line, split on spaces and tabs. */
function tokens(bytes: Buffer, start: number, end: number): string[] {
  return bytes.toString('latin1', start, end).trim().split(/[ \t]+/);
}

/** `minWidth`: at least this many columns (a validation channel read to the training channel's width). */
export function readLibsvmFiles(files: readonly string[], minWidth = 0): { features: Matrix; labels: Float32Array } {
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
  const data = new Float32Array(rows * width).fill(Number.NaN);
  const labels = new Float32Array(rows);
  let r = 0;
  eachLine(files, (bytes, start, end, n) => {
    const [label, ...entries] = tokens(bytes, start, end);
    const y = Number((label as string).split(':')[0]);
    if (Number.isNaN(y)) throw new CsvError(`line ${n}: label '${label}' is not a number`, n);
    labels[r] = y;
    for (const t of entries) {
      if (t.startsWith('qid:')) continue;
      const colon = t.indexOf(':');
      const v = Number(t.slice(colon + 1));
      if (Number.isNaN(v)) throw new CsvError(`line ${n}: '${t}' has no numeric value`, n);
      data[r * width + Number(t.slice(0, colon))] = v;
    }
    r++;
  });
  return { features: { rows, cols: width, data }, labels };
}
