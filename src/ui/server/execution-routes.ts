/** Executions: the list, one execution with its layout, live records and logs, metrics, compare, downloads, actions. */
import { stat } from 'node:fs/promises';
import { isTerminal } from '../../engine/records.ts';
import { type ExecutionSummary, summarize } from './api.ts';
import { HttpError, type Route, readJson, requireText, sendJson } from './http.ts';
import { readFrom, sendEvent, startEventStream } from './live.ts';
import { executionMetrics } from './metrics.ts';
import type { RouteContext } from './route-context.ts';

/** How much of a log the page gets when it starts following it. */
const LOG_TAIL_BYTES = 512 * 1024;

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

export function executionRoutes(ctx: RouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/executions$/,
      handler: async (_req, res, _p, url) => {
        const { executions, corrupt } = await ctx.workspace.listExecutions();
        const pipeline = url.searchParams.get('pipeline');
        const status = url.searchParams.get('status');
        const all: ExecutionSummary[] = executions.map(summarize);
        const pipelines = [...new Set(all.map((e) => e.pipeline))].sort();
        // Per pipeline: how many executions, and the newest (the list is newest first).
        const pipelineSummaries = pipelines.map((name) => {
          const runs = all.filter((e) => e.pipeline === name);
          const latest = runs[0] as ExecutionSummary;
          return { name, executions: runs.length, latest: { id: latest.id, status: latest.status, created: latest.created } };
        });
        const shown = all.filter((e) => (!pipeline || e.pipeline === pipeline) && (!status || e.status === status));
        sendJson(res, 200, { executions: shown, total: all.length, pipelines, pipelineSummaries, corrupt });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions\/([\w-]+)$/,
      handler: async (_req, res, [id]) => {
        const stored = await ctx.workspace.loadExecution(id as string);
        const steps = Object.fromEntries([...(await ctx.graphs.graphOf(stored.record.PipelineExecutionId)).nodes.values()].map((n) => [n.name, n.definition.Arguments ?? {}]));
        sendJson(res, 200, { record: stored.record, layout: await ctx.graphs.layoutOf(stored.record.PipelineExecutionId), parameters: stored.definition.Parameters ?? [], stepArguments: steps });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions\/([\w-]+)\/events$/,
      handler: async (req, res, [id]) => {
        const stored = await ctx.workspace.loadExecution(id as string);
        const execId = stored.record.PipelineExecutionId;
        startEventStream(res);
        ctx.streams.add(res);
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
              const next = await ctx.workspace.loadExecution(execId).catch(() => undefined);
              if (next) sendEvent(res, 'record', next.record);
            } while (again);
          } finally {
            sending = false;
          }
        };
        // Subscribe first, then read: a write in between is caught by the follower.
        const unfollow = ctx.follower.follow(ctx.workspace.executionDir(execId), () => void push());
        void push();
        res.once('close', () => {
          unfollow();
          ctx.streams.delete(res);
        });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions\/([\w-]+)\/steps\/([\w.-]+)\/log$/,
      handler: async (req, res, [id, step], url) => {
        const stored = await ctx.workspace.loadExecution(id as string);
        const execId = stored.record.PipelineExecutionId;
        const file = ctx.workspace.logFile(execId, step as string);
        if (url.searchParams.get('follow') !== '1') {
          const { text: body } = await readFrom(file, 0, 8 * 1024 * 1024);
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);
          return;
        }
        startEventStream(res);
        ctx.streams.add(res);
        // A long log starts at its tail (whole lines): the page stays quick; the CLI prints all of it.
        const size = await fileSize(file);
        let offset = 0;
        if (size > LOG_TAIL_BYTES) {
          const from = await readFrom(file, size - LOG_TAIL_BYTES, LOG_TAIL_BYTES);
          const firstLine = from.text.indexOf('\n') + 1;
          offset = size - LOG_TAIL_BYTES + Buffer.byteLength(from.text.slice(0, firstLine));
          sendEvent(res, 'log', `[… ${offset} earlier bytes: sagepipe executions logs ${execId} ${step}]\n`);
        }
        let reading = false;
        let again = false;
        const pump = async () => {
          if (reading) {
            again = true;
            return;
          }
          reading = true;
          try {
            do {
              again = false;
              for (;;) {
                const chunk = await readFrom(file, offset);
                offset = chunk.next;
                if (chunk.text === '') break;
                sendEvent(res, 'log', chunk.text);
              }
            } while (again);
          } finally {
            reading = false;
          }
        };
        await pump();
        const unfollowLog = ctx.follower.follow(file, () => void pump());
        // The record says when the step (and so its log) is done.
        const unfollowRecord = ctx.follower.follow(ctx.workspace.executionDir(execId), () => {
          void ctx.workspace.loadExecution(execId).then(async (s) => {
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
          ctx.streams.delete(res);
        });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/executions\/([\w-]+)\/metrics$/,
      handler: async (_req, res, [id]) => {
        sendJson(res, 200, await executionMetrics(await ctx.workspace.loadExecution(id as string), (uri) => ctx.workspace.readObject(uri), ctx.readWholeLog));
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
          const stored = await ctx.workspace.loadExecution(id);
          const m = await executionMetrics(stored, (uri) => ctx.workspace.readObject(uri), ctx.readWholeLog);
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
        const uri = requireText(url.searchParams.get('uri'), 'uri');
        const size = await ctx.workspace.objectSize(uri);
        if (size === undefined) throw new HttpError(404, `no object ${uri} (a prefix holds several objects: use the CLI)`, 'S3_OBJECT_NOT_FOUND');
        if (size > ctx.maxDownloadBytes) throw new HttpError(413, `${uri} is ${size} bytes: larger than the UI downloads (${ctx.maxDownloadBytes})`);
        const name = (uri.split('/').pop() || 'object').replace(/[^\w.-]/g, '_');
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${name}"`, 'Content-Length': String(size) }).end(await ctx.workspace.readObject(uri));
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
        sendJson(res, 202, await ctx.workspace.start({ fromExecution: requireText(body.fromExecution, 'fromExecution'), parameters: values }));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/executions\/([\w-]+)\/retry$/,
      handler: async (_req, res, [id]) => sendJson(res, 202, await ctx.workspace.retry(id as string)),
    },
    {
      method: 'POST',
      pattern: /^\/api\/executions\/([\w-]+)\/stop$/,
      handler: async (_req, res, [id]) => sendJson(res, 200, await ctx.workspace.stop(id as string)),
    },
  ];
}
