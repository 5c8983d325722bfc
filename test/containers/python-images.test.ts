/**
 * sagepipe-sklearn and sagepipe-xgboost with plain `docker run`, as SageMaker starts AWS's scikit-learn and XGBoost
 * containers: what they hold, Python processing scripts with ContainerEntrypoint and ContainerArguments, and the
 * refusal to train on the scikit-learn image without a script.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/context.ts';
import { projectImage, runDockerTests } from '../helpers/docker.ts';

const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8', timeout: 120_000 });

describe.runIf(runDockerTests)('the Python images (docker run)', () => {
  const dir = tempDir('sagepipe-python-img-');
  afterAll(() => dir.remove());

  it.each([
    ['sklearn' as const, 'import sklearn, pandas, numpy, scipy, joblib; print(sklearn.__version__, pandas.__version__)', /^1\.2\.1 1\.5\.3$/],
    ['xgboost' as const, 'import xgboost, sklearn, pandas, numpy, scipy, joblib; print(xgboost.__version__, sklearn.__version__)', /^1\.7\.4 1\.2\.1$/],
  ])('GIVEN sagepipe-%s THEN python3 imports what AWS\'s container gives a script, in Debian bookworm\'s versions', (image, code, versions) => {
    const r = docker(['run', '--rm', '--user', user, '--network', 'none', '--entrypoint', 'python3', projectImage(image), '-c', code]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(versions);
  });

  it("GIVEN sagepipe-xgboost THEN the built-in algorithm's Node.js and Debian's native libxgboost are both there", () => {
    const r = docker(['run', '--rm', '--user', user, '--network', 'none', '--entrypoint', 'sh', projectImage('xgboost'), '-c', 'node --version && ls /usr/lib/x86_64-linux-gnu/libxgboost.so.0']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(process.version);
    expect(r.stdout).toContain('/usr/lib/x86_64-linux-gnu/libxgboost.so.0');
  });

  it.each(['sklearn', 'xgboost'] as const)('GIVEN sagepipe-%s WHEN a processing job runs python3 <script> with ContainerArguments THEN the script gets them and writes its output', (image) => {
    const ml = join(dir.path, image, 'opt/ml');
    for (const d of ['processing/input/code', 'processing/output']) mkdirSync(join(ml, d), { recursive: true });
    writeFileSync(
      join(ml, 'processing/input/code/args.py'),
      'import json, os, sys\nos.makedirs("/opt/ml/processing/output", exist_ok=True)\njson.dump({"argv": sys.argv[1:], "cwd_writable": os.access(".", os.W_OK)}, open("/opt/ml/processing/output/args.json", "w"))\n',
    );
    const r = docker(['run', '--rm', '--user', user, '--network', 'none', '-v', `${ml}:/opt/ml`, '--entrypoint', 'python3', projectImage(image), '/opt/ml/processing/input/code/args.py', '--train-test-split-ratio', '0.3']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(ml, 'processing/output/args.json'), 'utf8'))).toEqual({ argv: ['--train-test-split-ratio', '0.3'], cwd_writable: true });
  });

  it('GIVEN sagepipe-xgboost WHEN started with train and sagemaker_program THEN it runs the script (framework mode) instead of the built-in algorithm', () => {
    const ml = join(dir.path, 'xgb-script', 'opt/ml');
    for (const d of ['input/config', 'input/data/train', 'code', 'model', 'output/data']) mkdirSync(join(ml, d), { recursive: true });
    writeFileSync(join(ml, 'input/config/hyperparameters.json'), JSON.stringify({ sagemaker_program: '"train.py"', sagemaker_submit_directory: '"s3://b/source/sourcedir.tar.gz"', num_round: '3', eta: '0.5' }));
    writeFileSync(join(ml, 'input/config/inputdataconfig.json'), JSON.stringify({ train: { ContentType: 'text/csv' } }));
    writeFileSync(join(ml, 'input/data/train/t.csv'), Array.from({ length: 40 }, (_, i) => `${i % 2},${i % 2 === 0 ? 1 : 9},${i}`).join('\n'));
    writeFileSync(
      join(ml, 'code/train.py'),
      [
        'import argparse, os, numpy, xgboost',
        'p = argparse.ArgumentParser(); p.add_argument("--num_round", type=int); p.add_argument("--eta", type=float)',
        'a = p.parse_args()',
        'd = numpy.loadtxt(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "t.csv"), delimiter=",")',
        'b = xgboost.train({"eta": a.eta, "objective": "binary:logistic"}, xgboost.DMatrix(d[:, 1:], label=d[:, 0]), a.num_round)',
        'b.save_model(os.path.join(os.environ["SM_MODEL_DIR"], "xgboost-model"))',
        'print("rounds", a.num_round, "eta", a.eta)',
      ].join('\n'),
    );
    const r = docker(['run', '--rm', '--user', user, '--network', 'none', '-v', `${ml}:/opt/ml`, projectImage('xgboost'), 'train']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Invoking script: /usr/bin/python3 train.py --eta 0.5 --num_round 3');
    expect(r.stdout).toContain('rounds 3 eta 0.5');
    expect(readFileSync(join(ml, 'model/xgboost-model')).length).toBeGreaterThan(100);
  });

  it('GIVEN sagepipe-sklearn WHEN started with train and no sagemaker_program THEN it fails with the reason in /opt/ml/output/failure', () => {
    const ml = join(dir.path, 'no-program', 'opt/ml');
    mkdirSync(join(ml, 'input/config'), { recursive: true });
    writeFileSync(join(ml, 'input/config/hyperparameters.json'), '{"max_depth": "5"}');
    const r = docker(['run', '--rm', '--user', user, '--network', 'none', '-v', `${ml}:/opt/ml`, projectImage('sklearn'), 'train']);
    expect(r.status).toBe(1);
    expect(readFileSync(join(ml, 'output/failure'), 'utf8')).toMatch(/^ClientError: training on sagepipe-sklearn needs a script: set the sagemaker_program/);
  });
});
