/**
 * CSV on columns: a table read straight from the file's bytes into one typed array of codes per column (each
 * distinct text once, in a dictionary), and output written in chunks. No row objects, no per-row strings kept: memory
 * is the file's bytes plus four bytes per cell, whatever the row count.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

/** A column as dictionary codes: row i holds `values[codes[i]]`. */
export interface DictColumn {
  readonly codes: Int32Array;
  /** The distinct texts, in order of first appearance. */
  readonly values: readonly string[];
}

export interface CsvTable {
  /** Column names, from the first line. */
  readonly header: readonly string[];
  readonly rows: number;
  /** A column by name; throws naming the columns when there is none. */
  column(name: string): DictColumn;
}

/** Reads a CSV file with a header line (double-quoted fields allowed, `""` escapes a quote) into columns. */
export function readCsvColumns(file: string): CsvTable {
  return parseCsvColumns(readFileSync(file));
}

export function parseCsvColumns(bytes: Uint8Array): CsvTable {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buffer.length;
  let i = 0;
  let header: string[] | undefined;
  let builders: ColumnBuilder[] = [];
  let rows = 0;
  while (i < n) {
    // One line. Each field is looked up in its column's dictionary by its bytes: a string is made only for a text
    // not seen before in that column.
    const lineStart = i;
    let c = 0;
    let blank = true;
    const headerFields: string[] = header ? NO_FIELDS : [];
    for (;;) {
      let start: number;
      let end: number;
      let escaped: Buffer | undefined;
      if (buffer[i] === 34) {
        start = i + 1;
        let q = buffer.indexOf(34, start);
        if (q < 0) q = n;
        if (buffer[q + 1] === 34) {
          // Doubled quotes inside: unescape into a copy.
          const parts: Buffer[] = [];
          let j = start;
          for (;;) {
            const k = buffer.indexOf(34, j);
            if (k < 0) {
              parts.push(buffer.subarray(j, n));
              j = n;
              break;
            }
            parts.push(buffer.subarray(j, k));
            if (buffer[k + 1] === 34) {
              parts.push(QUOTE);
              j = k + 2;
            } else {
              j = k + 1;
              break;
            }
          }
          escaped = Buffer.concat(parts);
          end = escaped.length;
          i = j;
        } else {
          end = q;
          i = Math.min(n, q + 1);
        }
      } else {
        start = i;
        while (i < n) {
          const b = buffer[i];
          if (b === 44 || b === 10 || b === 13) break;
          i++;
        }
        end = i;
      }
      const source = escaped ?? buffer;
      const from = escaped ? 0 : start;
      if (end > from || buffer[i] === 44) blank = false;
      if (!header) headerFields.push(source.toString('utf8', from, end));
      else if (c < builders.length) (builders[c] as ColumnBuilder).add(rows, source, from, end);
      c++;
      if (buffer[i] === 44) {
        i++;
        if (i < n) continue;
        // A trailing comma at the very end: one more, empty, field.
        if (!header) headerFields.push('');
        else if (c < builders.length) (builders[c] as ColumnBuilder).add(rows, EMPTY, 0, 0);
        c++;
        break;
      }
      if (buffer[i] === 13) i++;
      if (buffer[i] === 10) i++;
      break;
    }
    if (blank && c <= 1) continue; // a blank line
    if (!header) {
      header = headerFields;
      const estimate = Math.ceil((n / Math.max(1, i - lineStart)) * 1.1) + 16;
      builders = header.map(() => new ColumnBuilder(estimate));
      continue;
    }
    // A short line: the missing fields are empty.
    for (; c < builders.length; c++) (builders[c] as ColumnBuilder).add(rows, EMPTY, 0, 0);
    rows++;
  }
  const names = header ?? [];
  const columns = new Map(names.map((name, k) => [name, (builders[k] as ColumnBuilder).finish(rows)] as const));
  return {
    header: names,
    rows,
    column(name) {
      const col = columns.get(name);
      if (!col) throw new Error(`input CSV has no column '${name}' (columns: ${names.join(', ')})`);
      return col;
    },
  };
}

const QUOTE = Buffer.from('"');
const NO_FIELDS: string[] = [];
const EMPTY = Buffer.alloc(0);

/** A column's dictionary, keyed by the bytes of each text (FNV-1a hash, chains of codes with the same hash). */
class ColumnBuilder {
  private codes: Int32Array;
  private readonly byHash = new Map<number, number>();
  private readonly next: number[] = [];
  private readonly bytes: Buffer[] = [];
  private readonly values: string[] = [];

  constructor(capacity: number) {
    this.codes = new Int32Array(capacity);
  }

  add(row: number, source: Buffer, start: number, end: number): void {
    let h = 0x811c9dc5;
    for (let k = start; k < end; k++) h = Math.imul(h ^ (source[k] as number), 16777619);
    let code = this.byHash.get(h) ?? -1;
    while (code >= 0 && !same(this.bytes[code] as Buffer, source, start, end)) code = this.next[code] as number;
    if (code < 0) {
      code = this.values.length;
      this.bytes.push(Buffer.from(source.subarray(start, end)));
      this.values.push(source.toString('utf8', start, end));
      this.next.push(this.byHash.get(h) ?? -1);
      this.byHash.set(h, code);
    }
    if (row >= this.codes.length) {
      const bigger = new Int32Array(Math.ceil(this.codes.length * 1.5) + 16);
      bigger.set(this.codes);
      this.codes = bigger;
    }
    this.codes[row] = code;
  }

  finish(rows: number): DictColumn {
    return { codes: this.codes.subarray(0, rows), values: this.values };
  }
}

function same(known: Buffer, source: Buffer, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let k = 0; k < known.length; k++) if (known[k] !== source[start + k]) return false;
  return true;
}

/** Writes text to a file in chunks of about a megabyte: output never held whole in memory. */
export class ChunkedWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private size = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
