/**
 * `sagepipe ui`'s HTTP server: the single-page app (built into dist/ui by the build), a JSON API over the workspace
 * (UiWorkspace), and server-sent events for live executions and logs. Guarded like `serve`: loopback Host names only
 * unless bound elsewhere, and a per-start token on every state-changing request.
 */
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { join } from 'node:path';
import type { StepGraph } from '../../definition/graph.ts';
import { loadDefinition } from '../../definition/loader.ts';
import { type SchemaValidator, createSchemaValidator } from '../../definition/schema.ts';
import { ErrorCode, errorMessage, isSagepipeError } from '../../errors.ts';
import { isTerminal } from '../../engine/records.ts';
import type { ApprovalStatus } from '../../../local-runner/registry/file-registry.ts';
import { type DagLayout, layoutDag } from '../graph/layout.ts';
import { type ExecutionSummary, summarize, versionSummary } from './api.ts';
import { type RequestGuard, TOKEN_HEADER, createGuard } from './guard.ts';
import { FileFollower, readFrom, sendEvent, startEventStream } from './live.ts';
import { executionMetrics } from './metrics.ts';
import type { UiWorkspace } from './workspace.ts';

export interface UiServerOptions {
  readonly workspace: UiWorkspace;
  /** The address the server is bound to (Host names it answers to follow from it). */
  readonly host: string;
  /** Folder with app.js and app.css (the build's dist/ui). */
  readonly assetsDir: string;
  /** @default 250 ms */
  readonly pollMs?: number;
  /** Objects up to this size can be downloaded from the page. @default 10 MiB */
  readonly maxDownloadBytes?: number;
  /** Fixed token (tests); @default random per start */
  readonly token?: string;
  readonly onRequest?: (line: string) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'BAD_REQUEST',
  ) {
    super(message);
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;
interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const MAX_JSON_BODY = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
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

function statusOfError(error: unknown): number {
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

function indexHtml(token: string, workspace: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="sagepipe-token" content="${esc(token)}"><meta name="sagepipe-workspace" content="${esc(workspace)}">
<title>sagepipe</title><link rel="stylesheet" href="/app.css"></head>
<body><div id="app">loading…</div><script type="module" src="/app.js"></script></body></html>
`;
}

export interface UiServer {
  readonly server: Server;
  readonly guard: RequestGuard;
  close(): Promise<void>;
}

export function createUiServer(options: UiServerOptions): UiServer {
  const ws = options.workspace;
  const guard = createGuard(options.host, ...(options.token ? [options.token] : []));
  const follower = new FileFollower({ intervalMs: options.pollMs ?? 250 });
  const maxDownload = options.maxDownloadBytes ?? 10 * 1024 * 1024;
  const layouts = new Map<string, DagLayout>();
  const streams = new Set<ServerResponse>();
  // Compiling the definition schema takes seconds on a slow machine: done once, as soon as the server listens.
  let validator: SchemaValidator | undefined;
  const validatorOnce = () => (validator ??= createSchemaValidator());

  const graphs = new Map<string, StepGraph>();

  /** The step graph of an execution's definition (which never changes), loaded once. */
  async function graphOf(id: string): Promise<StepGraph> {
    const cached = graphs.get(id);
    if (cached) return cached;
    const stored = await ws.loadExecution(id);
    const graph = loadDefinition(stored.definition, { source: `execution ${id}`, validator: validatorOnce() }).graph;
    graphs.set(id, graph);
    return graph;
  }

  async function layoutOf(id: string): Promise<DagLayout> {
    const cached = layouts.get(id);
    if (cached) return cached;
    const graph = await graphOf(id);
    const layout = layoutDag([...graph.nodes.values()].map((n) => ({ name: n.name, type: n.type, dependsOn: n.dependsOn, branch: n.branch })));
    layouts.set(id, layout);
    return layout;
  }

  const readWholeLog = async (executionId: string, step: string) => (await readFrom(ws.logFile(executionId, step), 0, 32 * 1024 * 1024)).text;

  const text = (value: unknown, field: string): string => {
    if (typeof value !== 'string' || value === '') throw new HttpError(400, `field '${field}' must be a non-empty string`);
    return value;
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/$/,
      handler: async (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(indexHtml(guard.token, ws.path));
      },
    },
    {
      method: 'GET',
      pattern: /^\/favicon\.ico$/,
      handler: async (_req, res) => {
        res.writeHead(204).end();
      },
    },
    {
      method: 'GET',
      pattern: /^\/app\.(js|css)$/,
      handler: async (_req, res, [ext]) => {
        const body = await readFile(join(options.assetsDir, `app.${ext}`)).catch(() => {
          throw new HttpError(500, `the UI is not built (${join(options.assetsDir, `app.${ext}`)} is missing): run npm run build`, 'NOT_BUILT');
        });
        res.writeHead(200, { 'Content-Type': ext === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }).end(body);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions$/,
      handler: async (_req, res, _p, url) => {
        const { executions, corrupt } = await ws.listExecutions();
        const pipeline = url.searchParams.get('pipeline');
        const status = url.searchParams.get('status');
        const all: ExecutionSummary[] = executions.map(summarize);
        const pipelines = [...new Set(all.map((e) => e.pipeline))].sort();
        const shown = all.filter((e) => (!pipeline || e.pipeline === pipeline) && (!status || e.status === status));
        sendJson(res, 200, { executions: shown, total: all.length, pipelines, corrupt });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions\/([\w-]+)$/,
      handler: async (_req, res, [id]) => {
        const stored = await ws.loadExecution(id as string);
        const steps = Object.fromEntries([...(await graphOf(stored.record.PipelineExecutionId)).nodes.values()].map((n) => [n.name, n.definition.Arguments ?? {}]));
        sendJson(res, 200, { record: stored.record, layout: await layoutOf(stored.record.PipelineExecutionId), parameters: stored.definition.Parameters ?? [], stepArguments: steps });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions\/([\w-]+)\/events$/,
      handler: async (req, res, [id]) => {
        const stored = await ws.loadExecution(id as string);
        const execId = stored.record.PipelineExecutionId;
        startEventStream(res);
        streams.add(res);
        let sending = false;
        let again = false;
        const push = async () => {
          if (sending) {
            again = true;
            return;
          }
          sending = true;
          try {
            do {
              again = false;
              const next = await ws.loadExecution(execId).catch(() => undefined);
              if (next) sendEvent(res, 'record', next.record);
            } while (again);
          } finally {
            sending = false;
          }
        };
        // Subscribe first, then read: a write in between is caught by the follower.
        const unfollow = follower.follow(ws.executionRecordFile(execId), () => void push());
        void push();
        res.once('close', () => {
          unfollow();
          streams.delete(res);
        });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions\/([\w-]+)\/steps\/([\w.-]+)\/log$/,
      handler: async (req, res, [id, step], url) => {
        const stored = await ws.loadExecution(id as string);
        const execId = stored.record.PipelineExecutionId;
        const file = ws.logFile(execId, step as string);
        if (url.searchParams.get('follow') !== '1') {
          const { text: body } = await readFrom(file, 0, 8 * 1024 * 1024);
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);
          return;
        }
        startEventStream(res);
        streams.add(res);
        let offset = 0;
        let reading = false;
        const pump = async () => {
          if (reading) return;
          reading = true;
          try {
            for (;;) {
              const chunk = await readFrom(file, offset);
              offset = chunk.next;
              if (chunk.text === '') break;
              sendEvent(res, 'log', chunk.text);
            }
          } finally {
            reading = false;
          }
        };
        await pump();
        const unfollowLog = follower.follow(file, () => void pump());
        // The record says when the step (and so its log) is done.
        const unfollowRecord = follower.follow(ws.executionRecordFile(execId), () => {
          void ws.loadExecution(execId).then(async (s) => {
            const st = s.record.Steps.find((x) => x.StepName === step);
            if (isTerminal(s.record.PipelineExecutionStatus) || (st && ['Succeeded', 'Failed', 'Stopped'].includes(st.StepStatus))) {
              await pump();
              sendEvent(res, 'end', st?.StepStatus ?? s.record.PipelineExecutionStatus);
            }
          }, () => undefined);
        });
        res.once('close', () => {
          unfollowLog();
          unfollowRecord();
          streams.delete(res);
        });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions\/([\w-]+)\/metrics$/,
      handler: async (_req, res, [id]) => {
        sendJson(res, 200, await executionMetrics(await ws.loadExecution(id as string), (uri) => ws.readObject(uri), readWholeLog));
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/compare$/,
      handler: async (_req, res, _p, url) => {
        const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
        if (ids.length < 2) throw new HttpError(400, 'compare needs two or more execution ids (?ids=a,b)');
        const out = [];
        for (const id of ids) {
          const stored = await ws.loadExecution(id);
          const m = await executionMetrics(stored, (uri) => ws.readObject(uri), readWholeLog);
          const final: [string, number][] = m.training.flatMap((t) => Object.entries(t.series).map(([k, v]): [string, number] => [`${t.step} final ${k}`, v.at(-1)?.[1] ?? Number.NaN]));
          out.push({ summary: summarize(stored.record), metrics: [...m.report.flatMap((r) => r.metrics), ...final] });
        }
        sendJson(res, 200, { executions: out });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/s3$/,
      handler: async (_req, res, _p, url) => {
        const uri = text(url.searchParams.get('uri'), 'uri');
        const size = await ws.objectSize(uri);
        if (size === undefined) throw new HttpError(404, `no object ${uri} (a prefix holds several objects: use the CLI)`, 'S3_OBJECT_NOT_FOUND');
        if (size > maxDownload) throw new HttpError(413, `${uri} is ${size} bytes: larger than the UI downloads (${maxDownload})`);
        const name = (uri.split('/').pop() || 'object').replace(/[^\w.-]/g, '_');
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${name}"`, 'Content-Length': String(size) }).end(await ws.readObject(uri));
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/models$/,
      handler: async (_req, res) => {
        const groups = [];
        for (const g of await ws.groups()) {
          const name = String(g.ModelPackageGroupName);
          groups.push({ name, arn: g.ModelPackageGroupArn, created: g.CreationTime, versions: (await ws.versions(name)).map(versionSummary) });
        }
        sendJson(res, 200, { groups, endpoints: await ws.endpoints().catch(() => []) });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/models\/([\w-]+)\/(\d+)\/approval$/,
      handler: async (req, res, [group, version]) => {
        const body = await readJson(req);
        const status = body.status;
        if (status !== 'Approved' && status !== 'Rejected' && status !== 'PendingManualApproval') {
          throw new HttpError(400, "field 'status' must be Approved, Rejected or PendingManualApproval");
        }
        const updated = await ws.setApproval(`${group}/${version}`, status as ApprovalStatus, {
          ...(typeof body.description === 'string' && body.description ? { description: body.description } : {}),
          force: body.force === true,
        });
        sendJson(res, 200, versionSummary(updated));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/endpoints$/,
      handler: async (req, res) => {
        const body = await readJson(req);
        const record = await ws.deploy(text(body.model, 'model'), { ...(typeof body.name === 'string' && body.name ? { name: body.name } : {}), allowUnapproved: body.allowUnapproved === true });
        sendJson(res, 200, record);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/endpoints\/([\w-]+)\/invoke$/,
      handler: async (req, res, [name]) => {
        const body = await readJson(req);
        sendJson(res, 200, await ws.invoke(name as string, text(body.body, 'body'), typeof body.contentType === 'string' ? body.contentType : 'text/csv'));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/executions\/start$/,
      handler: async (req, res) => {
        const body = await readJson(req);
        const parameters = (body.parameters ?? {}) as Record<string, unknown>;
        if (typeof parameters !== 'object' || parameters === null) throw new HttpError(400, "field 'parameters' must be an object");
        const values = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(v)]));
        sendJson(res, 202, await ws.start({ fromExecution: text(body.fromExecution, 'fromExecution'), parameters: values }));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/executions\/([\w-]+)\/retry$/,
      handler: async (_req, res, [id]) => sendJson(res, 202, await ws.retry(id as string)),
    },
    {
      method: 'POST',
      pattern: /^\/api\/executions\/([\w-]+)\/stop$/,
      handler: async (_req, res, [id]) => sendJson(res, 200, await ws.stop(id as string)),
    },
  ];

  const server = createServer((req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    res.once('finish', () => options.onRequest?.(`${req.method} ${url.pathname} ${res.statusCode} ${Date.now() - started} ms`));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'");
    const refused = guard.check(req);
    if (refused) {
      sendJson(res, 403, { error: { code: 'FORBIDDEN', message: refused } });
      return;
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const candidates = routes.filter((r) => r.pattern.test(url.pathname));
    const route = candidates.find((r) => r.method === method);
    if (!route) {
      sendJson(res, candidates.length > 0 ? 405 : 404, { error: { code: candidates.length > 0 ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND', message: `${req.method} ${url.pathname} is not served` } });
      return;
    }
    const params = (route.pattern.exec(url.pathname) ?? []).slice(1).map((p) => decodeURIComponent(p));
    route.handler(req, res, params, url).catch((error: unknown) => {
      const status = statusOfError(error);
      const code = error instanceof HttpError ? error.code : isSagepipeError(error) ? error.code : 'INTERNAL';
      if (res.headersSent) {
        res.end();
        return;
      }
      sendJson(res, status, { error: { code, message: errorMessage(error) } });
    });
  });

  server.once('listening', () => setImmediate(validatorOnce));

  return {
    server,
    guard,
    close: async () => {
      follower.close();
      for (const s of streams) s.end();
      streams.clear();
      await ws.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

export { TOKEN_HEADER };
