/**
 * Decodes `aws-chunked` bodies (what AWS SDKs send for streamed uploads with trailing checksums):
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n` — as a stream, so an upload of any
 * size passes through in constant memory.
 */
import { Transform, type TransformCallback } from 'node:stream';

export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const encoding = String(headers['content-encoding'] ?? '');
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  return encoding.includes('aws-chunked') || sha.startsWith('STREAMING-');
}

/** The payload of an aws-chunked stream; trailers (checksums) are dropped. */
export class AwsChunkedDecoder extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of the current chunk's data still to pass; -1 while a chunk header is awaited. */
  private remaining = -1;
  /** The CRLF after a chunk's data still to skip. */
  private skip = 0;
  private done = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private drain(): void {
    while (!this.done && this.pending.length > 0) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.pending.length);
        this.pending = this.pending.subarray(n);
        this.skip -= n;
        continue;
      }
      if (this.remaining < 0) {
        const lineEnd = this.pending.indexOf('\r\n');
        if (lineEnd < 0) {
          if (this.pending.length > 4096) throw new Error('malformed aws-chunked body: chunk header too long');
          return;
        }
        const header = this.pending.subarray(0, lineEnd).toString('latin1');
        const size = Number.parseInt(header.split(';')[0] ?? '', 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`malformed aws-chunked body: chunk header '${header.slice(0, 80)}'`);
        this.pending = this.pending.subarray(lineEnd + 2);
        if (size === 0) {
          this.done = true;
          return;
        }
        this.remaining = size;
        continue;
      }
      const n = Math.min(this.remaining, this.pending.length);
      this.push(this.pending.subarray(0, n));
      this.pending = this.pending.subarray(n);
      this.remaining -= n;
      if (this.remaining === 0) {
        this.remaining = -1;
        this.skip = 2;
      }
    }
  }
}
