/**
 * The folder where compiled artefacts are kept between runs: bundles of pipeline modules and step scripts, and the
 * definition schema's compiled validators. SAGEPIPE_BUNDLE_CACHE names it (`off`: no cache); by default a folder per
 * user under the system's temporary directory. Everything in it is keyed by content and may be deleted at any time.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CompiledSchemaCache, type SchemaValidator, correctedSchema, createSchemaValidator } from '../definition/schema.ts';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.SAGEPIPE_BUNDLE_CACHE;
  if (configured === 'off') return undefined;
  return configured ?? join(tmpdir(), `sagepipe-bundles-${process.getuid?.() ?? 'user'}`);
}

/** Compiled schema code as CommonJS files in the cache folder. */
export function fileSchemaCache(dir: string): CompiledSchemaCache {
  const require = createRequire(import.meta.url);
  const file = (key: string) => join(dir, `schema-${key}.cjs`);
  return {
    load(key) {
      try {
        return require(file(key)) as ReturnType<CompiledSchemaCache['load']>;
      } catch {
        return undefined;
      }
    },
    store(key, code) {
      try {
        mkdirSync(dir, { recursive: true });
        const temp = `${file(key)}.${process.pid}.tmp`;
        writeFileSync(temp, code);
        renameSync(temp, file(key));
        return require(file(key)) as ReturnType<CompiledSchemaCache['load']>;
      } catch {
        return undefined;
      }
    },
  };
}

let validator: SchemaValidator | undefined;
/** The definition validator for this process, loaded from the cache folder when it was compiled before. */
export function cachedSchemaValidator(): SchemaValidator {
  if (!validator) {
    const dir = cacheDir();
    validator = createSchemaValidator(correctedSchema(), dir ? fileSchemaCache(dir) : undefined);
  }
  return validator;
}
