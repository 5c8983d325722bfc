/**
 * Bundling of TypeScript/JavaScript with esbuild: step code (staged by content) and pipeline modules (loaded without
 * a build step). Kept out of the SDK, which does no I/O.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { ErrorCode, SagepipeError } from '../errors.ts';
import { packageRoot } from '../package-root.ts';
import { cacheDir } from './cache-dir.ts';

/** Packages the step images provide at run time (they carry files esbuild cannot inline, such as WebAssembly). */
export const IMAGE_PROVIDED_PACKAGES = ['ml-xgboost', 'koffi'] as const;
/** Browser-only modules that libraries (danfojs-node's plotting) require lazily; never loaded under Node. */
const BROWSER_ONLY_MODULES = ['plotly.js-dist-min'];

export { packageRoot } from '../package-root.ts';

/** The modules a bundled pipeline or script imports by sagepipe's own names. */
export function sagepipeAliases(): Record<string, string> {
  const root = packageRoot();
  const fromSource = existsSync(resolve(root, 'src/index.ts')) && fileURLToPath(import.meta.url).endsWith('.ts');
  return {
    sagepipe: fromSource ? resolve(root, 'src/index.ts') : resolve(root, 'dist/index.js'),
    'sagepipe/container': resolve(root, 'containers/runtime/index.ts'),
  };
}

/** What every bundle shares: one ESM file for Node 20, in memory, with sagepipe's own modules aliased. */
function bundleOptions(entry: string): BuildOptions & { write: false } {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    alias: sagepipeAliases(),
    logLevel: 'silent',
  };
}

export interface BundledScript {
  /** The file name it has once staged (`preprocess.mjs` for `preprocess.ts`). */
  readonly fileName: string;
  readonly content: Uint8Array;
  readonly sha256: string;
}

const SCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs', '.cts', '.cjs']);

/** Bundles a step script into one ESM file; other files (e.g. `.py`) are staged as they are. */
export async function bundleScript(path: string): Promise<BundledScript> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new SagepipeError(ErrorCode.FileUnreadable, `code file not found: ${path}`, { path });
  }
  const ext = extname(absolute);
  if (!SCRIPT_EXTENSIONS.has(ext)) {
    const { readFile } = await import('node:fs/promises');
    const content = await readFile(absolute);
    return { fileName: basename(absolute), content, sha256: sha256(content) };
  }
  const content = await cachedBundle('script', absolute, path, {
    external: [...IMAGE_PROVIDED_PACKAGES, ...BROWSER_ONLY_MODULES],
    // Scripts may use what sagepipe depends on (danfojs-node, tar …) without installing it themselves.
    nodePaths: [resolve(packageRoot(), 'node_modules')],
    legalComments: 'none',
    // Stack traces name the TypeScript file and line (with NODE_OPTIONS=--enable-source-maps, set for local jobs).
    sourcemap: 'inline',
    sourcesContent: false,
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: { js: "import { createRequire as __sagepipeRequire } from 'node:module'; const require = __sagepipeRequire(import.meta.url);" },
  });
  return { fileName: `${basename(absolute, ext)}.mjs`, content, sha256: sha256(content) };
}

/**
 * The bundle cache: esbuild's output kept under the entry file and options, with the content hash of every file that
 * went into it (esbuild's metafile). A bundle is reused only while each of those files hashes the same, so a
 * re-run of an unchanged pipeline starts no esbuild at all. A cache that cannot be read or written is not used.
 */
interface CachedBundle {
  readonly inputs: readonly (readonly [string, string])[];
  readonly code: string;
}

async function cachedBundle(kind: string, absolute: string, path: string, extra: Omit<BuildOptions, 'write' | 'metafile'>): Promise<Uint8Array> {
  const dir = cacheDir();
  const options = { ...bundleOptions(absolute), absWorkingDir: dirname(absolute), ...extra, metafile: true, write: false } as const;
  const key = sha256(Buffer.from(JSON.stringify([kind, absolute, process.version, options])));
  const file = dir ? join(dir, `${key}.json`) : undefined;
  if (file) {
    try {
      const entry = JSON.parse(await readFile(file, 'utf8')) as CachedBundle;
      let fresh = true;
      for (const [input, hash] of entry.inputs) {
        if (sha256(await readFile(input)) !== hash) {
          fresh = false;
          break;
        }
      }
      if (fresh) return Buffer.from(entry.code, 'utf8');
    } catch {
      // Not cached yet (or unreadable): bundle.
    }
  }
  let result;
  try {
    // esbuild is loaded only when something must be bundled: a cached re-run starts without it.
    const { build } = await import('esbuild');
    result = await build(options);
  } catch (error) {
    throw bundleError(error, path);
  }
  const content = result.outputFiles[0]?.contents ?? new Uint8Array();
  if (file && dir) {
    try {
      const inputs: [string, string][] = [];
      for (const input of Object.keys(result.metafile?.inputs ?? {})) {
        const full = resolve(dirname(absolute), input);
        inputs.push([full, sha256(await readFile(full))]);
      }
      await mkdir(dir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify({ inputs, code: Buffer.from(content).toString('utf8') } satisfies CachedBundle));
      await rename(temp, file);
    } catch {
      // A cache we cannot write is no cache.
    }
  }
  return content;
}

/** Bundles a pipeline module to a temporary ESM file and imports it. */
export async function importPipelineModule(path: string): Promise<Record<string, unknown>> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new SagepipeError(ErrorCode.FileUnreadable, `pipeline file not found: ${path}`, { path });
  const code = Buffer.from(
    await cachedBundle('pipeline', absolute, path, {
      packages: 'external',
      // The module can still find files next to itself.
      define: { 'import.meta.url': JSON.stringify(`file://${absolute}`), 'import.meta.dirname': JSON.stringify(dirname(absolute)) },
    }),
  ).toString('utf8');
  // `packages: 'external'` keeps the user's own dependencies resolvable from the pipeline's folder.
  const { rm } = await import('node:fs/promises');
  const temp = resolve(dirname(absolute), `.sagepipe-${sha256(Buffer.from(code)).slice(0, 12)}.mjs`);
  await writeFile(temp, code);
  try {
    return (await import(`file://${temp}`)) as Record<string, unknown>;
  } catch (error) {
    throw new SagepipeError(ErrorCode.FileUnreadable, `${path}: the pipeline module failed while loading: ${error instanceof Error ? error.message : String(error)}`, {
      path,
      cause: error,
    });
  } finally {
    await rm(temp, { force: true });
  }
}

function bundleError(error: unknown, path: string): SagepipeError {
  const errors = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  if (errors && errors.length > 0) {
    return new SagepipeError(ErrorCode.FileUnreadable, `${path}: cannot be compiled`, {
      path,
      issues: errors.map((e) => ({
        path: e.location ? `${e.location.file}:${e.location.line}:${e.location.column}` : path,
        message: e.text,
      })),
      cause: error,
    });
  }
  return new SagepipeError(ErrorCode.FileUnreadable, `${path}: cannot be compiled: ${String(error)}`, { path, cause: error });
}

export function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
