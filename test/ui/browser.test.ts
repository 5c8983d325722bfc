/**
 * `sagepipe ui` in a real browser (Debian's Chromium through playwright-core) on a workspace where the reference
 * pipeline ran through the CLI: the DAG, the metrics charts, the registry with approval agreeing with the CLI, a live
 * run seen without reloading, and cache hits. With SAGEPIPE_UI_SCREENSHOTS=<dir> it also writes the docs' screenshots.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore } from '../../src/engine/store.ts';
import { type Browser, launchBrowser, runBrowserTests } from '../helpers/browser.ts';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'sagepipe.js');
const shots = process.env.SAGEPIPE_UI_SCREENSHOTS;

function adultData(): string {
  const candidates = [join(REPO_ROOT, 'data', 'adult.csv'), ADULT_CSV, '/work/shared/data/adult.csv'];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`the adult data is missing (run data/fetch.sh): looked at ${candidates.join(', ')}`);
  return found;
}

const runArgs = (ws: string, ...extra: string[]) => [BIN, 'run', 'examples/adult/pipeline.ts', '--workspace', ws, '--runtime', 'process', '--no-logs', '--param', `InputData=${adultData()}`, ...extra];

function executionIds(ws: string): string[] {
  try {
    return readdirSync(join(ws, 'executions'));
  } catch {
    return [];
  }
}

/** Waits for a file-system condition made by another process (bounded). */
async function eventually<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startUi(ws: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'ui', '--workspace', ws, '--port', '0', '--quiet', '--runtime', 'process'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`sagepipe ui exited (${code}): ${err}`)));
  });
  return { url, child };
}

