// Builds the CLI, the library entry points and the step images' programs with esbuild (about a second).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', absWorkingDir: root, logLevel: 'warning', sourcemap: true };

await Promise.all([
  // Split so that what a command imports lazily (the AWS SDK, Docker) loads only when that command runs.
  build({ ...common, entryPoints: { cli: 'src/cli/bin.ts', index: 'src/index.ts', container: 'containers/runtime/index.ts' }, outdir: 'dist', packages: 'external', splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
  // The images' programs: one file each, everything inlined but ml-xgboost (its WebAssembly is loaded from disk).
  build({ ...common, sourcemap: false, entryPoints: { 'xgboost/main': 'containers/xgboost/main.ts' }, outdir: 'dist/images', outExtension: { '.js': '.mjs' }, external: ['ml-xgboost'],
    banner: { js: "import { createRequire as __sagepipeRequire } from 'node:module'; const require = __sagepipeRequire(import.meta.url);" } }),
  // `sagepipe ui`'s single-page app: one script and one stylesheet, served by the CLI (no CDN, works offline).
  build({ bundle: true, platform: 'browser', format: 'esm', target: 'es2022', absWorkingDir: root, logLevel: 'warning', minify: true, sourcemap: false,
    entryPoints: [{ in: 'src/ui/app/main.ts', out: 'app' }, { in: 'src/ui/app/style.css', out: 'app' }], outdir: 'dist/ui', loader: { '.css': 'css' } }),
]);
