/** S3's XML: responses, errors, and the few request bodies it takes (DeleteObjects, CompleteMultipartUpload). */
import type { ServerResponse } from 'node:http';
import type { ApiError } from '../http/api-error.ts';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export const xmlUnescape = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_m, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
    return ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[name] ?? '';
  });

/** The text of every `<tag>…</tag>` inside `xml`, in order. */
export const xmlValues = (xml: string, tag: string): string[] => [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => xmlUnescape(m[1] ?? ''));

/** `<tag>value</tag>`, escaped; nothing for undefined. */
export const el = (tag: string, value: string | number | boolean | undefined): string => (value === undefined ? '' : `<${tag}>${xmlEscape(String(value))}</${tag}>`);

export function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': crypto.randomUUID(), ...headers }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

/** S3's error codes for the generic API errors. */
const S3_CODES: Record<string, string> = { ValidationException: 'InvalidArgument', InternalFailure: 'InternalError' };

export function sendS3Error(res: ServerResponse, error: ApiError, resource: string, method: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const code = S3_CODES[error.type] ?? error.type;
  const closing: Record<string, string> = error.status === 413 ? { Connection: 'close' } : {};
  if (method === 'HEAD') {
    res.writeHead(error.status, { 'x-amz-error-code': code, ...closing }).end();
    return;
  }
  sendXml(res, error.status, `<Error>${el('Code', code)}${el('Message', error.message)}${el('Resource', resource)}</Error>`, closing);
}
