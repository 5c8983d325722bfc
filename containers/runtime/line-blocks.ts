/**
 * Text files read a block at a time, each block ending on a line boundary: the one chunk-reading loop behind the CSV
 * and libsvm readers, whether they fill one matrix (push) or hand XGBoost one chunk per call (pull).
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** The default block: large enough that per-block costs vanish, small enough to bound a streamed chunk. */
export const BLOCK_BYTES = 8 * 1024 * 1024;

/**
 * Pulls blocks of whole lines from files, one after another. A block is `bytes[0, end)`, valid until the next call;
 * a file's last line counts as whole without its newline, and a line longer than the buffer grows it.
 */
export class LineBlocks {
  private buffer: Buffer;
  private file = -1;
  private fd: number | undefined;
  /** Bytes of a partial line carried to the front of the buffer for the next block. */
  private kept = 0;
  /** Where the carried bytes start in the buffer before they are moved to the front. */
  private carryFrom = 0;

  constructor(
    private readonly files: readonly string[],
    blockBytes = BLOCK_BYTES,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(16, blockBytes));
  }

  next(): { readonly bytes: Buffer; readonly end: number } | undefined {
    if (this.carryFrom > 0) {
      this.buffer.copy(this.buffer, 0, this.carryFrom, this.carryFrom + this.kept);
      this.carryFrom = 0;
    }
    for (;;) {
      if (this.fd === undefined) {
        if (this.file + 1 >= this.files.length) return undefined;
        this.file++;
        this.fd = openSync(this.files[this.file] as string, 'r');
        this.kept = 0;
      }
      if (this.kept === this.buffer.length) {
        const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
        this.buffer.copy(bigger, 0, 0, this.kept);
        this.buffer = bigger;
      }
      const read = readSync(this.fd, this.buffer, this.kept, this.buffer.length - this.kept, null);
      const end = this.kept + read;
      if (read === 0) {
        this.closeFile();
        this.kept = 0;
        if (end > 0) return { bytes: this.buffer, end };
        continue;
      }
      const cut = this.buffer.lastIndexOf(10, end - 1) + 1;
      if (cut === 0) {
        this.kept = end;
        continue;
      }
      this.kept = end - cut;
      this.carryFrom = cut;
      return { bytes: this.buffer, end: cut };
    }
  }

  /** Closes the open file (also done at the end of the last one). */
  close(): void {
    this.closeFile();
    this.file = this.files.length;
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Calls `block(bytes, end)` for each block of whole lines of the files, in order. */
export function forEachLineBlock(files: readonly string[], block: (bytes: Buffer, end: number) => void, blockBytes = BLOCK_BYTES): void {
  const blocks = new LineBlocks(files, blockBytes);
  try {
    for (let b = blocks.next(); b; b = blocks.next()) block(b.bytes, b.end);
  } finally {
    blocks.close();
  }
}
