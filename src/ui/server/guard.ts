/**
 * What keeps other web pages and other hosts out of `sagepipe ui`: the Host header must name the address the server
 * was bound to (loopback names by default), so DNS rebinding cannot reach it; and every state-changing request must
 * carry the page's token (only a same-origin page can read it) and, when the browser sends one, a same-origin Origin.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-sagepipe-ui-token';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]', '::1'];

export interface RequestGuard {
  readonly token: string;
  /** Undefined when allowed; else the reason (the request is refused with 403). */
  check(req: IncomingMessage): string | undefined;
}

function hostnameOf(hostHeader: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader.trim().toLowerCase());
  return m?.[1] ?? '';
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.includes(host.toLowerCase()) || /^127\./.test(host);
}

export function createGuard(boundHost: string, token: string = randomBytes(24).toString('base64url')): RequestGuard {
  const allowed = new Set(LOOPBACK_NAMES);
  // Bound elsewhere on purpose (--host): that name is allowed too; 0.0.0.0 allows any Host (the user asked for it).
  const anyHost = boundHost === '0.0.0.0' || boundHost === '::';
  if (!isLoopbackHost(boundHost)) allowed.add(boundHost.toLowerCase());
  return {
    token,
    check(req) {
      const host = req.headers.host ?? '';
      if (!anyHost && !allowed.has(hostnameOf(host))) return `Host '${host}' is not served here (sagepipe ui answers to ${[...allowed].join(', ')})`;
      const method = req.method ?? 'GET';
      if (method === 'GET' || method === 'HEAD') return undefined;
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`) return `cross-origin request from ${origin} refused`;
      if (req.headers[TOKEN_HEADER] !== token) return 'missing or wrong UI token: reload the page';
      return undefined;
    },
  };
}
