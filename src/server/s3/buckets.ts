/** ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, ListObjects(V2), DeleteObjects. */
import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { readSmallBody } from '../http/body.ts';
import { ApiError } from '../http/api-error.ts';
import type { S3Context, S3Request } from './context.ts';
import { S3_NS, el, sendXml, xmlValues } from './xml.ts';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkBucketName(bucket: string): void {
  if (!BUCKET.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) throw new ApiError('InvalidBucketName', 'The specified bucket is not valid.');
}

export async function listBuckets(ctx: S3Context, r: S3Request): Promise<void> {
  const names = await readdir(ctx.s3.root, { withFileTypes: true }).catch(() => []);
  const buckets: string[] = [];
  for (const n of names.filter((e) => e.isDirectory() && BUCKET.test(e.name)).map((e) => e.name).sort()) {
    const s = await stat(ctx.bucketDir(n));
    buckets.push(`<Bucket>${el('Name', n)}${el('CreationDate', s.birthtime.toISOString())}</Bucket>`);
  }
  sendXml(r.res, 200, `<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>sagepipe</ID><DisplayName>sagepipe</DisplayName></Owner><Buckets>${buckets.join('')}</Buckets></ListAllMyBucketsResult>`);
}

/** S3's `encoding-type=url`: keys and prefixes percent-encoded in the listing. */
const encoder = (query: URLSearchParams) => (query.get('encoding-type') === 'url' ? (s: string) => encodeURIComponent(s).replace(/%2F/g, '/') : (s: string) => s);

async function listing(ctx: S3Context, r: S3Request, v2: boolean): Promise<void> {
  await ctx.requireBucket(r.bucket);
  const q = r.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = Math.min(1000, Math.max(0, Number(q.get('max-keys') ?? 1000) || 0));
  const token = q.get('continuation-token');
  let after = v2 ? (q.get('start-after') ?? '') : (q.get('marker') ?? '');
  if (v2 && token) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!decoded.startsWith('k:')) throw new ApiError('InvalidArgument', 'The continuation token provided is incorrect');
    after = decoded.slice(2);
  }
  const objects = await ctx.s3.list(`s3://${r.bucket}/${prefix}`);
  // Keys and common prefixes, in key order, each once.
  const entries: { name: string; object?: (typeof objects)[number] }[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const rest = o.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    if (cut >= 0) {
      const common = prefix + rest.slice(0, cut + delimiter.length);
      if (!seen.has(common)) {
        seen.add(common);
        entries.push({ name: common });
      }
    } else entries.push({ name: o.key, object: o });
  }
  const remaining = entries.filter((e) => e.name > after);
  const page = remaining.slice(0, maxKeys);
  const truncated = remaining.length > page.length;
  const last = page[page.length - 1]?.name;
  const enc = encoder(q);
  const contents: string[] = [];
  for (const e of page) {
    if (!e.object) continue;
    const path = ctx.objectPath(r.bucket, e.object.key);
    const etag = await ctx.etags.of(path, e.object.size, e.object.lastModified.getTime());
    contents.push(`<Contents>${el('Key', enc(e.object.key))}${el('LastModified', e.object.lastModified.toISOString())}${el('ETag', etag)}${el('Size', e.object.size)}<StorageClass>STANDARD</StorageClass></Contents>`);
  }
  const prefixes = page.filter((e) => !e.object).map((e) => `<CommonPrefixes>${el('Prefix', enc(e.name))}</CommonPrefixes>`);
  const common = `${el('Name', r.bucket)}${el('Prefix', enc(prefix))}${delimiter ? el('Delimiter', enc(delimiter)) : ''}${el('MaxKeys', maxKeys)}${q.has('encoding-type') ? el('EncodingType', q.get('encoding-type') ?? '') : ''}${el('IsTruncated', truncated)}`;
  const paging = v2
    ? `${el('KeyCount', page.length)}${token ? el('ContinuationToken', token) : ''}${q.has('start-after') ? el('StartAfter', enc(q.get('start-after') ?? '')) : ''}${truncated && last ? el('NextContinuationToken', Buffer.from(`k:${last}`).toString('base64url')) : ''}`
    : `${el('Marker', enc(q.get('marker') ?? ''))}${truncated && last && delimiter ? el('NextMarker', enc(last)) : ''}`;
  sendXml(r.res, 200, `<ListBucketResult xmlns="${S3_NS}">${common}${paging}${contents.join('')}${prefixes.join('')}</ListBucketResult>`);
}

