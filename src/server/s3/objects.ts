/**
 * Objects: PutObject (streamed to disk), GetObject (streamed, with `Range` → 206), HeadObject, DeleteObject,
 * CopyObject. Bodies never sit whole in memory, so objects of any size (over 2 GiB too) pass through.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { streamBodyToFile } from '../http/body.ts';
import { ApiError } from '../http/api-error.ts';
import type { S3Context, S3Request } from './context.ts';
import { S3_NS, el, sendXml } from './xml.ts';

const noSuchKey = () => new ApiError('NoSuchKey', 'The specified key does not exist.', 404);

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` against an object of `size` bytes; undefined: the whole object. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or a malformed header: S3 answers with the whole object.
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) throw unsatisfiable(size);
  return { start, end };
}

const unsatisfiable = (size: number) => Object.assign(new ApiError('InvalidRange', 'The requested range is not satisfiable', 416), { size });

/** The source of a copy: `x-amz-copy-source: /bucket/key` (URL-encoded, maybe `?versionId=`). */
export function copySource(ctx: S3Context, header: string): { bucket: string; key: string; path: string } {
  const raw = decodeURIComponent(header.split('?')[0] ?? '').replace(/^\//, '');
  const slash = raw.indexOf('/');
  if (slash <= 0) throw new ApiError('InvalidArgument', `x-amz-copy-source '${header}' must be <bucket>/<key>`);
  const bucket = raw.slice(0, slash);
  const key = raw.slice(slash + 1);
  return { bucket, key, path: ctx.objectPath(bucket, key) };
}

async function fileOf(ctx: S3Context, bucket: string, key: string) {
  const path = ctx.objectPath(bucket, key);
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) return undefined;
  return { path, size: s.size, mtime: s.mtime, etag: await ctx.etags.of(path, s.size, s.mtimeMs) };
}

export async function handleObject(ctx: S3Context, r: S3Request): Promise<void> {
  const { req, res, bucket, key } = r;
  switch (r.method) {
    case 'PUT': {
      await ctx.requireBucket(bucket);
      const path = ctx.objectPath(bucket, key);
      const source = req.headers['x-amz-copy-source'];
      if (typeof source === 'string') {
        const from = copySource(ctx, source);
        const found = await fileOf(ctx, from.bucket, from.key);
        if (!found) throw noSuchKey();
        const temp = ctx.tempFile();
        await mkdir(ctx.incoming, { recursive: true });
        await copyFile(found.path, temp);
        await ctx.commit(temp, path);
        const s = await stat(path);
        await ctx.etags.remember(path, found.etag);
        sendXml(res, 200, `<CopyObjectResult xmlns="${S3_NS}">${el('LastModified', s.mtime.toISOString())}${el('ETag', found.etag)}</CopyObjectResult>`);
        return;
      }
      if (key.endsWith('/')) {
        // A "folder" marker: the local S3 has folders of its own.
        await streamBodyToFile(req, '/dev/null', 0);
        await mkdir(path, { recursive: true });
        res.writeHead(200, { ETag: '"d41d8cd98f00b204e9800998ecf8427e"' }).end();
        return;
      }
      await mkdir(ctx.incoming, { recursive: true });
      const temp = ctx.tempFile();
      try {
        const body = await streamBodyToFile(req, temp, ctx.limits.maxObjectBytes);
        const md5 = req.headers['content-md5'];
        if (typeof md5 === 'string' && Buffer.from(md5, 'base64').toString('hex') !== body.md5) throw new ApiError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
        await checkPayloadHash(req.headers['x-amz-content-sha256'], temp);
        await ctx.commit(temp, path);
        await ctx.etags.remember(path, `"${body.md5}"`);
        res.writeHead(200, { ETag: `"${body.md5}"` }).end();
      } finally {
        await rm(temp, { force: true });
      }
      return;
    }
    case 'GET':
    case 'HEAD': {
      const found = await fileOf(ctx, bucket, key);
      if (!found) {
        if (!(await ctx.bucketExists(bucket))) throw new ApiError('NoSuchBucket', 'The specified bucket does not exist', 404);
        throw noSuchKey();
      }
      const common = { 'Content-Type': 'binary/octet-stream', 'Last-Modified': found.mtime.toUTCString(), ETag: found.etag, 'Accept-Ranges': 'bytes' };
      let range: { start: number; end: number } | undefined;
      try {
        range = parseRange(req.headers.range, found.size);
      } catch (error) {
        if (error instanceof ApiError && error.status === 416) res.setHeader('Content-Range', `bytes */${found.size}`);
        throw error;
      }
      if (range) res.writeHead(206, { ...common, 'Content-Length': range.end - range.start + 1, 'Content-Range': `bytes ${range.start}-${range.end}/${found.size}` });
      else res.writeHead(200, { ...common, 'Content-Length': found.size });
      if (r.method === 'HEAD') {
        res.end();
        return;
      }
      await pipeline(createReadStream(found.path, range ?? {}), res);
      return;
    }
    case 'DELETE': {
      await ctx.requireBucket(bucket);
      const path = ctx.objectPath(bucket, key);
      const s = await stat(path).catch(() => undefined);
      if (s?.isFile()) await rm(path, { force: true });
      ctx.etags.forget(path);
      res.writeHead(204).end();
      return;
    }
    default:
      throw new ApiError('NotImplemented', `${r.method} on an object is not implemented by sagepipe serve`, 501);
  }
}

/** A body signed with its SHA-256 (not UNSIGNED-PAYLOAD / STREAMING-…) must have that hash. */
export async function checkPayloadHash(declared: string | string[] | undefined, file: string): Promise<void> {
  if (typeof declared !== 'string' || !/^[0-9a-f]{64}$/.test(declared)) return;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  if (hash.digest('hex') !== declared) throw new ApiError('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
}
