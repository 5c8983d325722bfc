// Builds the CLI, the library entry points and the step images' programs with esbuild (about a second), and the
// entry points' type declarations with tsc (dist/types, relative imports rewritten from .ts to .js).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  // The images' programs: one file each, everything inlined but ml-xgboost (its WebAssembly is loaded from disk) and koffi (its native binary).
  build({ ...common, sourcemap: false, entryPoints: { 'xgboost/main': 'containers/xgboost/main.ts' }, outdir: 'dist/images', outExtension: { '.js': '.mjs' }, external: ['ml-xgboost', 'koffi'],
    banner: { js: "import { createRequire as __sagepipeRequire } from 'node:module'; const require = __sagepipeRequire(import.meta.url);" } }),
  // `sagepipe ui`'s single-page app: one script and one stylesheet, served by the CLI (no CDN, works offline).
  build({ bundle: true, platform: 'browser', format: 'esm', target: 'es2022', absWorkingDir: root, logLevel: 'warning', minify: true, sourcemap: false,
    entryPoints: [{ in: 'src/ui/app/main.ts', out: 'app' }, { in: 'src/ui/app/style.css', out: 'app' }], outdir: 'dist/ui', loader: { '.css': 'css' } }),
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

// Native XGBoost for the images: this machine's libxgboost (Debian's libxgboost0, XGBoost 1.7) and the libraries `ldd`
// lists for it, laid out as a root file system that the Dockerfiles copy over their base. Empty where libxgboost is
// not installed: the images then fall back to ml-xgboost's WebAssembly and say so in each training log.
collectNativeXGBoost(join(root, 'dist/images/native'));

function collectNativeXGBoost(out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const candidates = ['/usr/lib/x86_64-linux-gnu/libxgboost.so.0', '/usr/lib/aarch64-linux-gnu/libxgboost.so.0'];
  const lib = process.platform === 'linux' ? candidates.find((p) => existsSync(p)) : undefined;
  writeFileSync(join(out, '.sagepipe-native'), lib ? `${lib}\n` : 'libxgboost not installed on the build machine\n');
  if (!lib) return;
  const put = (source, target) => {
    const dest = join(out, target);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(source, dest);
  };
  // Only what Node.js itself does not need: every base image already has Node's own libraries (libc, libstdc++ …),
  // and overwriting them could break a base from another distribution. All go beside libxgboost, a default search path.
  const libs = (file) => execFileSync('ldd', [file], { encoding: 'utf8' }).split('\n').flatMap((line) => {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    return m?.[1] && existsSync(m[1]) ? [m[1]] : [];
  });
  const nodeNeeds = new Set(libs(process.execPath).map((p) => basename(p)));
  put(lib, lib);
  for (const dep of libs(lib)) if (!nodeNeeds.has(basename(dep))) put(dep, join(dirname(lib), basename(dep)));
}

// The images' content tags (dist/images/tags.json): a hash of each image's build context and base, so checkouts that
// share a Docker daemon never run each other's images. After everything the images copy is in dist/.
await writeImageContentTags();

async function writeImageContentTags() {
  const out = join(root, 'dist/.build/build-context.mjs');
  await build({ ...common, sourcemap: false, entryPoints: ['local-runner/images/build-context.ts'], outfile: out, packages: 'external' });
  const { writeContentTags } = await import(`${pathToFileURL(out).href}?t=${Date.now()}`);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeContentTags(root, version);
  rmSync(join(root, 'dist/.build'), { recursive: true, force: true });
}
