/**
 * The S3 REST subset the SageMaker backend uses, path-style (`/<bucket>/<key>`), on the local S3: create/head bucket,
 * put/get/head/delete object, ListObjectsV2, multipart upload. Errors are S3's XML.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalS3 } from '../../local-runner/s3/local-s3.ts';
import { ApiError } from './api-error.ts';
import { decodeAwsChunked, isAwsChunked } from './aws-chunked.ts';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const etag = (body: Uint8Array) => `"${createHash('md5').update(body).digest('hex')}"`;

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'Content-Type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

export function sendS3Error(res: ServerResponse, error: ApiError, resource: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendXml(res, error.status, `<Error><Code>${error.type}</Code><Message>${xmlEscape(error.message)}</Message><Resource>${xmlEscape(resource)}</Resource></Error>`);
}

export class S3Api {
  private readonly uploads: string;
  constructor(private readonly s3: LocalS3) {
    this.uploads = join(s3.root, '..', 's3-uploads');
  }

  private async bucketExists(bucket: string): Promise<boolean> {
    return stat(join(this.s3.root, bucket)).then((s) => s.isDirectory(), () => false);
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const method = req.method ?? 'GET';
    const data = isAwsChunked(req.headers) ? decodeAwsChunked(body) : body;
    if (!bucket) throw new ApiError('NotImplemented', 'ListBuckets is not implemented by sagepipe serve', 501);
    const uri = `s3://${bucket}/${key}`;

    if (!key) {
      if (method === 'PUT') {
        await mkdir(join(this.s3.root, bucket), { recursive: true });
        res.writeHead(200, { Location: `/${bucket}` }).end();
        return;
      }
      if (method === 'HEAD') {
        res.writeHead((await this.bucketExists(bucket)) ? 200 : 404).end();
        return;
      }
      if (method === 'GET' && (url.searchParams.get('list-type') === '2' || url.searchParams.has('prefix'))) {
        if (!(await this.bucketExists(bucket))) throw new ApiError('NoSuchBucket', `The specified bucket does not exist: ${bucket}`, 404);
        const prefix = url.searchParams.get('prefix') ?? '';
        const max = Number(url.searchParams.get('max-keys') ?? 1000);
        const objects = (await this.s3.list(`s3://${bucket}/${prefix}`)).slice(0, max);
        const contents = objects
          .map((o) => `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>&quot;${o.size}&quot;</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
          .join('');
        sendXml(res, 200, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${objects.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`);
        return;
      }
      throw new ApiError('NotImplemented', `${method} on a bucket is not implemented by sagepipe serve`, 501);
    }

    const uploadId = url.searchParams.get('uploadId');
    if (method === 'POST' && url.searchParams.has('uploads')) {
      const id = randomUUID();
      await mkdir(join(this.uploads, id), { recursive: true });
      sendXml(res, 200, `<InitiateMultipartUploadResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      return;
    }
    if (uploadId !== null) {
      if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw new ApiError('NoSuchUpload', 'The specified upload does not exist.', 404);
      const dir = join(this.uploads, uploadId);
      if (method === 'PUT') {
        const part = Number(url.searchParams.get('partNumber'));
        if (!Number.isInteger(part) || part < 1) throw new ApiError('InvalidArgument', 'partNumber must be a positive integer');
        await writeFile(join(dir, String(part).padStart(5, '0')), data);
        res.writeHead(200, { ETag: etag(data) }).end();
        return;
      }
      if (method === 'POST') {
        const parts = [...body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        const chunks: Buffer[] = [];
        for (const p of parts) chunks.push(await readFile(join(dir, String(p).padStart(5, '0'))).catch(() => {
          throw new ApiError('InvalidPart', `part ${p} was not uploaded`);
        }));
        const all = Buffer.concat(chunks);
        await this.s3.putObject(uri, all);
        await rm(dir, { recursive: true, force: true });
        sendXml(res, 200, `<CompleteMultipartUploadResult><Location>/${xmlEscape(bucket)}/${xmlEscape(key)}</Location><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(etag(all))}</ETag></CompleteMultipartUploadResult>`);
        return;
      }
      if (method === 'DELETE') {
        await rm(dir, { recursive: true, force: true });
        res.writeHead(204).end();
        return;
      }
    }
    switch (method) {
      case 'PUT': {
        await this.s3.putObject(uri, data);
        res.writeHead(200, { ETag: etag(data) }).end();
        return;
      }
      case 'GET': {
        const head = await this.s3.headObject(uri);
        if (!head) throw new ApiError('NoSuchKey', 'The specified key does not exist.', 404);
        const content = await this.s3.getObject(uri);
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': content.length, 'Last-Modified': head.lastModified.toUTCString(), ETag: etag(content) }).end(content);
        return;
      }
      case 'HEAD': {
        const head = await this.s3.headObject(uri);
        if (!head) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'Content-Length': head.size, 'Last-Modified': head.lastModified.toUTCString() }).end();
        return;
      }
      case 'DELETE':
        await this.s3.deleteObject(uri);
        res.writeHead(204).end();
        return;
      default:
        throw new ApiError('NotImplemented', `${method} is not implemented by sagepipe serve`, 501);
    }
  }
}
