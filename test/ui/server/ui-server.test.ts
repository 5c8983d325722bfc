/**
 * The UI server over real HTTP on a temporary workspace whose executions run on a fake backend: the API the page
 * uses, its guard, live updates over server-sent events, and the actions (approve, start, stop) agreeing with the CLI.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/engine.ts';
import type { ExecutionRecord } from '../../../src/engine/records.ts';
import { ExecutionStore } from '../../../src/engine/store.ts';
import { FileRegistry } from '../../../local-runner/registry/file-registry.ts';
import { LocalS3 } from '../../../local-runner/s3/local-s3.ts';
import { createLocalWorkspace } from '../../../src/ui/server/local-workspace.ts';
import { TOKEN_HEADER, type UiServer, createUiServer } from '../../../src/ui/server/ui-server.ts';
import type { CliIO } from '../../../src/cli/io.ts';
import { stopLocalExecution } from '../../../src/cli/commands/executions.ts';
import { openSession } from '../../../local-runner/workspace.ts';
import { cli } from '../../helpers/cli.ts';
import { REPO_ROOT, tempDir } from '../../helpers/context.ts';
import { FakeBackend } from '../../helpers/fake-backend.ts';
import { definition, outputOf, processingStep, runToEnd } from '../../engine/helpers.ts';

const TOKEN = 'test-token';
const quietIO: CliIO = { out: () => undefined, err: () => undefined, interactive: false, env: {}, cwd: process.cwd() };

interface Reply {
  status: number;
  body: string;
  json: any;
}

function call(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/** Server-sent events of one stream; `until` resolves with the first event's data that satisfies the predicate. */
function events(port: number, path: string) {
  const seen: { event: string; data: any }[] = [];
  const waiters: { test: (e: { event: string; data: any }) => boolean; resolve: (d: any) => void }[] = [];
  let buffer = '';
  const req = request({ host: '127.0.0.1', port, path, headers: { Accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        const e = { event, data: JSON.parse(data) };
        seen.push(e);
        for (const w of [...waiters]) if (w.test(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e.data);
        }
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    seen,
    until(test: (e: { event: string; data: any }) => boolean): Promise<any> {
      const found = seen.find(test);
      if (found) return Promise.resolve(found.data);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
    close: () => req.destroy(),
  };
}

const stepStatus = (r: ExecutionRecord, name: string) => r.Steps.find((s) => s.StepName === name)?.StepStatus;

describe('the UI server', () => {
  const ws = tempDir('sagepipe-ui-');
  const store = new ExecutionStore(ws.path);
  const s3 = new LocalS3(join(ws.path, 's3'));
  const registry = new FileRegistry(join(ws.path, 'registry'), { region: 'us-east-1', account: '000000000000' });
  const backend = new FakeBackend();
  let ui: UiServer;
  let port: number;
  let first: ExecutionRecord;
  const loaded = definition([processingStep('A'), processingStep('B', { input: outputOf('A') })], [{ Name: 'Threshold', Type: 'Float', DefaultValue: 0.5 }]);

  beforeAll(async () => {
    const engine = new Engine({ backend, store });
    first = await runToEnd(engine, { loaded, pipelineName: 'alpha', parameters: { Threshold: '0.7' } });
    backend.failures.set('A', { kind: 'AlgorithmError', times: 1, reason: 'boom' });
    await runToEnd(engine, { loaded, pipelineName: 'beta' });
    await registry.createPackage('Group', '2026-01-01T00:00:00.000Z', (version, arn) => ({
      ModelPackageGroupName: 'Group',
      ModelPackageVersion: version,
      ModelPackageArn: arn,
      ModelApprovalStatus: 'PendingManualApproval',
      CreationTime: '2026-01-01T00:00:00.000Z',
      LastModifiedTime: '2026-01-01T00:00:00.000Z',
      'sagepipe:ModelMetricsContent': { ModelQuality: { Statistics: { metrics: { accuracy: { value: 0.87 } } } } },
    }));
    const workspace = createLocalWorkspace({
      path: ws.path,
      store,
      s3,
      registry,
      region: 'us-east-1',
      account: '000000000000',
      backend: async () => backend,
      endpoints: async () => {
        throw new Error('no endpoints in this test');
      },
      stopElsewhere: (id) => stopLocalExecution(openSession({ workspace: ws.path }, quietIO), id),
    });
    ui = createUiServer({ workspace, host: '127.0.0.1', assetsDir: join(REPO_ROOT, 'dist', 'ui'), pollMs: 20, token: TOKEN, maxDownloadBytes: 16 });
    await new Promise<void>((resolve) => ui.server.listen(0, '127.0.0.1', resolve));
    port = (ui.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await ui.close();
    ws.remove();
  });

  it('GIVEN executions of two pipelines WHEN listed THEN each has status, duration and parameters, and filters narrow the list', async () => {
    const all = await call(port, 'GET', '/api/executions');
    expect(all.json.total).toBe(2);
    expect(all.json.pipelines).toEqual(['alpha', 'beta']);
    expect(all.json.pipelineSummaries).toEqual([
      { name: 'alpha', executions: 1, latest: expect.objectContaining({ id: first.PipelineExecutionId, status: 'Succeeded' }) },
      { name: 'beta', executions: 1, latest: expect.objectContaining({ status: 'Failed' }) },
    ]);
    const alpha = all.json.executions.find((e: any) => e.pipeline === 'alpha');
    expect(alpha).toMatchObject({ id: first.PipelineExecutionId, status: 'Succeeded', steps: 2 });
    expect(alpha.parameters).toEqual([{ Name: 'Threshold', Value: '0.7' }]);
    expect(alpha.durationMs).toBeGreaterThanOrEqual(0);
    const failed = await call(port, 'GET', '/api/executions?status=Failed');
    expect(failed.json.executions.map((e: any) => e.pipeline)).toEqual(['beta']);
    expect((await call(port, 'GET', '/api/executions?pipeline=alpha')).json.executions).toHaveLength(1);
  });

  it('GIVEN an execution WHEN opened THEN its record comes with a layout of every step and the pipeline parameters', async () => {
    const r = await call(port, 'GET', `/api/executions/${first.PipelineExecutionId}`);
    expect(r.status).toBe(200);
    expect(r.json.layout.nodes.map((n: any) => n.name)).toEqual(['A', 'B']);
    expect(r.json.layout.edges).toEqual([expect.objectContaining({ from: 'A', to: 'B', kind: 'dependency' })]);
    expect(r.json.parameters[0].Name).toBe('Threshold');
    expect(r.json.stepArguments.B.ProcessingInputs[0].S3Input.S3Uri).toEqual(outputOf('A'));
    expect((await call(port, 'GET', '/api/executions/nosuchid')).status).toBe(404);
  });

  it('GIVEN the page WHEN served THEN it carries the token and loads the bundled app from the server itself', async () => {
    const page = await call(port, 'GET', '/');
    expect(page.body).toContain(`<meta name="sagepipe-token" content="${TOKEN}">`);
    expect(page.body).toContain('src="/app.js"');
    expect(page.body).not.toMatch(/https?:\/\//);
    const app = await call(port, 'GET', '/app.js');
    expect(app.status).toBe(200);
    expect(app.body.length).toBeGreaterThan(1000);
  });

  it('GIVEN another Host or no token WHEN a request arrives THEN it is refused and nothing changes', async () => {
    expect((await call(port, 'GET', '/api/executions', undefined, { Host: 'evil.example' })).status).toBe(403);
    const denied = await call(port, 'POST', '/api/models/Group/1/approval', { status: 'Approved' });
    expect(denied.status).toBe(403);
    expect((await registry.describe('Group/1')).ModelApprovalStatus).toBe('PendingManualApproval');
  });

  it('GIVEN a pending version WHEN approved from the page THEN the CLI sees it Approved with the reason in its history', async () => {
    const r = await call(port, 'POST', '/api/models/Group/1/approval', { status: 'Approved', description: 'good enough' }, { [TOKEN_HEADER]: TOKEN });
    expect(r.status, r.body).toBe(200);
    expect(r.json.status).toBe('Approved');
    const described = await cli(['models', 'describe', 'Group/1', '--workspace', ws.path, '--json']);
    const p = JSON.parse(described.stdout);
    expect(p.ModelApprovalStatus).toBe('Approved');
    expect(p['sagepipe:ApprovalHistory']).toEqual([expect.objectContaining({ From: 'PendingManualApproval', To: 'Approved', Description: 'good enough' })]);
    const models = await call(port, 'GET', '/api/models');
    expect(models.json.groups[0].versions[0]).toMatchObject({ version: 1, status: 'Approved', metrics: [['accuracy', 0.87]] });
  });

  it('GIVEN a rejected version WHEN approved without force THEN it is refused as the CLI refuses it', async () => {
    await call(port, 'POST', '/api/models/Group/1/approval', { status: 'Rejected' }, { [TOKEN_HEADER]: TOKEN });
    const r = await call(port, 'POST', '/api/models/Group/1/approval', { status: 'Approved' }, { [TOKEN_HEADER]: TOKEN });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toMatch(/Rejected: approving it needs --force/);
    const forced = await call(port, 'POST', '/api/models/Group/1/approval', { status: 'Approved', force: true }, { [TOKEN_HEADER]: TOKEN });
    expect(forced.json.status).toBe('Approved');
  });

  it('GIVEN a run started from the page WHEN a step runs and then finishes THEN the event stream shows it Executing, then Succeeded', async () => {
    const release = backend.hold('B');
    const started = await call(port, 'POST', '/api/executions/start', { fromExecution: first.PipelineExecutionId, parameters: { Threshold: '0.9' } }, { [TOKEN_HEADER]: TOKEN });
    expect(started.status, started.body).toBe(202);
    const id = started.json.executionId as string;
    const stream = events(port, `/api/executions/${id}/events`);
    try {
      await stream.until((e) => e.event === 'record' && stepStatus(e.data, 'B') === 'Executing');
      release.resolve();
      const done = await stream.until((e) => e.event === 'record' && e.data.PipelineExecutionStatus === 'Succeeded');
      expect(stepStatus(done, 'B')).toBe('Succeeded');
      expect(done.PipelineParameters).toEqual([{ Name: 'Threshold', Value: '0.9' }]);
    } finally {
      stream.close();
      backend.held.delete('B');
    }
    const log = events(port, `/api/executions/${id}/steps/B/log?follow=1`);
    try {
      expect(await log.until((e) => e.event === 'log')).toMatch(/running /);
    } finally {
      log.close();
    }
  });

  it('GIVEN a run started from the page WHEN stopped from the page THEN it ends Stopped', async () => {
    backend.hold('B');
    const started = await call(port, 'POST', '/api/executions/start', { fromExecution: first.PipelineExecutionId, parameters: {} }, { [TOKEN_HEADER]: TOKEN });
    const id = started.json.executionId as string;
    const stream = events(port, `/api/executions/${id}/events`);
    try {
      await stream.until((e) => e.event === 'record' && stepStatus(e.data, 'B') === 'Executing');
      const stopped = await call(port, 'POST', `/api/executions/${id}/stop`, {}, { [TOKEN_HEADER]: TOKEN });
      expect(stopped.json).toEqual({ executionId: id, outcome: 'aborted' });
      await stream.until((e) => e.event === 'record' && e.data.PipelineExecutionStatus === 'Stopped');
    } finally {
      stream.close();
      backend.held.delete('B');
    }
    const listed = async () => (await call(port, 'GET', '/api/executions')).json.executions.find((e: any) => e.id === id)?.status;
    expect(await listed()).toBe('Stopped');
    const retry = await call(port, 'POST', `/api/executions/${id}/retry`, {}, { [TOKEN_HEADER]: TOKEN });
    expect(retry.status, retry.body).toBe(202);
    const again = events(port, `/api/executions/${id}/events`);
    try {
      await again.until((e) => e.event === 'record' && e.data.PipelineExecutionStatus === 'Succeeded' && e.data.RetryCount === 1);
    } finally {
      again.close();
    }
    // The list had this execution Stopped (and cached): it sees the retry's new record.
    expect(await listed()).toBe('Succeeded');
  });

  it('GIVEN a long log WHEN followed THEN the page gets its tail from a line start, saying how much was left out', async () => {
    const id = first.PipelineExecutionId;
    const line = (i: number) => `line ${String(i).padStart(7, '0')} ${'x'.repeat(90)}\n`;
    await store.appendLog(id, 'A', Array.from({ length: 8000 }, (_, i) => line(i)).join(''));
    const log = events(port, `/api/executions/${id}/steps/A/log?follow=1`);
    try {
      const notice = await log.until((e) => e.event === 'log');
      expect(notice).toMatch(/^\[… \d+ earlier bytes: sagepipe executions logs \w+ A\]\n$/);
      await log.until((e) => e.event === 'log' && String(e.data).endsWith(line(7999)));
      const body = log.seen.slice(1).map((e) => e.data).join('');
      expect(body).toMatch(/^line \d{7} x+\n/);
      expect(body.length).toBeLessThanOrEqual(512 * 1024);
      expect(Number(/\[… (\d+)/.exec(notice)?.[1]) + Buffer.byteLength(body)).toBe((await call(port, 'GET', `/api/executions/${id}/steps/A/log`)).body.length);
    } finally {
      log.close();
    }
  });

  it('GIVEN a finished execution WHEN stopped THEN the page gets the CLI\'s refusal', async () => {
    const r = await call(port, 'POST', `/api/executions/${first.PipelineExecutionId}/stop`, {}, { [TOKEN_HEADER]: TOKEN });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toMatch(/is Succeeded, not running/);
  });

  it('GIVEN S3 objects WHEN downloaded from the page THEN small ones come as attachments and large ones are refused', async () => {
    await s3.putObject('s3://bucket/small.json', '{"a":1}');
    await s3.putObject('s3://bucket/large.bin', 'x'.repeat(100));
    const small = await call(port, 'GET', `/api/s3?uri=${encodeURIComponent('s3://bucket/small.json')}`);
    expect(small.status).toBe(200);
    expect(small.body).toBe('{"a":1}');
    expect((await call(port, 'GET', `/api/s3?uri=${encodeURIComponent('s3://bucket/large.bin')}`)).status).toBe(413);
    expect((await call(port, 'GET', `/api/s3?uri=${encodeURIComponent('s3://bucket/none')}`)).status).toBe(404);
  });

  it('GIVEN two executions WHEN compared THEN both come back with their parameters', async () => {
    const list = await call(port, 'GET', '/api/executions');
    const ids = list.json.executions.slice(0, 2).map((e: any) => e.id);
    const r = await call(port, 'GET', `/api/compare?ids=${ids.join(',')}`);
    expect(r.json.executions.map((e: any) => e.summary.id)).toEqual(ids);
    expect((await call(port, 'GET', `/api/compare?ids=${ids[0]}`)).status).toBe(400);
  });
});

describe('the UI server with runs in its own process', () => {
  const ws = tempDir('sagepipe-ui-events-');
  const store = new ExecutionStore(ws.path);
  const backend = new FakeBackend();
  let ui: UiServer;
  let port: number;
  let first: ExecutionRecord;

  beforeAll(async () => {
    first = await runToEnd(new Engine({ backend, store }), { loaded: definition([processingStep('A'), processingStep('B', { input: outputOf('A') })]), pipelineName: 'alpha' });
    const workspace = createLocalWorkspace({
      path: ws.path,
      store,
      s3: new LocalS3(join(ws.path, 's3')),
      registry: new FileRegistry(join(ws.path, 'registry'), { region: 'us-east-1', account: '000000000000' }),
      region: 'us-east-1',
      account: '000000000000',
      backend: async () => backend,
      endpoints: async () => {
        throw new Error('no endpoints in this test');
      },
      stopElsewhere: (id) => stopLocalExecution(openSession({ workspace: ws.path }, quietIO), id),
    });
    // A poll slower than the test's time limit: whatever arrives came from the engine's events.
    ui = createUiServer({ workspace, host: '127.0.0.1', assetsDir: join(REPO_ROOT, 'dist', 'ui'), pollMs: 600_000, token: TOKEN });
    await new Promise<void>((resolve) => ui.server.listen(0, '127.0.0.1', resolve));
    port = (ui.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await ui.close();
    ws.remove();
  });

  it('GIVEN a run started from the page WHEN its steps change THEN the page hears of each change from the engine, without waiting for a poll', async () => {
    const release = backend.hold('B');
    const started = await call(port, 'POST', '/api/executions/start', { fromExecution: first.PipelineExecutionId, parameters: {} }, { [TOKEN_HEADER]: TOKEN });
    const id = started.json.executionId as string;
    const stream = events(port, `/api/executions/${id}/events`);
    try {
      await stream.until((e) => e.event === 'record' && stepStatus(e.data, 'B') === 'Executing');
      release.resolve();
      await stream.until((e) => e.event === 'record' && e.data.PipelineExecutionStatus === 'Succeeded');
    } finally {
      stream.close();
    }
  });
});

