/**
 * Who may talk to `serve`: requests whose Host names this server (so a web page cannot reach it through DNS
 * rebinding) and that do not come from a browser (`Origin`, `Sec-Fetch-*`: AWS SDKs and CLIs never send them).
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.ts';

const LOOPBACK = ['localhost', '127.0.0.1', '::1', '[::1]'];

export interface HostPolicy {
  /** Host names (without port) this server answers to; `*.<name>` is accepted too (S3's virtual-host style). */
  readonly names: readonly string[];
}

/** Loopback names, plus the name `--host` binds to when it is neither loopback nor a wildcard address. */
export function hostPolicy(bindHost: string, extra: readonly string[] = []): HostPolicy {
  const names = new Set([...LOOPBACK, ...extra.map((e) => e.toLowerCase())]);
  if (!['0.0.0.0', '::', ''].includes(bindHost)) names.add(bindHost.toLowerCase());
  return { names: [...names] };
}

/** The Host header's name, lower-cased, without its port. */
export function hostName(req: IncomingMessage): string {
  const host = String(req.headers.host ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}

/** The bucket a virtual-host-style S3 request names (`<bucket>.<allowed host>`), if any. */
export function virtualHostBucket(host: string, policy: HostPolicy): string | undefined {
  for (const name of policy.names) {
    if (host.endsWith(`.${name}`)) {
      const bucket = host.slice(0, -(name.length + 1)).replace(/\.s3$/, '');
      return bucket && bucket !== 's3' ? bucket : undefined;
    }
  }
  return undefined;
}

export function checkRequestOrigin(req: IncomingMessage, policy: HostPolicy): void {
  const host = hostName(req);
  if (!host || !(policy.names.includes(host) || virtualHostBucket(host, policy) !== undefined)) {
    throw new ApiError('AccessDenied', `Host '${host}' is not served here (accepted: ${policy.names.join(', ')}; start serve with --host <name> to add one)`, 403);
  }
  // Browsers send Origin (cross-origin and POST) and Sec-Fetch-Site/-Dest on every request; AWS SDKs and CLIs send
  // neither. (Sec-Fetch-Mode alone is not a browser's mark: Node's fetch sends it.)
  const browser = ['origin', 'sec-fetch-site', 'sec-fetch-dest', 'sec-fetch-user'].find((h) => req.headers[h] !== undefined);
  if (browser) {
    throw new ApiError('AccessDenied', `requests from web browsers are refused (${browser} header present)`, 403);
  }
}
