/**
 * `sagepipe serve`: an HTTP server speaking the SageMaker API's JSON protocol (`X-Amz-Target: SageMaker.<Op>`,
 * `application/x-amz-json-1.1`) and the S3 REST subset the SageMaker backend uses, on the local runner. Requests must
 * be SigV4-signed (any credentials are accepted: the signature is not checked). Binds to loopback unless told not to.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { join } from 'node:path';
import { errorMessage } from '../errors.ts';
import { readRequestBody } from '../../containers/runtime/http-body.ts';
import type { LocalBackend } from '../../local-runner/local-backend.ts';
import type { LocalTarget } from '../../local-runner/local-target.ts';
import type { LocalSession } from '../../local-runner/workspace.ts';
import type { Endpoints } from '../../local-runner/endpoints/endpoints.ts';
import { ApiError } from './api-error.ts';
import { S3Api, sendS3Error } from './s3-api.ts';
import { sageMakerOperations } from './sagemaker-api.ts';

export interface ApiServerOptions {
  readonly session: LocalSession;
  readonly backend: LocalBackend;
  /** The local endpoints CreateEndpoint starts and InvokeEndpoint calls. */
  readonly endpoints: Endpoints;
  /** Runs the executions. @default a local target on the session and backend */
  readonly target?: LocalTarget;
  /** Called for each request (method, target, status), e.g. to log. */
  readonly onRequest?: (line: string) => void;
}

const MAX_BODY = 512 * 1024 * 1024;

function signed(req: IncomingMessage): boolean {
  const auth = req.headers.authorization ?? '';
  const url = new URL(req.url ?? '/', 'http://localhost');
  return auth.startsWith('AWS4-HMAC-SHA256 Credential=') || url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': crypto.randomUUID() }).end(JSON.stringify(body));
}

export function createApiServer(options: ApiServerOptions): Server {
  const endpoints = options.endpoints;
  const operations = sageMakerOperations({
    session: options.session,
    backend: options.backend,
    pipelines: options.session.pipelines,
    ...(options.target ? { target: options.target } : {}),
    endpoints,
    endpointConfigs: join(options.session.workspace, 'endpoint-configs'),
  });
  const s3 = new S3Api(options.session.s3);
  return createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const started = Date.now();
    const done = (status: number) => options.onRequest?.(`${req.method} ${target || req.url} ${status} ${Date.now() - started} ms`);
    void (async () => {
      const body = await readRequestBody(req, MAX_BODY, () => new ApiError('EntityTooLarge', 'request body too large', 413));
      if (target) {
        if (!signed(req)) throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token: requests must be signed with AWS Signature Version 4 (any credentials work locally)', 403);
        const [service, op = ''] = target.split('.');
        const operation = service === 'SageMaker' ? operations[op] : undefined;
        if (!operation) throw new ApiError('UnknownOperationException', `Operation ${target} is not implemented by sagepipe serve (see docs/sagemaker.md for what is)`);
        let input: Record<string, unknown>;
        try {
          input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
        } catch {
          throw new ApiError('SerializationException', 'request body is not valid JSON');
        }
        sendJson(res, 200, await operation(input as never));
        done(200);
        return;
      }
      const invocation = /^\/endpoints\/([^/]+)\/invocations$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (invocation && req.method === 'POST') {
        // SageMaker Runtime's InvokeEndpoint (restJson1): the body goes to the endpoint as it is.
        if (!signed(req)) throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
        const name = decodeURIComponent(invocation[1] as string);
        try {
          const answer = await endpoints.invoke(name, body, String(req.headers['content-type'] ?? 'text/csv'), req.headers.accept);
          res.writeHead(200, { 'Content-Type': answer.contentType || 'text/csv', 'x-Amzn-Invoked-Production-Variant': 'AllTraffic' }).end(answer.body);
          done(200);
        } catch (error) {
          const message = errorMessage(error);
          const type = /answered 4\d\d/.test(message) ? 'ModelError' : /no endpoint/.test(message) ? 'ValidationError' : 'ServiceUnavailable';
          res.writeHead(type === 'ModelError' ? 424 : 400, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type }).end(JSON.stringify({ message, Message: message }));
          done(400);
        }
        return;
      }
      if (!signed(req)) throw new ApiError('AccessDenied', 'requests must be signed with AWS Signature Version 4 (any credentials work locally)', 403);
      await s3.handle(req, res, body);
      done(res.statusCode);
    })().catch((error: unknown) => {
      const api = error instanceof ApiError ? error : new ApiError('InternalFailure', errorMessage(error), 500);
      if (target) {
        if (!res.headersSent) sendJson(res, api.status, { __type: api.type, message: api.message });
      } else sendS3Error(res, api, req.url ?? '/');
      done(api.status);
    });
  });
}
