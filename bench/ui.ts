/**
 * `npm run bench -- ui`: is `sagepipe ui` responsive on big workspaces? Each figure beside a small baseline in the
 * same run: the executions list with 1,000 executions vs 10, and a 300-step DAG vs the reference pipeline's 6 steps
 * (layout, API, first render in Chromium, and a live update from a record write to the changed node on the page).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { ExecutionRecord, StepRecord } from '../src/engine/records.ts';
import { ExecutionStore } from '../src/engine/store.ts';
import type { PipelineDefinition } from '../src/definition/types.ts';
import { FileRegistry } from '../local-runner/registry/file-registry.ts';
import { LocalS3 } from '../local-runner/s3/local-s3.ts';
import { layoutDag } from '../src/ui/graph/layout.ts';
import { CHROMIUM_FLAGS } from '../src/ui/graph/picture.ts';
import { createLocalWorkspace } from '../src/ui/server/local-workspace.ts';
import { createUiServer } from '../src/ui/server/ui-server.ts';

type Record_ = (section: string, what: string, value: string, baseline?: string, ratio?: string) => void;

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** A definition of `n` processing steps in layers of 10, each depending on one step of the layer before, plus a condition. */
function definition(n: number): object {
  const steps: object[] = Array.from({ length: n - 1 }, (_, i) => ({
    Name: `step${i}`,
    Type: 'Processing',
    ...(i >= 10 ? { DependsOn: [`step${i - 10 + ((i * 7) % 10) - (i % 10)}`] } : {}),
    Arguments: { ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } }, AppSpecification: { ImageUri: 'img' }, RoleArn: 'r' },
  }));
  steps.push({ Name: 'gate', Type: 'Condition', DependsOn: [`step${n - 2}`], Arguments: { Conditions: [{ Type: 'Equals', LeftValue: 1, RightValue: 1 }], IfSteps: [], ElseSteps: [] } });
  return { Version: '2020-12-01', Parameters: [{ Name: 'Alpha', Type: 'Float', DefaultValue: 0.5 }], Steps: steps };
}

function stepRecord(name: string, status: StepRecord['StepStatus']): StepRecord {
  return { StepName: name, StepType: 'Processing', StepStatus: status, StartTime: '2026-01-01T00:00:00.000Z', EndTime: '2026-01-01T00:00:01.000Z', AttemptCount: 1, Metadata: {} };
}

function record(id: string, pipeline: string, steps: StepRecord[], i: number): ExecutionRecord {
  const t = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    PipelineArn: `arn:aws:sagemaker:us-east-1:000000000000:pipeline/${pipeline}`,
    PipelineName: pipeline,
    PipelineExecutionArn: `arn:aws:sagemaker:us-east-1:000000000000:pipeline/${pipeline}/execution/${id}`,
    PipelineExecutionId: id,
    PipelineExecutionDisplayName: `execution-${i}`,
    PipelineExecutionStatus: i % 7 === 0 ? 'Failed' : 'Succeeded',
    CreationTime: t,
    LastModifiedTime: t,
    StartTime: t,
    EndTime: t,
    PipelineParameters: [{ Name: 'Alpha', Value: String(i / 1000) }],
    ParallelismConfiguration: { MaxParallelExecutionSteps: 4 },
    Steps: steps,
    NotExecutedSteps: [],
    RetryCount: 0,
  };
}

/** A workspace written through the execution store (so its on-disk format is the store's). */
async function workspace(executions: number, dagSteps: number): Promise<{ path: string; ids: string[] }> {
  const path = mkdtempSync(join(tmpdir(), 'sagepipe-bench-ui-'));
  const store = new ExecutionStore(path);
  const def = definition(dagSteps) as PipelineDefinition;
  const names = [...Array.from({ length: dagSteps - 1 }, (_, i) => `step${i}`), 'gate'];
  const ids: string[] = [];
  for (let i = 0; i < executions; i++) {
    const id = `bench${String(i).padStart(6, '0')}`;
    ids.push(id);
    await store.create(record(id, `pipeline${i % 5}`, names.map((n) => stepRecord(n, 'Succeeded')), i), def);
  }
  return { path, ids };
}

async function serve(path: string) {
  const store = new ExecutionStore(path);
  const ws = createLocalWorkspace({
    path,
    store,
    s3: new LocalS3(join(path, 's3')),
    registry: new FileRegistry(join(path, 'registry'), { region: 'us-east-1', account: '000000000000' }),
    region: 'us-east-1',
    account: '000000000000',
    recover: async (id) => (await store.load(id)).record,
    backend: async () => {
      throw new Error('no runs in the benchmark');
    },
    endpoints: async () => {
      throw new Error('no endpoints in the benchmark');
    },
    stopElsewhere: async () => {
      throw new Error('no runs in the benchmark');
    },
  });
  const ui = createUiServer({ workspace: ws, host: '127.0.0.1', assetsDir: join(process.cwd(), 'dist', 'ui') });
  await new Promise<void>((r) => ui.server.listen(0, '127.0.0.1', r));
  return { ui, url: `http://127.0.0.1:${(ui.server.address() as { port: number }).port}`, store };
}

async function timeFetch(url: string, times: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = now();
    await (await fetch(url)).text();
    xs.push(now() - t);
  }
  return median(xs);
}

