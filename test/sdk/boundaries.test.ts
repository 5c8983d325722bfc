/**
 * The layers' boundaries, read from the sources' imports: the SDK stays inert, each layer knows only those below it,
 * dockerode stays inside the Docker runtime, and the step images' programs stand alone.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/context.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const rel = (f: string) => f.slice(REPO_ROOT.length + 1);

/** Every module a file loads when it runs: static imports and re-exports (not `import type`), and dynamic imports. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const statics = [...text.matchAll(/^(?:import|export)(?!\s+type\s)[^'";]*?\sfrom\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)].map((m) => (m[1] ?? m[2]) as string);
  const dynamics = [...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] as string);
  return [...statics, ...dynamics];
}

/** All imports, type-only ones included (a layer must not even name what is above it). */
const allImports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'";]*?['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);

/** The files and packages loading `entry` loads, following relative imports. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (target.endsWith('.ts')) visit(target);
        else seen.add(target);
      } else packages.add(spec);
    }
  };
  visit(join(REPO_ROOT, entry));
  return { files: seen, packages };
}

function offenders(dirs: readonly string[], forbidden: RegExp, imports = allImports): string[] {
  return dirs.flatMap((d) => files(join(REPO_ROOT, d))).flatMap((f) => {
    const mine = imports(f).map((spec) => (spec.startsWith('.') ? rel(resolve(dirname(f), spec)) : spec));
    return mine.filter((m) => forbidden.test(m)).map((m) => `${rel(f)} imports ${m}`);
  });
}

describe('layer boundaries', () => {
  it('GIVEN the SDK and definition sources THEN none imports dockerode, the AWS SDK, or Node I/O modules', () => {
    expect(offenders(['src/sdk', 'src/definition'], /^(dockerode|@aws-sdk\/|node:(fs|child_process|net|http))/)).toEqual([]);
  });

  it('GIVEN the SDK entry (sagepipe) THEN what it loads holds no ajv, JSON schema, Docker, AWS SDK or Node I/O', () => {
    const { files: loaded, packages } = closure('src/index.ts');
    expect([...packages].filter((p) => /^(ajv|dockerode|esbuild|tar|@aws-sdk\/|node:(fs|child_process|net|http))/.test(p))).toEqual([]);
    expect([...loaded].map(rel).filter((f) => /schema|loader|local-runner|sagemaker|engine|server|cli\//.test(f))).toEqual([]);
  });

  it('GIVEN the engine THEN it imports neither targets (local runner, SageMaker), the server, the CLI, dockerode nor the AWS SDK', () => {
    expect(offenders(['src/engine'], /^(dockerode|@aws-sdk\/)|^local-runner\/|^src\/(sagemaker|server|cli|api)\//)).toEqual([]);
  });

  it('GIVEN the server THEN it does not import the CLI', () => {
    expect(offenders(['src/server'], /^src\/cli\//)).toEqual([]);
  });

  it('GIVEN the server THEN it runs and reads executions, pipelines, callbacks and approvals only through the ExecutionTarget', () => {
    // Not the engine, the execution store, runner leases, callback answers, the pipelines store nor approval: the target owns them.
    expect(offenders(['src/server'], /^src\/engine\/(engine|store|runner-lease|callbacks)\.ts$|^local-runner\/(pipelines-store|registry\/approval)\.ts$/)).toEqual([]);
    const reaching = files(join(REPO_ROOT, 'src/server'))
      .filter((f) => /\bnew Engine\(|\.store\.(list|load|resolve|create|save|requestStop)\(/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(reaching).toEqual([]);
  });

  it('GIVEN serve THEN it waits for nothing by polling: no timers anywhere in the server', () => {
    const polling = files(join(REPO_ROOT, 'src/server'))
      .filter((f) => /setTimeout|setInterval/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(polling).toEqual([]);
  });

  it('GIVEN the CLI\'s registry commands THEN they reach the model registry only through the target (so --target sagemaker works)', () => {
    expect(offenders(['src/cli/commands'], /^local-runner\/registry\//)).toEqual([]);
  });

  it('GIVEN the SageMaker target THEN it does not import the local runner', () => {
    expect(offenders(['src/sagemaker'], /^local-runner\//)).toEqual([]);
  });

  it('GIVEN all sources THEN only the Docker runtime imports dockerode, and nothing reaches its client', () => {
    const dirs = ['src', 'local-runner', 'containers'];
    expect(offenders(dirs, /^dockerode$/).filter((o) => !o.startsWith('local-runner/runtime/docker-runtime.ts '))).toEqual([]);
    const reaching = dirs
      .flatMap((d) => files(join(REPO_ROOT, d)))
      .filter((f) => !f.endsWith('docker-runtime.ts') && /\.docker\.(modem|getImage|buildImage|getContainer|createContainer|ping)\b/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(reaching).toEqual([]);
  });

  it('GIVEN the container runtimes THEN they do not import the compiler (esbuild bundling)', () => {
    expect(offenders(['local-runner/runtime'], /^src\/compile\/|^esbuild$/)).toEqual([]);
  });

  it('GIVEN the step images\' sources THEN they import nothing from src/ or the local runner (they stand alone in an image)', () => {
    expect(offenders(['containers'], /^(src|local-runner)\//)).toEqual([]);
  });

  it('GIVEN the library entries THEN sagepipe/local and sagepipe/testing load no AWS SDK, and sagepipe/sagemaker no local runner', () => {
    for (const entry of ['src/api/local.ts', 'src/api/testing.ts']) {
      expect([...closure(entry).packages].filter((p) => p.startsWith('@aws-sdk/')), entry).toEqual([]);
    }
    expect([...closure('src/api/sagemaker.ts').files].map(rel).filter((f) => f.startsWith('local-runner/'))).toEqual([]);
  });

  it('GIVEN all sources THEN SageMaker ARNs are built only by src/arn.ts', () => {
    const building = ['src', 'local-runner']
      .flatMap((d) => files(join(REPO_ROOT, d)))
      .filter((f) => !f.endsWith('src/arn.ts') && /`arn:aws:sagemaker:\$\{/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(building).toEqual([]);
  });

  it('GIVEN the package entry THEN it names its exports (no export *)', () => {
    expect(readFileSync(join(REPO_ROOT, 'src/index.ts'), 'utf8')).not.toMatch(/export \*/);
  });
});
