/** `sagepipe images build|list`: this checkout's images, by content tag, with the version tag kept for users. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_IMAGES } from '../../../local-runner/images/catalogue.ts';
import { VERSION } from '../../../src/version.ts';
import { cli } from '../../helpers/cli.ts';
import { projectImage, runDockerTests } from '../../helpers/docker.ts';

describe.runIf(runDockerTests)('sagepipe images (Docker)', () => {
  it('GIVEN sagepipe-node WHEN built THEN it is built as its content tag and tagged with the version too, as the same image', async () => {
    const r = await cli(['images', 'build', 'node', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`built ${projectImage('node')} (also tagged sagepipe-node:${VERSION})\n`);
    const id = (tag: string) => execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { encoding: 'utf8' }).trim();
    expect(id(`sagepipe-node:${VERSION}`)).toBe(id(projectImage('node')));
  }, 300_000);

  it('GIVEN the images WHEN listed with --json THEN each names the content tag this checkout runs, and whether it is present', async () => {
    const r = await cli(['images', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { image: string; tag: string; present: boolean }[];
    expect(rows.map((row) => row.tag)).toEqual([...PROJECT_IMAGES.map((i) => projectImage(i)), 'sagepipe-base:python-bookworm']);
    expect(rows.find((row) => row.image === 'sagepipe-node')?.present).toBe(true);
    for (const row of rows.slice(0, 3)) expect(row.tag).toMatch(new RegExp(`^${row.image}:${VERSION.replace(/\./g, '\\.')}-[0-9a-f]{12}$`));
  });
});
