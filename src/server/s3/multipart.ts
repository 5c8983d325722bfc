/** Multipart uploads: Create, UploadPart (and UploadPartCopy), Complete, Abort — parts streamed to disk. */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readSmallBody, streamBodyToFile } from '../http/body.ts';
import { ApiError } from '../http/api-error.ts';
import type { S3Context, S3Request } from './context.ts';
import { checkPayloadHash, copySource, parseRange } from './objects.ts';
import { S3_NS, el, sendXml, xmlValues } from './xml.ts';

const noSuchUpload = () => new ApiError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404);
const partFile = (dir: string, n: number) => join(dir, String(n).padStart(5, '0'));

async function uploadDir(ctx: S3Context, r: S3Request, id: string): Promise<string> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw noSuchUpload();
  const dir = join(ctx.uploads, id);
  const meta = await readFile(join(dir, 'upload.json'), 'utf8').then((t) => JSON.parse(t) as { Bucket: string; Key: string }, () => undefined);
  if (!meta || meta.Bucket !== r.bucket || meta.Key !== r.key) throw noSuchUpload();
  return dir;
}

function partNumber(r: S3Request): number {
  const n = Number(r.query.get('partNumber'));
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new ApiError('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  return n;
}

/** Answers a multipart request; false when the request is not one. */
export async function handleMultipart(ctx: S3Context, r: S3Request): Promise<boolean> {
  const { method, query: q, res } = r;
  if (method === 'POST' && q.has('uploads')) {
    await ctx.requireBucket(r.bucket);
    ctx.objectPath(r.bucket, r.key);
    const id = randomUUID();
    await mkdir(join(ctx.uploads, id), { recursive: true });
    await writeFile(join(ctx.uploads, id, 'upload.json'), JSON.stringify({ Bucket: r.bucket, Key: r.key, Initiated: new Date().toISOString() }));
    sendXml(res, 200, `<InitiateMultipartUploadResult xmlns="${S3_NS}">${el('Bucket', r.bucket)}${el('Key', r.key)}${el('UploadId', id)}</InitiateMultipartUploadResult>`);
    return true;
  }
  const id = q.get('uploadId');
  if (id === null) return false;
  const dir = await uploadDir(ctx, r, id);
  if (method === 'PUT') {
    const n = partNumber(r);
    const temp = `${partFile(dir, n)}.${randomUUID()}`;
    const source = r.req.headers['x-amz-copy-source'];
    try {
      if (typeof source === 'string') {
        const from = copySource(ctx, source);
        const s = await stat(from.path).catch(() => undefined);
        if (!s?.isFile()) throw new ApiError('NoSuchKey', 'The specified key does not exist.', 404);
        const range = parseRange(String(r.req.headers['x-amz-copy-source-range'] ?? '') || undefined, s.size);
        const hash = createHash('md5');
        await pipeline(createReadStream(from.path, range ?? {}), async function* (chunks: AsyncIterable<Buffer>) {
          for await (const c of chunks) {
            hash.update(c);
            yield c;
          }
        }, createWriteStream(temp));
        const md5 = hash.digest('hex');
        await writeFile(`${partFile(dir, n)}.md5`, md5);
        await rename(temp, partFile(dir, n));
        sendXml(res, 200, `<CopyPartResult xmlns="${S3_NS}">${el('LastModified', new Date().toISOString())}${el('ETag', `"${md5}"`)}</CopyPartResult>`);
        return true;
      }
      const body = await streamBodyToFile(r.req, temp, ctx.limits.maxObjectBytes);
      await checkPayloadHash(r.req.headers['x-amz-content-sha256'], temp);
      await writeFile(`${partFile(dir, n)}.md5`, body.md5);
      await rename(temp, partFile(dir, n));
      res.writeHead(200, { ETag: `"${body.md5}"` }).end();
    } finally {
      await rm(temp, { force: true });
    }
    return true;
  }
  if (method === 'POST') {
    const xml = (await readSmallBody(r.req, ctx.limits.maxControlBytes)).toString('utf8');
    const parts = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({ n: Number(xmlValues(m[1] ?? '', 'PartNumber')[0]), etag: (xmlValues(m[1] ?? '', 'ETag')[0] ?? '').replace(/"/g, '') }));
    if (parts.length === 0) throw new ApiError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const md5s: Buffer[] = [];
    for (const [i, p] of parts.entries()) {
      if (i > 0 && p.n <= (parts[i - 1] as { n: number }).n) throw new ApiError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
      const md5 = await readFile(`${partFile(dir, p.n)}.md5`, 'utf8').catch(() => undefined);
      if (!md5 || (p.etag && p.etag !== md5)) throw new ApiError('InvalidPart', `One or more of the specified parts could not be found (part ${p.n}).`);
      md5s.push(Buffer.from(md5, 'hex'));
    }
    const path = ctx.objectPath(r.bucket, r.key);
    await mkdir(ctx.incoming, { recursive: true });
    const temp = ctx.tempFile();
    try {
      const out = createWriteStream(temp);
      for (const p of parts) await pipeline(createReadStream(partFile(dir, p.n)), out, { end: false });
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      await ctx.commit(temp, path);
    } finally {
      await rm(temp, { force: true });
    }
    const etag = `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}"`;
    await ctx.etags.remember(path, etag);
    await rm(dir, { recursive: true, force: true });
    sendXml(res, 200, `<CompleteMultipartUploadResult xmlns="${S3_NS}">${el('Location', `/${r.bucket}/${r.key}`)}${el('Bucket', r.bucket)}${el('Key', r.key)}${el('ETag', etag)}</CompleteMultipartUploadResult>`);
    return true;
  }
  if (method === 'DELETE') {
    await rm(dir, { recursive: true, force: true });
    res.writeHead(204).end();
    return true;
  }
  if (method === 'GET') {
    const names = (await readdir(dir)).filter((n) => /^\d{5}$/.test(n)).sort();
    const parts: string[] = [];
    for (const n of names) parts.push(`<Part>${el('PartNumber', Number(n))}${el('ETag', `"${await readFile(join(dir, `${n}.md5`), 'utf8')}"`)}</Part>`);
    sendXml(res, 200, `<ListPartsResult xmlns="${S3_NS}">${el('Bucket', r.bucket)}${el('Key', r.key)}${el('UploadId', id)}<IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`);
    return true;
  }
  return false;
}
