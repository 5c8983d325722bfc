// Builds the CLI, the library entry points and the step images' programs with esbuild (about a second), and the
// entry points' type declarations with tsc (dist/types, relative imports rewritten from .ts to .js).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', absWorkingDir: root, logLevel: 'warning', sourcemap: true };

await Promise.all([
  // Split so that what a command imports lazily (the AWS SDK, Docker) loads only when that command runs.
  build({
    ...common,
    entryPoints: { cli: 'src/cli/bin.ts', index: 'src/index.ts', local: 'src/api/local.ts', testing: 'src/api/testing.ts', sagemaker: 'src/api/sagemaker.ts', container: 'containers/runtime/index.ts' },
    outdir: 'dist',
    packages: 'external',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
  // The images' programs: one file each, everything inlined but ml-xgboost (its WebAssembly is loaded from disk).
  build({ ...common, sourcemap: false, entryPoints: { 'xgboost/main': 'containers/xgboost/main.ts' }, outdir: 'dist/images', outExtension: { '.js': '.mjs' }, external: ['ml-xgboost'],
    banner: { js: "import { createRequire as __sagepipeRequire } from 'node:module'; const require = __sagepipeRequire(import.meta.url);" } }),
  declarations(),
]);

/** tsc emits the entry points' declarations; their relative `.ts` imports become `.js` so any project resolves them. */
async function declarations() {
  const out = join(root, 'dist/types');
  rmSync(out, { recursive: true, force: true });
  let tsc;
  try {
    tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  } catch {
    throw new Error('typescript is needed to build the type declarations: run npm ci');
  }
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  const rewrite = (dir) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) rewrite(file);
      else if (file.endsWith('.d.ts')) {
        const text = readFileSync(file, 'utf8');
        const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
        if (fixed !== text) writeFileSync(file, fixed);
      }
    }
  };
  rewrite(out);
}