async function shot(page: Page, name: string): Promise<void> {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

describe.runIf(runBrowserTests)('sagepipe ui in Chromium, on a workspace where the reference pipeline ran', () => {
  const ws = tempDir('sagepipe-ui-browser-');
  let ui: { url: string; child: ChildProcess };
  let browser: Browser;
  let page: Page;
  let firstId: string;
  let endpointName: string | undefined;
  const pageErrors: string[] = [];

  afterEach(() => {
    // No script error on any page, ever.
    expect(pageErrors).toEqual([]);
  });

  beforeAll(async () => {
    await run(process.execPath, runArgs(ws.path), { cwd: REPO_ROOT });
    [firstId] = executionIds(ws.path) as [string];
    ui = await startUi(ws.path);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    if (endpointName) await run(process.execPath, [BIN, 'endpoints', 'delete', endpointName, '--workspace', ws.path], { cwd: REPO_ROOT }).catch(() => undefined);
    await browser?.close();
    ui?.child.kill('SIGTERM');
    ws.remove();
  });

  it('GIVEN the executions page WHEN opened THEN the run is listed Succeeded with its parameters', async () => {
    await page.goto(`${ui.url}#/executions`);
    const row = page.locator(`tr[data-execution="${firstId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('Succeeded');
    expect(await row.locator('td.params').textContent()).toContain('InputData=');
    const card = page.locator('.pipeline-card[data-pipeline="adultPipeline"]');
    expect(await card.textContent()).toContain('1 execution');
    expect(await card.locator('.badge').getAttribute('data-status')).toBe('Succeeded');
  });

  it('GIVEN the execution WHEN opened THEN the DAG shows its six steps Succeeded, the condition\'s branches, and the metrics charts', async () => {
    await page.locator(`tr[data-execution="${firstId}"] a`).first().click();
    await page.locator('.dag-node').nth(5).waitFor();
    const nodes = await page.locator('.dag-node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-status')}`));
    expect(nodes.sort()).toEqual([
      'adultAccCond:Succeeded',
      'adultCreateModel:Succeeded',
      'adultEval:Succeeded',
      'adultProcess:Succeeded',
      'adultRegisterModel:Succeeded',
      'adultTrain:Succeeded',
    ]);
    expect(await page.locator('.dag-edge.edge-if').count()).toBe(2);
    const validation = page.locator('svg.line-chart path.series[data-series="validation-logloss"]');
    await validation.waitFor();
    expect(Number(await validation.getAttribute('data-points'))).toBeGreaterThan(10);
    expect(Number(await page.locator('svg.bar-chart rect.bar[data-metric="accuracy"]').getAttribute('data-value'))).toBeGreaterThan(0.8);
  });

  it('GIVEN the DAG WHEN a step is clicked THEN its inputs, outputs with download links, and its log are shown', async () => {
    await page.locator('.dag-node[data-step="adultTrain"]').click();
    await expect.poll(() => page.locator('#step-panel h2').textContent()).toContain('adultTrain');
    expect(await page.locator('#step-panel .uris code').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^s3:\/\/.*model\.tar\.gz$/)]));
    const link = await page.locator('#step-panel a.download').first().getAttribute('href');
    expect(link).toMatch(/^\/api\/s3\?uri=s3%3A%2F%2F/);
    await expect.poll(() => page.locator('#step-log').textContent(), { timeout: 10_000 }).toMatch(/validation-logloss/);
    await shot(page, 'ui-execution');
  });

  it('GIVEN the registry page WHEN the version is approved from the page THEN `sagepipe models describe` agrees', async () => {
    await page.goto(`${ui.url}#/models`);
    const row = page.locator('tr[data-version="AdultModelPackageGroupName/1"]');
    await row.waitFor();
    expect(await row.locator('.approval .badge').getAttribute('data-status')).toBe('PendingManualApproval');
    expect(await row.textContent()).toMatch(/accuracy\s*0\.8\d/);
    await row.locator('input.reason').fill('accuracy is fine');
    await row.locator('button.approve').click();
    await expect.poll(() => page.locator('tr[data-version="AdultModelPackageGroupName/1"] .approval .badge').getAttribute('data-status')).toBe('Approved');
    const { stdout } = await run(process.execPath, [BIN, 'models', 'describe', 'AdultModelPackageGroupName/1', '--workspace', ws.path, '--json'], { cwd: REPO_ROOT });
    const described = JSON.parse(stdout);
    expect(described.ModelApprovalStatus).toBe('Approved');
    expect(described['sagepipe:ApprovalHistory'].at(-1)).toMatchObject({ From: 'PendingManualApproval', To: 'Approved', Description: 'accuracy is fine' });
  });

  it('GIVEN the approved version WHEN deployed from the page and tried with two test rows THEN the predictions are evaluate.ts\'s', async () => {
    const { record } = await new ExecutionStore(ws.path).load(firstId);
    const outputs = (step: string) => (record.Steps.find((s) => s.StepName === step)?.Properties?.ProcessingOutputConfig as { Outputs: any[] }).Outputs;
    const local = (uri: string) => join(ws.path, 's3', uri.replace('s3://', ''));
    const testUri: string = outputs('adultProcess').find((o: { OutputName: string }) => o.OutputName === 'test').S3Output.S3Uri;
    const rows = readFileSync(join(local(testUri), 'test.csv'), 'utf8').split('\n').slice(0, 2).map((r) => r.split(',').slice(1).join(','));
    const expected = readFileSync(join(local(outputs('adultEval')[0].S3Output.S3Uri), 'predictions.csv'), 'utf8').split('\n').slice(0, 2).map(Number);
    await page.locator('tr[data-version="AdultModelPackageGroupName/1"] button.deploy').click();
    const endpoint = page.locator('#endpoints tr[data-endpoint]').first();
    await endpoint.waitFor({ timeout: 60_000 });
    endpointName = (await endpoint.getAttribute('data-endpoint')) as string;
    expect(await endpoint.locator('.badge').getAttribute('data-status')).toBe('InService');
    await endpoint.locator('textarea').fill(rows.join('\n'));
    await endpoint.locator('form.invoke button').click();
    await expect.poll(() => endpoint.locator('pre.answer').textContent(), { timeout: 30_000 }).toMatch(/\d/);
    const got = ((await endpoint.locator('pre.answer').textContent()) ?? '').trim().split('\n').map(Number);
    expect(got).toHaveLength(2);
    got.forEach((p, i) => expect(Math.abs(p - (expected[i] as number))).toBeLessThan(1e-6));
    await shot(page, 'ui-models');
  }, 150_000);

  it('GIVEN a run in another process WHEN its page is open THEN a step turns from Executing to Succeeded without a reload', async () => {
    // A changed instance type changes the steps' arguments, so nothing comes from the cache and the jobs really run.
    const child = run(process.execPath, runArgs(ws.path, '--param', 'ProcessingInstanceType=ml.m5.large'), { cwd: REPO_ROOT });
    const id = await eventually(() => executionIds(ws.path).find((e) => e !== firstId), 'the second execution');
    await page.goto(`${ui.url}#/executions/${id}`);
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));
    const executing = page.locator('.dag-node[data-status="Executing"]').first();
    await executing.waitFor({ timeout: 60_000 });
    const step = (await executing.getAttribute('data-step')) as string;
    await shot(page, 'ui-live');
    await page.locator(`.dag-node[data-step="${step}"][data-status="Succeeded"]`).waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    await child;
    await page.locator('#execution-status [data-status="Succeeded"]').waitFor({ timeout: 30_000 });
    expect((await new ExecutionStore(ws.path).load(id)).record.PipelineExecutionStatus).toBe('Succeeded');
  }, 150_000);

  it('GIVEN the first execution WHEN started again from its page with the same parameters THEN the new run succeeds and its cache hits are marked', async () => {
    const before = new Set(executionIds(ws.path));
    await page.goto(`${ui.url}#/executions/${firstId}`);
    await page.locator('details.start summary').click();
    expect(await page.locator('#start-form input[name="InputData"]').inputValue()).toBe(adultData());
    await page.locator('#start').click();
    await page.waitForURL((url) => /#\/executions\/[a-z0-9]{12}$/.test(url.hash) && !url.hash.endsWith(firstId));
    const id = new URL(page.url()).hash.split('/').pop() as string;
    expect(before.has(id)).toBe(false);
    await page.locator('#execution-status [data-status="Succeeded"]').waitFor({ timeout: 120_000 });
    const cached = await page.locator('.dag-node[data-cache-hit="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(cached).toEqual(expect.arrayContaining(['adultProcess', 'adultTrain']));
    expect(await page.locator('.cache-badge').count()).toBe(cached.length);
    // The cached training step ran no job here: its chart comes from the log of the run it reused.
    await page.locator('svg.line-chart path.series[data-series="validation-logloss"]').waitFor();
  }, 150_000);

  it('GIVEN two executions WHEN compared THEN the differing parameter is marked and metrics sit side by side', async () => {
    const ids = executionIds(ws.path);
    await page.goto(`${ui.url}#/compare?ids=${ids.join(',')}`);
    await page.locator('#compare-params').waitFor();
    expect(await page.locator('#compare-params tr.differs').evaluateAll((els) => els.map((e) => e.getAttribute('data-param')))).toEqual(['ProcessingInstanceType']);
    expect(await page.locator('#compare-metrics tr[data-metric="accuracy"] td').count()).toBe(ids.length);
    await shot(page, 'ui-compare');
    if (shots) {
      await page.goto(`${ui.url}#/executions`);
      await page.locator('#executions tbody tr').nth(ids.length - 1).waitFor();
      await shot(page, 'ui-executions');
    }
  });
});