export async function benchUi(out: Record_): Promise<void> {
  // Layout alone: dagre on the 300-step graph vs the reference pipeline's 6.
  const layoutTime = (n: number) => {
    const def = definition(n) as { Steps: { Name: string; Type: string; DependsOn?: string[] }[] };
    const nodes = def.Steps.map((s) => ({ name: s.Name, type: s.Type, dependsOn: s.DependsOn ?? [] }));
    const xs = Array.from({ length: 5 }, () => {
      const t = now();
      layoutDag(nodes);
      return now() - t;
    });
    return median(xs);
  };
  const l300 = layoutTime(300);
  const l6 = layoutTime(6);
  out('ui', 'DAG layout (dagre), 300 steps (once per execution, then cached)', ms(l300), `${ms(l6)} for 6 steps`, `${(l300 / l6).toFixed(0)}x`);

  const big = await workspace(1000, 6);
  const small = await workspace(10, 6);
  const dag = await workspace(1, 300);
  const servers = await Promise.all([serve(big.path), serve(small.path), serve(dag.path)]);
  const [sBig, sSmall, sDag] = servers as [Awaited<ReturnType<typeof serve>>, Awaited<ReturnType<typeof serve>>, Awaited<ReturnType<typeof serve>>];
  try {
    const listBig = await timeFetch(`${sBig.url}/api/executions`, 7);
    const listSmall = await timeFetch(`${sSmall.url}/api/executions`, 7);
    out('ui', 'GET /api/executions, 1,000 executions (records re-read only when changed)', ms(listBig), `${ms(listSmall)} for 10`, `${(listBig / listSmall).toFixed(1)}x`);
    const firstDag = await timeFetch(`${sDag.url}/api/executions/${dag.ids[0]}`, 1);
    const cachedDag = await timeFetch(`${sDag.url}/api/executions/${dag.ids[0]}`, 7);
    const small6 = await timeFetch(`${sSmall.url}/api/executions/${small.ids[0]}`, 7);
    out('ui', 'GET /api/executions/<id>, 300-step DAG (first: with layout; then cached)', `${ms(firstDag)} then ${ms(cachedDag)}`, `${ms(small6)} for 6 steps`, `${(cachedDag / small6).toFixed(1)}x cached`);

    const browserPath = process.env.SAGEPIPE_CHROMIUM ?? '/usr/bin/chromium';
    if (!existsSync(browserPath)) {
      out('ui', 'browser figures', 'skipped', '', `no Chromium at ${browserPath}`);
      return;
    }
    const profile = mkdtempSync(join(tmpdir(), 'sagepipe-bench-chromium-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: browserPath, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 900 } });
    try {
      const page = await context.newPage();
      const listRender = async (url: string, rows: number) => {
        const xs: number[] = [];
        for (let i = -1; i < 5; i++) {
          const t = now();
          await page.goto(`${url}/#/executions`);
          await page.locator('#executions tbody tr').nth(rows - 1).waitFor();
          if (i >= 0) xs.push(now() - t); // the first load warms the page up
        }
        return median(xs);
      };
      const rBig = await listRender(sBig.url, 200);
      const rSmall = await listRender(sSmall.url, 10);
      out('ui', 'executions page load to rows shown (Chromium), 1,000 executions (first 200 rows drawn)', ms(rBig), `${ms(rSmall)} for 10`, `${(rBig / rSmall).toFixed(1)}x`);

      const dagRender = async (url: string, id: string, nodes: number) => {
        const xs: number[] = [];
        for (let i = -1; i < 5; i++) {
          const t = now();
          await page.goto(`${url}/#/executions/${id}`);
          await page.locator('.dag-node').nth(nodes - 1).waitFor();
          if (i >= 0) xs.push(now() - t);
        }
        return median(xs);
      };
      const d300 = await dagRender(sDag.url, dag.ids[0] as string, 300);
      const d6 = await dagRender(sSmall.url, small.ids[0] as string, 6);
      out('ui', 'execution page load to DAG drawn (Chromium), 300 steps', ms(d300), `${ms(d6)} for 6 steps`, `${(d300 / d6).toFixed(1)}x`);

      // A live update: rewrite the record with one step Executing, time until the page shows it (poll interval 250 ms).
      const liveUpdate = async (s: Awaited<ReturnType<typeof serve>>, id: string, nodes: number) => {
        await page.goto(`${s.url}/#/executions/${id}`);
        await page.locator('.dag-node').nth(nodes - 1).waitFor();
        const stored = await s.store.load(id);
        const xs: number[] = [];
        for (let i = 0; i < 5; i++) {
          const status = i % 2 === 0 ? 'Executing' : 'Succeeded';
          const step = stored.record.Steps[Math.floor(stored.record.Steps.length / 2)] as StepRecord;
          step.StepStatus = status;
          const t = now();
          await s.store.save(stored.record);
          await page.locator(`.dag-node[data-step="${step.StepName}"][data-status="${status}"]`).waitFor();
          xs.push(now() - t);
        }
        return median(xs);
      };
      const u300 = await liveUpdate(sDag, dag.ids[0] as string, 300);
      const u6 = await liveUpdate(sSmall, small.ids[0] as string, 6);
      out('ui', 'live update, record written to node recoloured (Chromium), 300 steps', ms(u300), `${ms(u6)} for 6 steps`, 'includes the 250 ms poll');
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  } finally {
    await Promise.all(servers.map((s) => s.ui.close()));
    for (const w of [big, small, dag]) rmSync(w.path, { recursive: true, force: true });
  }
}
