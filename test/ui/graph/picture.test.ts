/** `sagepipe graph --format svg|png|html` on the reference pipeline. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { runBrowserTests } from '../../helpers/browser.ts';
import { REPO_ROOT, tempDir } from '../../helpers/context.ts';

const PIPELINE = join(REPO_ROOT, 'examples', 'adult', 'pipeline.ts');
const STEPS = ['adultAccCond', 'adultCreateModel', 'adultEval', 'adultProcess', 'adultRegisterModel', 'adultTrain'];

describe('sagepipe graph as a picture', () => {
  const dir = tempDir('sagepipe-graph-');
  afterAll(() => dir.remove());

  it('GIVEN the reference pipeline WHEN drawn as SVG THEN every step is a node and the condition\'s branches are labelled', async () => {
    const r = await cli(['graph', PIPELINE, '--format', 'svg', '--workspace', dir.path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect([...r.stdout.matchAll(/class="dag-node[^"]*" data-step="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(STEPS);
    expect(r.stdout.match(/class="dag-edge edge-if"/g)).toHaveLength(2);
  });

  it('GIVEN --format html and --output WHEN drawn THEN the file is a page holding the same SVG', async () => {
    const out = join(dir.path, 'graph.html');
    const r = await cli(['graph', PIPELINE, '--format', 'html', '-o', out, '--workspace', dir.path]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/class="dag-node/g)).toHaveLength(6);
  });

  it('GIVEN --format png without --output, or an unknown format THEN a usage error says what to do', async () => {
    expect((await cli(['graph', PIPELINE, '--format', 'png', '--workspace', dir.path])).stderr).toMatch(/--format png writes a file: name it with --output/);
    const bad = await cli(['graph', PIPELINE, '--format', 'gif', '--workspace', dir.path]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be mermaid, svg, png or html \(got 'gif'\)/);
  });

  it('GIVEN no Chromium WHEN drawn as PNG THEN the error says it needs Chromium', async () => {
    const r = await cli(['graph', PIPELINE, '--format', 'png', '-o', join(dir.path, 'x.png'), '--workspace', dir.path], { env: { SAGEPIPE_CHROMIUM: '/nonexistent/chromium' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format png needs Chromium \(\/nonexistent\/chromium is missing\)/);
  });

  it.runIf(runBrowserTests)('GIVEN Chromium WHEN drawn as PNG THEN the file is a PNG the size of the layout', async () => {
    const out = join(dir.path, 'graph.png');
    const r = await cli(['graph', PIPELINE, '--format', 'png', '-o', out, '--workspace', dir.path]);
    expect(r.code, r.stderr).toBe(0);
    const png = readFileSync(out);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const svg = (await cli(['graph', PIPELINE, '--format', 'svg', '--workspace', dir.path])).stdout;
    const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg) as RegExpExecArray;
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([Number(width), Number(height)]);
  });
});
