import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleScript } from '../../src/compile/bundle.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';

describe('bundling step code', () => {
  it('GIVEN a script using danfojs-node WHEN bundled THEN it runs with plain node (tfjs-node aliased to tfjs)', async () => {
    const bundled = await bundleScript(join(REPO_ROOT, 'test/fixtures/scripts/danfo.ts'));
    expect(bundled.fileName).toBe('danfo.mjs');
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, bundled.fileName), bundled.content);
      const out = execFileSync(process.execPath, [join(dir.path, bundled.fileName)], { encoding: 'utf8', cwd: dir.path });
      expect(JSON.parse(out.trim().split('\n').at(-1) as string)).toEqual([
        { income: '<=50K', age_mean: 35 },
        { income: '>50K', age_mean: 50 },
      ]);
    } finally {
      dir.remove();
    }
  });

  it('GIVEN the same script twice WHEN bundled THEN the bytes and their hash are the same', async () => {
    const a = await bundleScript(join(REPO_ROOT, 'examples/adult/preprocess.ts'));
    const b = await bundleScript(join(REPO_ROOT, 'examples/adult/preprocess.ts'));
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('GIVEN a missing script WHEN bundled THEN the error names it', async () => {
    await expect(bundleScript('/nowhere/x.ts')).rejects.toThrowError('code file not found: /nowhere/x.ts');
  });
});

describe('the bundle cache', () => {
  it('GIVEN a script bundled once WHEN bundled again unchanged THEN the cached bundle is used; WHEN a file it imports changes THEN it is bundled anew', async () => {
    const dir = tempDir('sagepipe-bundle-cache-');
    const saved = process.env.SAGEPIPE_BUNDLE_CACHE;
    process.env.SAGEPIPE_BUNDLE_CACHE = join(dir.path, 'cache');
    try {
      writeFileSync(join(dir.path, 'main.ts'), "import { word } from './word.ts';\nconsole.log(word);\n");
      writeFileSync(join(dir.path, 'word.ts'), "export const word = 'first';\n");
      const first = await bundleScript(join(dir.path, 'main.ts'));
      expect(Buffer.from(first.content).toString()).toContain('first');
      // Mark the cached entry: an unchanged script must come back from it, not from esbuild.
      const [entry] = readdirSync(join(dir.path, 'cache')).filter((f) => f.endsWith('.json'));
      const file = join(dir.path, 'cache', entry as string);
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { inputs: [string, string][]; code: string };
      expect(cached.inputs.map(([p]) => p).sort()).toEqual([join(dir.path, 'main.ts'), join(dir.path, 'word.ts')]);
      writeFileSync(file, JSON.stringify({ ...cached, code: `${cached.code}// from the cache\n` }));
      expect(Buffer.from((await bundleScript(join(dir.path, 'main.ts'))).content).toString()).toContain('// from the cache');
      writeFileSync(join(dir.path, 'word.ts'), "export const word = 'second';\n");
      const changed = Buffer.from((await bundleScript(join(dir.path, 'main.ts'))).content).toString();
      expect(changed).toContain('second');
      expect(changed).not.toContain('// from the cache');
    } finally {
      if (saved === undefined) delete process.env.SAGEPIPE_BUNDLE_CACHE;
      else process.env.SAGEPIPE_BUNDLE_CACHE = saved;
      dir.remove();
    }
  });
});

describe('what a bundled step script loads when it starts', () => {
  it('GIVEN the reference preprocessing script (CSV helpers only) WHEN bundled THEN tar and the zlib, stream and crypto modules it needs are left out', async () => {
    const bundled = Buffer.from((await bundleScript(join(REPO_ROOT, 'examples/adult/preprocess.ts'))).content).toString('utf8');
    expect(bundled).not.toContain('node_modules/tar/');
    const builtins = [...bundled.matchAll(/^import [^;]*? from "([^"]+)";?$/gm)].map((m) => m[1]);
    expect(builtins.filter((b) => /zlib|crypto|stream|assert/.test(b as string))).toEqual([]);
  });

  it('GIVEN the evaluation script (it extracts model.tar.gz) WHEN bundled THEN tar is in it, evaluated only when an archive is read', async () => {
    const bundled = Buffer.from((await bundleScript(join(REPO_ROOT, 'examples/adult/evaluate.ts'))).content).toString('utf8');
    expect(bundled).toContain('node_modules/tar/');
    expect(bundled).toMatch(/import\("tar"\)|init_index_min\(\)|Promise\.resolve\(\)\.then\(\(\) => \(init_/);
  });
});
