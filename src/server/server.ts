/**
 * `sagepipe serve`: one URL for the AWS services a SageMaker user's tools call — SageMaker (JSON 1.1,
 * `X-Amz-Target: SageMaker.<Op>`), SageMaker Runtime (`POST /endpoints/<name>/invocations`), STS (query protocol,
 * GetCallerIdentity) and S3 (REST, path- and virtual-host-style) — on the local runner.
 *
 * Each request passes, in order: the origin check (Host names this server; no browser headers), the signature
 * check (SigV4; verified when credentials are configured), then its service. Bodies are bounded (413); object
 * uploads stream to disk.
 */
import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { JsonObject } from '../definition/types.ts';
import type { JobBackend } from '../engine/backend.ts';
import type { LocalSession } from '../../local-runner/workspace.ts';
import type { Endpoints } from '../../local-runner/endpoints/endpoints.ts';
import { ApiError, toApiError } from './http/api-error.ts';
import { readSmallBody } from './http/body.ts';
import { type HostPolicy, checkRequestOrigin, hostName, hostPolicy, virtualHostBucket } from './http/request-guard.ts';
import { type ServeCredentials, type SignedRequest, verifySignature } from './http/sigv4.ts';
import { GuardedBackend, type ServePolicy } from './guarded-backend.ts';
import { INVOCATION_PATH, invokeEndpoint } from './runtime-api.ts';
import { S3Api } from './s3/s3-api.ts';
import { sendS3Error } from './s3/xml.ts';
import { createContext } from './sagemaker/context.ts';
import { sageMakerOperations } from './sagemaker/operations.ts';
import { handleSts, sendStsError } from './sts-api.ts';

export interface ApiServerOptions {
  readonly session: LocalSession;
  readonly backend: JobBackend;
  /** The runtime the backend's jobs run on (the process runtime runs them as the serving user). */
  readonly runtimeKind: 'docker' | 'process';
  /** The local endpoints CreateEndpoint starts and InvokeEndpoint calls. */
  readonly endpoints: Endpoints;
  /** The address the server binds (its name is accepted in Host headers). @default '127.0.0.1' */
  readonly bindHost?: string;
  /** More Host names to accept (a team's DNS name for the machine). @default none */
  readonly hostNames?: readonly string[];
  /** When given, every request's SigV4 signature is verified with these. @default none: any credentials */
  readonly credentials?: ServeCredentials;
  /** @default both false */
  readonly policy?: Partial<ServePolicy>;
  /** Largest SageMaker/STS/runtime request body. @default 16 MiB */
  readonly maxRequestBytes?: number;
  /** Largest object or part upload. @default 5 GiB */
  readonly maxObjectBytes?: number;
  /** Called for each request (method, target, status), e.g. to log. */
  readonly onRequest?: (line: string) => void;
}

type Protocol = 'sagemaker' | 'runtime' | 'sts' | 's3';

