/**
 * A data set as dense row chunks, for XGBoost's data iterator: it passes over its input several times (count, sketch,
 * index, columns), so a source must be re-readable, but never needs all rows at once.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Rows `[0, rows)` of a chunk: row-major features (NaN = missing) and one label per row. Valid until the next call. */
export interface DenseChunk {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
  readonly labels: Float32Array;
}

/** Chunks read once, in order (text parsed as it is read). */
export interface OnePassChunks {
  readonly name: string;
  next(): DenseChunk | undefined;
  /** Back to the first chunk, reading the input again. */
  restart(): void;
  close(): void;
}

/** Chunks that can be read again from the first: what XGBoost's iterator is given. */
export interface ChunkSource {
  readonly name: string;
  reset(): void;
  next(): DenseChunk | undefined;
  close(): void;
}

/**
 * Makes a one-pass source re-readable: its first full pass parses the input and appends each chunk's floats to a
 * temporary file; later passes read them back a chunk at a time (from the page cache, not the process's memory) rather
 * than parsing the text again. The file is removed on close.
 */
export function spilled(source: OnePassChunks, dir: string = tmpdir()): ChunkSource {
  return new SpilledChunks(source, dir);
}

class SpilledChunks implements ChunkSource {
  private folder: string | undefined;
  private fd: number | undefined;
  /** Rows of each chunk written, in order. */
  private readonly chunkRows: number[] = [];
  private cols = 0;
  private state: 'text' | 'file' = 'text';
  /** The text pass reached its end, so the file holds every chunk. */
  private complete = false;
  private index = 0;
  private offset = 0;
  private buffer = new Float32Array(0);

  constructor(
    private readonly source: OnePassChunks,
    private readonly dir: string,
  ) {}

  get name(): string {
    return this.source.name;
  }

  reset(): void {
    if (this.state === 'text' && (this.chunkRows.length > 0 || this.complete)) {
      if (this.complete) this.state = 'file';
      else {
        // Reset before the first pass ended: parse again from the start and write the file anew.
        this.source.restart();
        this.chunkRows.length = 0;
        this.offset = 0;
      }
    }
    this.index = 0;
    this.offset = 0;
  }

  next(): DenseChunk | undefined {
    return this.state === 'text' ? this.fromText() : this.fromFile();
  }

  private fromText(): DenseChunk | undefined {
    const chunk = this.source.next();
    if (!chunk) {
      this.complete = true;
      return undefined;
    }
    this.cols = chunk.cols;
    const fd = this.open();
    this.write(fd, chunk.labels.subarray(0, chunk.rows));
    this.write(fd, chunk.data.subarray(0, chunk.rows * chunk.cols));
    this.chunkRows.push(chunk.rows);
    return chunk;
  }

  private fromFile(): DenseChunk | undefined {
    const rows = this.chunkRows[this.index];
    if (rows === undefined) return undefined;
    this.index++;
    const floats = rows * (this.cols + 1);
    if (this.buffer.length < floats) this.buffer = new Float32Array(floats);
    const bytes = Buffer.from(this.buffer.buffer, this.buffer.byteOffset, floats * 4);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.fd as number, bytes, done, bytes.length - done, this.offset + done);
      if (n === 0) throw new Error(`${this.name}: the temporary chunk file ended early`);
      done += n;
    }
    this.offset += bytes.length;
    return { rows, cols: this.cols, labels: this.buffer.subarray(0, rows), data: this.buffer.subarray(rows, floats) };
  }

  private open(): number {
    if (this.fd === undefined) {
      this.folder = mkdtempSync(join(this.dir, 'sagepipe-chunks-'));
      this.fd = openSync(join(this.folder, `${this.name}.f32`), 'w+');
    }
    return this.fd;
  }

  private write(fd: number, values: Float32Array): void {
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, this.offset + done);
    this.offset += bytes.length;
  }

  close(): void {
    this.source.close();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
    this.folder = undefined;
  }
}
