/**
 * S3 ETags for the local S3's files: the MD5 of the content (multipart objects: MD5 of the parts' MD5s, `-<parts>`),
 * remembered per file while its size and mtime stay the same, so a file is hashed at most once per change. A large
 * file that did not come through the API (a job's output) gets a multipart-style ETag (`"…-1"`) from its identity
 * instead of a hash of gigabytes: clients check the MD5 of single-part ETags only, as S3's multipart ETags are none.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Files up to this size are hashed for their ETag. */
const HASHED_UP_TO = 64 * 1024 * 1024;

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
    if (size > HASHED_UP_TO) {
      const etag = `"${createHash('md5').update(`${path}\0${size}\0${mtimeMs}`).digest('hex')}-1"`;
      this.known.set(path, { size, mtimeMs, etag });
      return etag;
    }
    const hash = createHash('md5');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const etag = `"${hash.digest('hex')}"`;
    this.known.set(path, { size, mtimeMs, etag });
    return etag;
  }
}