/** Which service a request is for: its X-Amz-Target, its path, its signing scope, its form. */
function protocolOf(req: IncomingMessage, path: string, signed: SignedRequest | undefined, virtualBucket: string | undefined): Protocol {
  if (virtualBucket) return 's3';
  if (req.headers['x-amz-target']) return 'sagemaker';
  if (req.method === 'POST' && INVOCATION_PATH.test(path) && signed?.service !== 's3') return 'runtime';
  if (signed?.service === 'sts') return 'sts';
  if (req.method === 'POST' && path === '/' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return 'sts';
  return 's3';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': crypto.randomUUID() }).end(JSON.stringify(body));
}

const unsigned = () => new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token: requests must be signed with AWS Signature Version 4 (any credentials work unless serve was started with --access-key)', 403);

export function createApiServer(options: ApiServerOptions): Server {
  const policy: ServePolicy = { allowLocalPaths: options.policy?.allowLocalPaths ?? false, allowHostCode: options.policy?.allowHostCode ?? false };
  const backend = new GuardedBackend(options.backend, options.runtimeKind, policy);
  const ctx = createContext({ session: options.session, backend, endpoints: options.endpoints });
  const operations = sageMakerOperations(ctx);
  const hosts: HostPolicy = hostPolicy(options.bindHost ?? '127.0.0.1', options.hostNames);
  const maxRequest = options.maxRequestBytes ?? 16 * 1024 * 1024;
  const s3 = new S3Api(options.session.s3, options.session.region, { maxObjectBytes: options.maxObjectBytes ?? 5 * 1024 ** 3, maxControlBytes: 1024 * 1024 });
  void s3.cleanup();

  /** A body read whole (JSON, forms), and its signature checked against it. */
  const signedBody = async (req: IncomingMessage): Promise<{ body: Buffer; signed: SignedRequest }> => {
    const body = await readSmallBody(req, maxRequest);
    const hash = createHash('sha256').update(body).digest('hex');
    const declared = req.headers['x-amz-content-sha256'];
    if (typeof declared === 'string' && /^[0-9a-f]{64}$/.test(declared) && declared !== hash) throw new ApiError('XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
    const signed = verifySignature(req, options.credentials, hash);
    if (!signed) throw unsigned();
    return { body, signed };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, protocol: Protocol, virtualBucket: string | undefined): Promise<void> => {
    switch (protocol) {
      case 'sagemaker': {
        const target = String(req.headers['x-amz-target']);
        const { body } = await signedBody(req);
        const dot = target.indexOf('.');
        const service = target.slice(0, dot);
        const op = target.slice(dot + 1);
        const operation = service === 'SageMaker' ? operations.get(op) : undefined;
        if (!operation) throw new ApiError('UnknownOperationException', `Operation ${target} is not implemented by sagepipe serve (see docs/serve.md for what is)`);
        let input: unknown;
        try {
          input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
        } catch {
          throw new ApiError('SerializationException', 'request body is not valid JSON');
        }
        if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ApiError('SerializationException', 'request body must be a JSON object');
        sendJson(res, 200, await operation(input as JsonObject));
        return;
      }
      case 'runtime': {
        const { body } = await signedBody(req);
        const name = decodeURIComponent(INVOCATION_PATH.exec(new URL(req.url ?? '/', 'http://localhost').pathname)?.[1] ?? '');
        const accept = req.headers.accept;
        await invokeEndpoint(options.endpoints, name, body, { contentType: String(req.headers['content-type'] ?? 'text/csv'), ...(accept ? { accept } : {}) }, res);
        return;
      }
      case 'sts': {
        const { body, signed } = await signedBody(req);
        handleSts(body, res, { account: options.session.account, accessKeyId: signed.accessKeyId });
        return;
      }
      case 's3': {
        // The body streams to disk: the signature is checked on the headers (x-amz-content-sha256 names the payload hash).
        if (!verifySignature(req, options.credentials)) throw new ApiError('AccessDenied', 'requests must be signed with AWS Signature Version 4 (any credentials work unless serve was started with --access-key)', 403);
        await s3.handle(req, res, virtualBucket);
        return;
      }
      default: {
        const never: never = protocol;
        throw new Error(`unknown protocol ${String(never)}`);
      }
    }
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let protocol: Protocol = req.headers['x-amz-target'] ? 'sagemaker' : 's3';
    const label = () => `${req.method} ${req.headers['x-amz-target'] ?? req.url}`;
    void (async () => {
      checkRequestOrigin(req, hosts);
      const virtualBucket = virtualHostBucket(hostName(req), hosts);
      let signed: SignedRequest | undefined;
      try {
        signed = verifySignature(req, undefined);
      } catch {
        signed = undefined;
      }
      protocol = protocolOf(req, path, signed, virtualBucket);
      await handle(req, res, protocol, virtualBucket);
      options.onRequest?.(`${label()} ${res.statusCode} ${Date.now() - started} ms`);
    })().catch((error: unknown) => {
      const api = toApiError(error);
      if (protocol === 's3') sendS3Error(res, api, req.url ?? '/', req.method ?? 'GET');
      else if (protocol === 'sts') sendStsError(res, api);
      else if (!res.headersSent) {
        res.writeHead(api.status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': crypto.randomUUID(), 'x-amzn-ErrorType': api.type, ...(api.status === 413 ? { Connection: 'close' } : {}) }).end(JSON.stringify({ __type: api.type, message: api.message }));
      } else res.destroy();
      options.onRequest?.(`${label()} ${api.status} ${Date.now() - started} ms`);
    });
  });
  // Executions this server runs end with it (Stopped, their jobs ended), instead of holding the process open unseen.
  server.on('close', () => void ctx.target.stopAll());
  return server;
}
