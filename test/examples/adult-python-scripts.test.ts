/**
 * The reference pipeline's Python scripts (examples/adult-python), run with Debian's python3 on the Adult data: the
 * split follows the reference rules and a model trained with the reference hyperparameters scores ≥ 0.86. The scripts
 * keep SageMaker's fixed /opt/ml/processing paths, so a small harness points their BASE at a temporary folder.
 * Required in CI (.ci/run installs pandas, scikit-learn and XGBoost); elsewhere they run where python3 has them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';

const adultCsv = [ADULT_CSV, join(REPO_ROOT, 'data/adult.csv')].find((p) => existsSync(p));
const pythonReady = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import pandas, numpy, xgboost'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const required = process.env.CI === 'true';
const scripts = join(REPO_ROOT, 'examples/adult-python');
const dir = tempDir('sagepipe-adult-python-');
afterAll(() => dir.remove());

/** Runs one script's main() with its BASE moved to the temporary folder. */
function runScript(module: string, cwd: string): string {
  const harness = `import sys; sys.argv = ['${module}.py']; sys.path.insert(0, ${JSON.stringify(scripts)}); import ${module} as m; m.BASE = ${JSON.stringify(dir.path)}; m.main()`;
  return execFileSync('/usr/bin/python3', ['-c', harness], { cwd, encoding: 'utf8', timeout: 120_000 });
}

describe('examples/adult-python scripts', () => {
  it('GIVEN the scripts the Python-SDK fixtures point to THEN they are the example\'s, byte for byte', () => {
    for (const script of ['preprocessing.py', 'evaluation.py']) {
      expect(readFileSync(join(REPO_ROOT, 'test/fixtures/python-sdk/code', script), 'utf8'), script).toBe(readFileSync(join(scripts, script), 'utf8'));
    }
  });
});

describe.runIf((pythonReady && adultCsv !== undefined) || required)('examples/adult-python scripts on python3', () => {
  it('GIVEN adult.csv WHEN preprocessing.py runs THEN train/validation/test are 60/10/30 of the 30,162 clean rows, label first, no header', { timeout: 120_000 }, () => {
    mkdirSync(join(dir.path, 'input'), { recursive: true });
    copyFileSync(adultCsv as string, join(dir.path, 'input/adult.csv'));
    const out = runScript('preprocessing', dir.path);
    expect(out).toContain('rows: train 18097, validation 3016, test 9049; features 102');
    const firstLine = readFileSync(join(dir.path, 'train/train.csv'), 'utf8').split('\n')[0] as string;
    const cells = firstLine.split(',');
    expect(cells).toHaveLength(103);
    expect(['0', '1']).toContain(cells[0]);
    expect(cells.every((c) => /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(c))).toBe(true);
  });

  it('GIVEN a model trained with the reference hyperparameters WHEN evaluation.py runs THEN evaluation.json holds accuracy ≥ 0.86', { timeout: 240_000 }, () => {
    const train = `
import tarfile, pandas as pd, xgboost as xgb
t = pd.read_csv('train/train.csv', header=None)
b = xgb.train(dict(objective='binary:logistic', max_depth=5, subsample=1, eval_metric='logloss', eta=0.3, nthread=1), xgb.DMatrix(t.iloc[:, 1:].to_numpy(), label=t.iloc[:, 0].to_numpy()), 50)
b.save_model('xgboost-model')
import os; os.makedirs('model', exist_ok=True)
with tarfile.open('model/model.tar.gz', 'w:gz') as tar: tar.add('xgboost-model')
`;
    execFileSync('/usr/bin/python3', ['-c', train], { cwd: dir.path, timeout: 120_000 });
    const work = join(dir.path, 'eval-cwd');
    mkdirSync(work);
    expect(runScript('evaluation', work)).toMatch(/test accuracy 0\.8\d+ on 9049 rows/);
    const report = JSON.parse(readFileSync(join(dir.path, 'evaluation/evaluation.json'), 'utf8'));
    expect(Object.keys(report)).toEqual(['metrics']);
    expect(report.metrics.accuracy.value).toBeGreaterThanOrEqual(0.86);
    expect(report.metrics.accuracy.value).toBeLessThan(0.9);
  });
});
