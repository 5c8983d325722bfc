/**
 * A step's log file, written as a stream (one open file, buffered writes — never a file operation per line) and
 * capped: past the cap, the head is kept on disk and the tail in a bounded buffer, and the file ends with a line
 * saying how much was left out, then the tail. A job printing without end costs bounded disk and memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

/** @default cap of a step's log: 16 MiB (8 MiB head + 8 MiB tail). */
export const DEFAULT_MAX_LOG_BYTES = 16 * 1024 * 1024;

export class JobLog {
  private readonly out: WriteStream;
  private written = 0;
  /** The tail: lines from index `tailStart` on (a queue without Array.shift, which is linear per call). */
  private tail: string[] = [];
  private tailStart = 0;
  private tailBytes = 0;
  private omittedBytes = 0;
  private omittedLines = 0;
  private readonly half: number;
  private failed = false;
  private closing: Promise<void> | undefined;

  constructor(
    path: string,
    readonly maxBytes = DEFAULT_MAX_LOG_BYTES,
  ) {
    this.half = Math.floor(maxBytes / 2);
    this.out = createWriteStream(path, { flags: 'a' });
    // A log that cannot be written must not fail the job.
    this.out.on('error', () => {
      this.failed = true;
    });
  }

  write(line: string): void {
    if (this.failed || this.closing) return;
    const text = `${line}\n`;
    const size = Buffer.byteLength(text);
    if (this.written + size <= this.half) {
      this.written += size;
      this.out.write(text);
      return;
    }
    this.tail.push(text);
    this.tailBytes += size;
    while (this.tailBytes > this.half && this.tail.length - this.tailStart > 1) {
      const dropped = this.tail[this.tailStart] as string;
      this.tailStart++;
      const bytes = Buffer.byteLength(dropped);
      this.tailBytes -= bytes;
      this.omittedBytes += bytes;
      this.omittedLines++;
    }
    if (this.tailStart > 4096 && this.tailStart * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.tailStart);
      this.tailStart = 0;
    }
  }

  /** Writes the tail (after a note of what was left out) and closes the file. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.omittedLines > 0) this.out.write(`[sagepipe] … ${this.omittedLines} lines (${this.omittedBytes} bytes) left out: this log keeps its first and last ${this.half} bytes …\n`);
      for (let i = this.tailStart; i < this.tail.length; i++) this.out.write(this.tail[i] as string);
      this.tail = [];
      this.tailStart = 0;
      this.out.end(() => resolve());
      if (this.failed) resolve();
    });
    return this.closing;
  }
}
