// A minimal ESM loader hook: .ts files are transformed by esbuild; `sagepipe` resolves to this package's sources.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = new URL('..', import.meta.url);
const aliases = {
  sagepipe: new URL('src/index.ts', root).href,
  'sagepipe/container': new URL('containers/runtime/index.ts', root).href,
};

export async function resolve(specifier, context, next) {
  if (specifier in aliases) return { url: aliases[specifier], shortCircuit: true };
  return next(specifier, context);
}

export async function load(url, context, next) {
  // esbuild's transform drops import attributes (`with { type: 'json' }`), so JSON is loaded here.
  if (url.endsWith('.json')) return { format: 'json', source: await readFile(fileURLToPath(url), 'utf8'), shortCircuit: true };
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: fileURLToPath(url) });
  return { format: 'module', source: code, shortCircuit: true };
}

