/** Parsing of `s3://bucket/key` URIs, with the checks that keep a local S3 inside its folder. */
import { ErrorCode, SagepipeError } from '../../src/errors.ts';

export interface S3Location {
  readonly bucket: string;
  /** Without a leading slash; may be empty (the whole bucket) or end with `/` (a prefix). */
  readonly key: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new SagepipeError(ErrorCode.S3UriInvalid, `'${uri}' is not an s3://bucket/key URI`, { path: uri });
  const [, bucket, key] = m as unknown as [string, string, string];
  if (!BUCKET.test(bucket)) {
    throw new SagepipeError(ErrorCode.S3UriInvalid, `'${uri}': bucket name '${bucket}' is not valid (3-63 lower-case letters, digits, '.' and '-')`, { path: uri });
  }
  checkKey(key, uri);
  return { bucket, key };
}

/** Rejects keys that could leave the bucket's folder or that S3 tools would mangle. */
export function checkKey(key: string, uri: string): void {
  if (key.startsWith('/')) throw new SagepipeError(ErrorCode.S3UriInvalid, `'${uri}': key must not be absolute`, { path: uri });
  const segments = key.split('/');
  // A trailing slash (a prefix) leaves one empty last segment, which is fine.
  segments.forEach((s, i) => {
    if (s === '..' || s === '.') throw new SagepipeError(ErrorCode.S3UriInvalid, `'${uri}': key must not contain '${s}' segments`, { path: uri });
    if (s === '' && i < segments.length - 1) throw new SagepipeError(ErrorCode.S3UriInvalid, `'${uri}': key must not contain empty segments ('//')`, { path: uri });
    if (s.includes('\0')) throw new SagepipeError(ErrorCode.S3UriInvalid, `'${uri}': key must not contain NUL`, { path: uri });
  });
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

export function joinS3(uri: string, ...parts: string[]): string {
  return [uri.replace(/\/+$/, ''), ...parts.map((p) => p.replace(/^\/+|\/+$/g, ''))].join('/');
}
