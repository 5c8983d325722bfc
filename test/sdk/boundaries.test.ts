/** The SDK stays inert: no Docker, no AWS SDK, no file or network I/O in what a pipeline module imports. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/context.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);

describe('layer boundaries', () => {
  it('GIVEN the SDK and definition sources THEN none imports dockerode, the AWS SDK, or Node I/O modules', () => {
    const offenders = [...files(join(REPO_ROOT, 'src/sdk')), ...files(join(REPO_ROOT, 'src/definition'))].flatMap((f) =>
      importsOf(f)
        .filter((m) => /^(dockerode|@aws-sdk\/|node:(fs|child_process|net|http))/.test(m))
        .map((m) => `${f.slice(REPO_ROOT.length + 1)} imports ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it('GIVEN the engine sources THEN none imports dockerode or the AWS SDK (it reaches jobs through JobBackend)', () => {
    const offenders = files(join(REPO_ROOT, 'src/engine')).flatMap((f) =>
      importsOf(f)
        .filter((m) => /^(dockerode|@aws-sdk\/)|local-runner|\/cli\//.test(m))
        .map((m) => `${f.slice(REPO_ROOT.length + 1)} imports ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it('GIVEN the package entry THEN it names its exports (no export *)', () => {
    expect(readFileSync(join(REPO_ROOT, 'src/index.ts'), 'utf8')).not.toMatch(/export \*/);
  });
});
