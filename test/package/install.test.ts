/**
 * The package installs into a fresh TypeScript project: `npm pack`, install the tarball (from the npm cache, no
 * network needed), type-check with NodeNext + strict + skipLibCheck false, and run the project's own vitest tests —
 * one through sagepipe/local, one testing AWS-SDK code against startLocalSageMaker().
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

describe('the packed package in a fresh project', () => {
  const dir = tempDir('sagepipe-consumer-');
  afterAll(() => dir.remove());

  it('GIVEN npm pack WHEN installed into a NodeNext/strict project THEN it type-checks without skipLibCheck and its tests pass', () => {
    // npm test builds first; packing without scripts keeps this test from rewriting dist/ under the others' feet.
    expect(existsSync(join(REPO_ROOT, 'dist/types/src/api/local.d.ts')), 'dist/ is not built: npm run build').toBe(true);
    const packed = npm(['pack', '--silent', '--ignore-scripts', '--pack-destination', dir.path], REPO_ROOT).trim().split('\n').pop() as string;
    const tarball = join(dir.path, packed);
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' });
    expect(listing).toContain('package/dist/types/src/api/local.d.ts');
    expect(listing).not.toContain('data/adult.csv');

    const project = join(dir.path, 'project');
    cpSync(join(REPO_ROOT, 'test/fixtures/package-consumer'), project, { recursive: true });
    cpSync(join(REPO_ROOT, 'test/fixtures/library'), join(project, 'pipeline'), { recursive: true });
    // The pipeline fixture is written for this repository (.ts imports); a NodeNext project imports .js.
    for (const f of readdirSync(join(project, 'pipeline'))) {
      const file = join(project, 'pipeline', f);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/(from '\.\/[^']+)\.ts'/g, "$1.js'"));
    }
    const manifest = join(project, 'package.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('SAGEPIPE_TARBALL', tarball));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error'], project);

    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/sagepipe/package.json'), 'utf8')) as { exports: Record<string, { types?: string }> };
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'object') expect(target.types, entry).toMatch(/\.d\.ts$/);
    }
    const dts = (readdirSync(join(project, 'node_modules/sagepipe/dist/types'), { recursive: true }) as string[]).filter((f) => f.endsWith('.d.ts'));
    expect(dts.length).toBeGreaterThan(10);
    const leaking = dts.filter((f) => /from '\.{1,2}\/[^']+\.ts'/.test(readFileSync(join(project, 'node_modules/sagepipe/dist/types', f), 'utf8')));
    expect(leaking).toEqual([]);

    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    const typecheck = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
      } catch (error) {
        return `tsc failed: ${(error as { stdout?: string }).stdout ?? ''}`;
      }
    })();
    expect(typecheck).toBe('');

    const vitest = join(project, 'node_modules/vitest/vitest.mjs');
    let output = '';
    try {
      output = execFileSync(process.execPath, [vitest, 'run', '--reporter', 'verbose'], {
        cwd: project,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' },
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`the project's tests failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
    expect(output).toMatch(/✓ test\/local\.test\.ts > runs the score pipeline locally and reads its results/);
    expect(output).toMatch(/✓ test\/aws\.test\.ts > tests S3 code through the AWS SDK/);
    expect(output).toMatch(/✓ test\/aws\.test\.ts > runs a pipeline on the local SageMaker/);
    expect(output).toMatch(/Tests\s+3 passed \(3\)/);
  }, 300_000);
});
