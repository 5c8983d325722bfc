/** CSV for the container contracts: quoted text with a header (raw data) and numeric rows without one (features). */
import type { Matrix } from './xgboost.ts';

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
 * Throws a CsvError naming the line for a non-numeric value or a row of the wrong width.
 */
export function parseNumericCsv(text: string, options: { readonly labelColumn: boolean }): { features: Matrix; labels: Float32Array } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) return { features: { rows: 0, cols: 0, data: new Float32Array() }, labels: new Float32Array() };
  const width = (lines[0] as string).split(',').length;
  const cols = options.labelColumn ? width - 1 : width;
  const data = new Float32Array(lines.length * cols);
  const labels = new Float32Array(options.labelColumn ? lines.length : 0);
  for (let r = 0; r < lines.length; r++) {
    const parts = (lines[r] as string).split(',');
    if (parts.length !== width) throw new CsvError(`line ${r + 1} has ${parts.length} values, expected ${width}`, r + 1);
    for (let c = 0; c < width; c++) {
      const raw = (parts[c] as string).trim();
      const v = raw === '' ? Number.NaN : Number(raw);
      if (raw !== '' && Number.isNaN(v)) throw new CsvError(`line ${r + 1}, column ${c + 1}: '${raw}' is not a number`, r + 1);
      if (options.labelColumn && c === 0) labels[r] = v;
      else data[r * cols + (options.labelColumn ? c - 1 : c)] = v;
    }
  }
  return { features: { rows: lines.length, cols, data }, labels };
}

/** Writes rows of numbers as CSV without header or index. */
export function formatNumericCsv(rows: readonly (readonly number[])[]): string {
  let out = '';
  for (const row of rows) out += `${row.join(',')}\n`;
  return out;
}
