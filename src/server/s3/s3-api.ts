/**
 * S3's REST API on the local S3, path-style (`/<bucket>/<key>`) and virtual-host-style (`<bucket>.localhost/<key>`):
 * buckets, objects, listings, multipart uploads — what boto3's transfer manager, the SageMaker Python SDK's
 * S3Uploader/S3Downloader, `aws s3 cp|sync|ls` and the AWS SDK for JavaScript use. Errors are S3's XML.
 */
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalS3 } from '../../../local-runner/s3/local-s3.ts';
import { ApiError } from '../http/api-error.ts';
import { handleBucket, listBuckets } from './buckets.ts';
import { S3Context, type S3Limits } from './context.ts';
import { handleMultipart } from './multipart.ts';
import { handleObject } from './objects.ts';

export class S3Api {
  private readonly ctx: S3Context;

  constructor(s3: LocalS3, region: string, limits: S3Limits) {
    this.ctx = new S3Context(s3, region, limits);
  }

  /** Removes bodies a previous run was receiving when it stopped. */
  async cleanup(): Promise<void> {
    await rm(this.ctx.incoming, { recursive: true, force: true });
  }

  /** `bucket` comes from the Host header for a virtual-host-style request, else from the path. */
  async handle(req: IncomingMessage, res: ServerResponse, virtualBucket: string | undefined): Promise<void> {
    const raw = req.url ?? '/';
    const url = new URL(raw, 'http://localhost');
    const path = raw.split('?')[0] ?? '/';
    let bucket: string;
    let rawKey: string;
    if (virtualBucket) {
      bucket = virtualBucket;
      rawKey = path.slice(1);
    } else {
      const [, first = '', ...rest] = path.split('/');
      bucket = decodeURIComponent(first);
      rawKey = rest.join('/');
    }
    const r = { req, res, method: req.method ?? 'GET', bucket, key: decodeURIComponent(rawKey), query: url.searchParams };
    if (!bucket) {
      if (r.method !== 'GET') throw new ApiError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
      return listBuckets(this.ctx, r);
    }
    if (!r.key) return handleBucket(this.ctx, r);
    if (await handleMultipart(this.ctx, r)) return;
    return handleObject(this.ctx, r);
  }
}
