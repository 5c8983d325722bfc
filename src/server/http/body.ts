/**
 * Request bodies: small control bodies (JSON, query-protocol forms, S3's XML) read into memory under a limit;
 * object uploads streamed to a file, hashed on the way, under their own limit. Over a limit: 413, said before the
 * body is read when Content-Length announces it.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from './api-error.ts';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked.ts';

export const tooLarge = (limit: number) => new ApiError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size (${limit} bytes)`, 413);

function announced(req: IncomingMessage): number | undefined {
  const decoded = req.headers['x-amz-decoded-content-length'];
  const raw = decoded ?? req.headers['content-length'];
  const n = Number(raw);
  return raw !== undefined && Number.isFinite(n) ? n : undefined;
}

export function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const size = announced(req);
  if (size !== undefined && size > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface StreamedBody {
  readonly size: number;
  /** Hex MD5 of what was written (S3's ETag for a single-part object). */
  readonly md5: string;
}

/** Writes the (decoded) body to `file`, refusing more than `limit` bytes. */
export async function streamBodyToFile(req: IncomingMessage, file: string, limit: number): Promise<StreamedBody> {
  const size = announced(req);
  if (size !== undefined && size > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const hash = createHash('md5');
  let total = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _e, callback) {
      total += chunk.length;
      if (total > limit) return callback(tooLarge(limit));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    if (isAwsChunked(req.headers)) await pipeline(req, new AwsChunkedDecoder(), meter, createWriteStream(file));
    else await pipeline(req, meter, createWriteStream(file));
  } catch (error) {
    if (error instanceof ApiError) {
      req.resume();
      throw error;
    }
    throw new ApiError('IncompleteBody', `the request body could not be read: ${(error as Error).message}`);
  }
  return { size: total, md5: hash.digest('hex') };
}
