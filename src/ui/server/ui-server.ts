/**
 * `sagepipe ui`'s HTTP server: the single-page app (built into dist/ui by the build), a JSON API over the workspace
 * (UiWorkspace), and server-sent events for live executions and logs. Guarded like `serve`: loopback Host names only
 * unless bound elsewhere, and a per-start token on every state-changing request.
 */
import { type Server, createServer } from 'node:http';
import { errorMessage } from '../../errors.ts';
import { executionRoutes } from './execution-routes.ts';
import { GraphCache } from './graph-cache.ts';
import { type RequestGuard, TOKEN_HEADER, createGuard } from './guard.ts';
import { type Route, codeOfError, sendJson, statusOfError } from './http.ts';
import { FileFollower, readFrom } from './live.ts';
import { pageRoutes } from './page-routes.ts';
import { registryRoutes } from './registry-routes.ts';
import type { RouteContext } from './route-context.ts';
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

export interface UiServer {
  readonly server: Server;
  readonly guard: RequestGuard;
  close(): Promise<void>;
}

export function createUiServer(options: UiServerOptions): UiServer {
  const ws = options.workspace;
  const guard = createGuard(options.host, ...(options.token ? [options.token] : []));
  const follower = new FileFollower({ intervalMs: options.pollMs ?? 250 });
  const graphs = new GraphCache(ws);
  const ctx: RouteContext = {
    workspace: ws,
    token: guard.token,
    assetsDir: options.assetsDir,
    follower,
    streams: new Set(),
    graphs,
    maxDownloadBytes: options.maxDownloadBytes ?? 10 * 1024 * 1024,
    readWholeLog: async (executionId, step) => (await readFrom(ws.logFile(executionId, step), 0, 32 * 1024 * 1024)).text,
  };
  const routes: Route[] = [...pageRoutes(ctx), ...executionRoutes(ctx), ...registryRoutes(ctx)];
  const stopActivity = ws.onActivity((id) => follower.poke(ws.executionDir(id)));

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
      const code = codeOfError(error);
      if (res.headersSent) {
        res.end();
        return;
      }
      sendJson(res, status, { error: { code, message: errorMessage(error) } });
    });
  });

  server.once('listening', () => setImmediate(() => graphs.warm()));

  return {
    server,
    guard,
    close: async () => {
      stopActivity();
      follower.close();
      for (const s of ctx.streams) s.end();
      ctx.streams.clear();
      await ws.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

export { TOKEN_HEADER };
