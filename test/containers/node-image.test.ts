/** sagepipe-node on the processing contract with plain `docker run`: the bundled preprocess script writes the split. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../src/compile/bundle.ts';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { projectImage, runDockerTests } from '../helpers/docker.ts';

describe.runIf(runDockerTests)('sagepipe-node (docker run)', () => {
  const dir = tempDir('sagepipe-node-img-');
  afterAll(() => dir.remove());

  it('GIVEN preprocess.ts bundled WHEN run as a processing container THEN it writes train/validation/test with 103 columns, 60/10/30', async () => {
    const ml = join(dir.path, 'opt/ml');
    for (const d of ['processing/input/code', 'processing/train', 'processing/validation', 'processing/test', 'config']) mkdirSync(join(ml, d), { recursive: true });
    copyFileSync(ADULT_CSV, join(ml, 'processing/input/adult.csv'));
    const bundled = await bundleScript(join(REPO_ROOT, 'examples/adult/preprocess.ts'));
    writeFileSync(join(ml, 'processing/input/code', bundled.fileName), bundled.content);
    const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    const r = spawnSync('docker', ['run', '--rm', '--user', user, '--network', 'none', '-v', `${ml}:/opt/ml`, '--entrypoint', 'node', projectImage('node'), `/opt/ml/processing/input/code/${bundled.fileName}`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('rows: train 18097, validation 3016, test 9049; features 102');
    const first = readFileSync(join(ml, 'processing/train/train.csv'), 'utf8').split('\n')[0] as string;
    expect(first.split(',')).toHaveLength(103);
    expect(['0', '1']).toContain(first.split(',')[0]);
  });
});
