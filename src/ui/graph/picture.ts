/**
 * `sagepipe graph --format svg|png|html`: the DAG drawn with the UI's layout. PNG is a screenshot of the HTML page by
 * headless Chromium (Debian's /usr/bin/chromium, or $SAGEPIPE_CHROMIUM); nothing is downloaded.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StepGraph } from '../../definition/graph.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import { type DagLayout, layoutDag } from './layout.ts';
import { renderDagHtml, renderDagSvg } from './svg.ts';

export type PictureFormat = 'svg' | 'png' | 'html';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

export function layoutOfGraph(graph: StepGraph): DagLayout {
  return layoutDag([...graph.nodes.values()].map((n) => ({ name: n.name, type: n.type, dependsOn: n.dependsOn, branch: n.branch })));
}

export function chromiumPath(env: NodeJS.ProcessEnv): string {
  return env.SAGEPIPE_CHROMIUM ?? '/usr/bin/chromium';
}

async function screenshot(html: string, width: number, height: number, chromium: string): Promise<Uint8Array> {
  if (!existsSync(chromium)) {
    throw new SagepipeError(ErrorCode.UsageError, `--format png needs Chromium (${chromium} is missing): install it (apt-get install chromium) or set SAGEPIPE_CHROMIUM, or use --format svg`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'sagepipe-graph-'));
  try {
    const page = join(dir, 'graph.html');
    const png = join(dir, 'graph.png');
    await writeFile(page, html);
    const args = [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, 'profile')}`, `--window-size=${width},${height}`, `--screenshot=${png}`, pathToFileURL(page).href];
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('error', (e) => reject(new SagepipeError(ErrorCode.UsageError, `could not start ${chromium}: ${e.message}`)));
      child.once('close', () => {
        clearTimeout(timer);
        resolve(err);
      });
    });
    try {
      return await readFile(png);
    } catch {
      throw new SagepipeError(ErrorCode.Internal, `Chromium wrote no screenshot: ${stderr.trim().split('\n').slice(-3).join(' ')}`, { fault: 'sagepipe' });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function renderPicture(graph: StepGraph, format: PictureFormat, title: string, env: NodeJS.ProcessEnv): Promise<string | Uint8Array> {
  const layout = layoutOfGraph(graph);
  switch (format) {
    case 'svg':
      return `${renderDagSvg(layout)}\n`;
    case 'html':
      return renderDagHtml(layout, title);
    case 'png':
      return screenshot(renderDagHtml(layout, title), Math.max(layout.width, 200), Math.max(layout.height, 100), chromiumPath(env));
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