async function deleteObjects(ctx: S3Context, r: S3Request): Promise<void> {
  await ctx.requireBucket(r.bucket);
  const xml = (await readSmallBody(r.req, ctx.limits.maxControlBytes)).toString('utf8');
  const keys = [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map((m) => xmlValues(m[1] ?? '', 'Key')[0] ?? '');
  if (keys.length > 1000) throw new ApiError('MalformedXML', 'DeleteObjects takes at most 1000 keys');
  const quiet = xmlValues(xml, 'Quiet')[0] === 'true';
  const deleted: string[] = [];
  const errors: string[] = [];
  for (const key of keys) {
    try {
      const path = ctx.objectPath(r.bucket, key);
      const s = await stat(path).catch(() => undefined);
      if (s?.isFile()) await rm(path, { force: true });
      ctx.etags.forget(path);
      if (!quiet) deleted.push(`<Deleted>${el('Key', key)}</Deleted>`);
    } catch (error) {
      errors.push(`<Error>${el('Key', key)}${el('Code', (error as ApiError).type ?? 'InternalError')}${el('Message', (error as Error).message)}</Error>`);
    }
  }
  sendXml(r.res, 200, `<DeleteResult xmlns="${S3_NS}">${deleted.join('')}${errors.join('')}</DeleteResult>`);
}

export async function handleBucket(ctx: S3Context, r: S3Request): Promise<void> {
  const { method, query: q, res } = r;
  checkBucketName(r.bucket);
  if (method === 'PUT' && [...q.keys()].length === 0) {
    await readSmallBody(r.req, ctx.limits.maxControlBytes);
    if ((await ctx.bucketExists(r.bucket)) && ctx.region !== 'us-east-1') throw new ApiError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409);
    await mkdir(ctx.bucketDir(r.bucket), { recursive: true });
    res.writeHead(200, { Location: `/${r.bucket}` }).end();
    return;
  }
  if (method === 'HEAD') {
    await ctx.requireBucket(r.bucket);
    res.writeHead(200, { 'x-amz-bucket-region': ctx.region }).end();
    return;
  }
  if (method === 'DELETE' && [...q.keys()].length === 0) {
    await ctx.requireBucket(r.bucket);
    if ((await ctx.s3.list(`s3://${r.bucket}/`)).length > 0) throw new ApiError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
    await rm(ctx.bucketDir(r.bucket), { recursive: true, force: true }).catch(() => rmdir(ctx.bucketDir(r.bucket)));
    res.writeHead(204).end();
    return;
  }
  if (method === 'GET' && q.has('location')) {
    await ctx.requireBucket(r.bucket);
    sendXml(res, 200, `<LocationConstraint xmlns="${S3_NS}">${ctx.region === 'us-east-1' ? '' : ctx.region}</LocationConstraint>`);
    return;
  }
  if (method === 'GET' && q.has('uploads')) {
    await ctx.requireBucket(r.bucket);
    sendXml(res, 200, `<ListMultipartUploadsResult xmlns="${S3_NS}">${el('Bucket', r.bucket)}<IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`);
    return;
  }
  if (method === 'POST' && q.has('delete')) return deleteObjects(ctx, r);
  const subresources = [...q.keys()].filter((k) => !['list-type', 'prefix', 'delimiter', 'max-keys', 'continuation-token', 'start-after', 'marker', 'encoding-type', 'fetch-owner'].includes(k));
  if (method === 'GET' && subresources.length === 0) return listing(ctx, r, q.get('list-type') === '2');
  throw new ApiError('NotImplemented', `${method} /${r.bucket}?${subresources.join('&')} is not implemented by sagepipe serve (see docs/serve.md)`, 501);
}
