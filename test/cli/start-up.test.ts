/**
 * What `sagepipe` loads before it runs a command: the built CLI's static module graph (dist/cli.js and the chunks it
 * imports). Heavy packages and other commands' modules are imported when their command runs, so `run` starts fast.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/context.ts';

/** The files and packages Node loads before the CLI's first line runs: static imports only, followed through dist/. */
function staticGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s*"([^"]+)"|^import\s*"([^"]+)"/gm)) {
      const spec = (m[1] ?? m[2]) as string;
      if (spec.startsWith('.')) visit(normalize(join(dirname(file), spec)));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(join(REPO_ROOT, 'dist', entry));
  return { files, packages };
}

describe('the CLI at start-up', () => {
  it('GIVEN the built CLI THEN the only package it loads before a command runs is commander', () => {
    expect([...staticGraph('cli.js').packages]).toEqual(['commander']);
  });

  it("GIVEN the built CLI THEN neither the server's, the UI's nor the SageMaker target's modules load before a command runs", () => {
    const sources = staticGraph('cli.js').files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\/\/ (\S+\.ts)$/gm)].map((m) => m[1] as string));
    expect(sources).toContain('src/cli/commands/run.ts');
    expect(sources.filter((s) => /^src\/(server|ui|sagemaker)\/|graph\/layout/.test(s))).toEqual([]);
  });
});
