/** The page itself: its HTML (carrying the token for state-changing requests) and the bundled script and styles. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpError, type Route } from './http.ts';
import type { RouteContext } from './route-context.ts';

function indexHtml(token: string, workspace: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="sagepipe-token" content="${esc(token)}"><meta name="sagepipe-workspace" content="${esc(workspace)}">
<title>sagepipe</title><link rel="stylesheet" href="/app.css"></head>
<body><div id="app">loading…</div><script type="module" src="/app.js"></script></body></html>
`;
}

export function pageRoutes(ctx: RouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/$/,
      handler: async (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(indexHtml(ctx.token, ctx.workspace.path));
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
        const body = await readFile(join(ctx.assetsDir, `app.${ext}`)).catch(() => {
          throw new HttpError(500, `the UI is not built (${join(ctx.assetsDir, `app.${ext}`)} is missing): run npm run build`, 'NOT_BUILT');
        });
        res.writeHead(200, { 'Content-Type': ext === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }).end(body);
      },
    },
  ];
}
