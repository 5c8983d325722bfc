/**
 * AWS Signature Version 4, checked as the services check it: the Authorization header's signature (or a presigned
 * URL's `X-Amz-Signature`) recomputed from the canonical request with the configured secret key. Without configured
 * credentials any header-signed request is accepted (the local default: any credentials work) and a presigned URL
 * is refused, since nothing could verify it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.ts';

export interface ServeCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SignedRequest {
  /** The signing service of the credential scope (`sagemaker`, `s3`, `sts` …). */
  readonly service: string;
  readonly region: string;
  readonly accessKeyId: string;
  /** The payload hash the signature covers (a hex SHA-256, `UNSIGNED-PAYLOAD`, or `STREAMING-…`). */
  readonly payloadHash: string | undefined;
  readonly presigned: boolean;
}

interface Parts {
  readonly algorithm: string;
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly presigned: boolean;
  readonly expires?: number;
}

const denied = (message: string, type = 'SignatureDoesNotMatch') => new ApiError(type, message, 403);

/** RFC 3986 encoding, as SigV4 wants it (everything but unreserved characters). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function parseCredential(credential: string): Pick<Parts, 'accessKeyId' | 'date' | 'region' | 'service'> {
  const [accessKeyId = '', date = '', region = '', service = '', terminator] = credential.split('/');
  if (!accessKeyId || terminator !== 'aws4_request') throw denied(`malformed credential scope '${credential}'`, 'IncompleteSignature');
  return { accessKeyId, date, region, service };
}

function parts(req: IncomingMessage, url: URL): Parts | undefined {
  const auth = String(req.headers.authorization ?? '');
  if (auth.startsWith('AWS4-HMAC-SHA256 ')) {
    const fields = Object.fromEntries(
      auth
        .slice('AWS4-HMAC-SHA256 '.length)
        .split(',')
        .map((f) => f.trim().split('=') as [string, string]),
    );
    if (!fields.Credential || !fields.SignedHeaders || !fields.Signature) throw denied('Authorization header lacks Credential, SignedHeaders or Signature', 'IncompleteSignature');
    return {
      algorithm: 'AWS4-HMAC-SHA256',
      ...parseCredential(fields.Credential),
      signedHeaders: fields.SignedHeaders.split(';'),
      signature: fields.Signature,
      amzDate: String(req.headers['x-amz-date'] ?? ''),
      presigned: false,
    };
  }
  if (url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    const q = (k: string) => url.searchParams.get(k) ?? '';
    return {
      algorithm: 'AWS4-HMAC-SHA256',
      ...parseCredential(q('X-Amz-Credential')),
      signedHeaders: q('X-Amz-SignedHeaders').split(';'),
      signature: q('X-Amz-Signature'),
      amzDate: q('X-Amz-Date'),
      presigned: true,
      expires: Number(q('X-Amz-Expires') || 0),
    };
  }
  return undefined;
}

/** `20250101T000000Z` → epoch ms. */
function amzTime(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : Number.NaN;
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const at = p.indexOf('=');
      const key = decodeURIComponent(at < 0 ? p : p.slice(0, at));
      const value = at < 0 ? '' : decodeURIComponent(p.slice(at + 1));
      return [uriEncode(key), uriEncode(value)] as const;
    })
    .filter(([k]) => !(presigned && k === 'X-Amz-Signature'));
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalPath(rawPath: string, service: string): string {
  if (service === 's3') return rawPath || '/';
  // Other services sign the URI-encoded form of the (already encoded) path.
  return (rawPath || '/')
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/**
 * Checks a request's signature. `bodyHash` is the hex SHA-256 of a body already read (omit it for streamed bodies:
 * the client's `x-amz-content-sha256` is then taken as the payload hash, and checked by the caller once streamed).
 * Returns undefined for a request that is not signed at all.
 */
export function verifySignature(req: IncomingMessage, credentials: ServeCredentials | undefined, bodyHash?: string, now = Date.now()): SignedRequest | undefined {
  const raw = req.url ?? '/';
  const url = new URL(raw, 'http://localhost');
  const p = parts(req, url);
  if (!p) return undefined;
  const declared = req.headers['x-amz-content-sha256'];
  const payloadHash = p.presigned ? (url.searchParams.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD') : typeof declared === 'string' ? declared : bodyHash;
  const result: SignedRequest = { service: p.service, region: p.region, accessKeyId: p.accessKeyId, payloadHash, presigned: p.presigned };
  if (!credentials) {
    if (p.presigned) throw denied('presigned URLs are accepted only when serve is started with credentials (--access-key / --secret-key), which can verify them', 'AccessDenied');
    return result;
  }
  if (p.accessKeyId !== credentials.accessKeyId) throw denied(`The security token included in the request is invalid: unknown access key '${p.accessKeyId}'`, 'InvalidClientTokenId');
  const time = amzTime(p.amzDate);
  if (!Number.isFinite(time)) throw denied('the request has no valid X-Amz-Date', 'IncompleteSignature');
  if (p.presigned) {
    if (!(p.expires && p.expires > 0 && now <= time + p.expires * 1000)) throw denied('Request has expired', 'AccessDenied');
  } else if (Math.abs(now - time) > 15 * 60 * 1000) throw denied('The difference between the request time and the current time is too large.', 'RequestTimeTooSkewed');
  if (!p.signedHeaders.includes('host')) throw denied('the signature must cover the host header', 'IncompleteSignature');
  if (payloadHash === undefined) throw denied('the payload hash is unknown', 'IncompleteSignature');
  const headerLines = p.signedHeaders.map((name) => {
    const value = req.headers[name];
    const text = Array.isArray(value) ? value.join(',') : String(value ?? '');
    return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
  });
  const queryAt = raw.indexOf('?');
  const rawPath = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const canonical = [req.method ?? 'GET', canonicalPath(rawPath, p.service), canonicalQuery(queryAt < 0 ? '' : raw.slice(queryAt + 1), p.presigned), headerLines.join(''), p.signedHeaders.join(';'), payloadHash].join('\n');
  const scope = `${p.date}/${p.region}/${p.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', p.amzDate, scope, createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
  const expected = createHmac('sha256', signingKey(credentials.secretAccessKey, p.date, p.region, p.service)).update(toSign, 'utf8').digest();
  const given = Buffer.from(p.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw denied('The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return result;
}
