/**
 * S3 ETags for the local S3's files: the MD5 of the content (multipart objects: MD5 of the parts' MD5s, `-<parts>`),
 * remembered per file while its size and mtime stay the same, so a file is hashed at most once per change.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

interface Entry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly etag: string;
}

export class ETags {
  private readonly known = new Map<string, Entry>();

  async remember(path: string, etag: string): Promise<void> {
    const s = await stat(path);
    this.known.set(path, { size: s.size, mtimeMs: s.mtimeMs, etag });
  }

  forget(path: string): void {
    this.known.delete(path);
  }

  /** The quoted ETag of the file at `path`. */
  async of(path: string, size: number, mtimeMs: number): Promise<string> {
    const entry = this.known.get(path);
    if (entry && entry.size === size && entry.mtimeMs === mtimeMs) return entry.etag;
    const hash = createHash('md5');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const etag = `"${hash.digest('hex')}"`;
    this.known.set(path, { size, mtimeMs, etag });
    return etag;
  }
}
