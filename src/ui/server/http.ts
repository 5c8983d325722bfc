/** Small HTTP pieces the UI server's routes share: the route type, JSON in and out, errors with their status. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, isSagepipeError } from '../../errors.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'BAD_REQUEST',
  ) {
    super(message);
  }
}

export type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const MAX_JSON_BODY = 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the request body must be a JSON object');
  }
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new HttpError(400, `field '${field}' must be a non-empty string`);
  return value;
}

export function statusOfError(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (!isSagepipeError(error)) return 500;
  switch (error.code) {
    case ErrorCode.ExecutionNotFound:
    case ErrorCode.ResourceNotFound:
    case ErrorCode.S3ObjectNotFound:
      return 404;
    case ErrorCode.InvalidState:
      return 409;
    case ErrorCode.Internal:
      return 500;
    default:
      return 400;
  }
}

export function codeOfError(error: unknown): string {
  if (error instanceof HttpError) return error.code;
  return isSagepipeError(error) ? error.code : 'INTERNAL';
}
