import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
