/**
 * The process runtime runs the Python images' scripts with the host's python3 only when it has the modules the image
 * would have; otherwise the run is refused before any step starts, naming what is missing and suggesting Docker.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../local-runner/local-backend.ts';
import { ModelStore } from '../../../local-runner/model-store.ts';
import { FileRegistry } from '../../../local-runner/registry/file-registry.ts';
import { ProcessRuntime } from '../../../local-runner/runtime/process-runtime.ts';
import { LocalS3 } from '../../../local-runner/s3/local-s3.ts';
import { loadDefinition } from '../../../src/definition/loader.ts';
import { REPO_ROOT, tempDir } from '../../helpers/context.ts';

const dir = tempDir('sagepipe-process-python-');
afterAll(() => dir.remove());

/** An interpreter that answers the module check (`-c <code> <modules…>`) as one lacking `missing` would. */
function fakePython(name: string, missing: string[]): string {
  const path = join(dir.path, name);
  writeFileSync(path, `#!/bin/sh\nshift 2\nout=""\nfor m in "$@"; do case " ${missing.join(' ')} " in *" $m "*) out="$out,\\"$m\\"";; esac; done\necho "[\${out#,}]"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('choosing a python3 for the Python images', () => {
  it('GIVEN an interpreter lacking xgboost THEN a script on sagepipe-xgboost is refused, naming the module and suggesting Docker', async () => {
    const runtime = new ProcessRuntime({ pythons: [fakePython('no-xgb', ['xgboost']), join(dir.path, 'absent')] });
    await expect(runtime.preflight('sagepipe-xgboost:0.1.0', true)).rejects.toThrow(/no-xgb lacks xgboost\. Install them .*python3-xgboost\), or use --runtime docker/);
  });

  it("GIVEN the same interpreter THEN sagepipe-xgboost's built-in algorithm (Node.js) still runs, and sagepipe-sklearn's scripts do", async () => {
    const runtime = new ProcessRuntime({ pythons: [fakePython('no-xgb2', ['xgboost'])] });
    await expect(runtime.preflight('sagepipe-xgboost:0.1.0', false)).resolves.toBeUndefined();
    await expect(runtime.preflight('sagepipe-sklearn:0.1.0', true)).resolves.toBeUndefined();
  });

  it('GIVEN a first interpreter lacking modules and a second with all THEN the second is used', () => {
    const full = fakePython('full', []);
    expect(new ProcessRuntime({ pythons: [fakePython('partial', ['pandas', 'scipy']), full] }).python('sklearn')).toBe(full);
  });

  it('GIVEN no interpreter at all THEN the error says so', () => {
    expect(() => new ProcessRuntime({ pythons: [join(dir.path, 'nothing')] }).python('sklearn')).toThrow(/no python3 found.*--runtime docker/);
  });

  it('GIVEN a definition with Python processing steps WHEN the local backend checks it before a run THEN each is refused, naming what is missing', async () => {
    const loaded = loadDefinition(JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/python-sdk/adult.json'), 'utf8')));
    const backend = new LocalBackend({
      s3: new LocalS3(join(dir.path, 's3')),
      registry: new FileRegistry(join(dir.path, 'registry'), { region: 'us-east-1', account: '000000000000' }),
      models: new ModelStore(join(dir.path, 'models')),
      jobsDir: join(dir.path, 'jobs'),
      runtime: new ProcessRuntime({ pythons: [fakePython('bare', ['sklearn', 'pandas', 'numpy', 'scipy', 'joblib'])] }),
      version: '0.1.0',
      region: 'us-east-1',
      account: '000000000000',
    });
    const images = (await backend.checkDefinition(loaded)).filter((i) => i.path.endsWith('ImageUri') || i.path.endsWith('TrainingImage'));
    expect(images.map((i) => i.path)).toEqual(['Steps[0].Arguments.AppSpecification.ImageUri', 'Steps[2].Arguments.AppSpecification.ImageUri']);
    expect(images[0]?.message).toMatch(/^step 'adultProcess': sagepipe-sklearn's Python scripts need python3 with sklearn, pandas, numpy, scipy, joblib.*bare lacks sklearn, pandas, numpy, scipy, joblib/);
    expect(images[1]?.message).toMatch(/^step 'adultEval': sagepipe-xgboost's Python scripts need python3 with xgboost/);
  });
});
