import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/loader.ts';
import {
  PYTHON_SDK_DIR,
  PYTHON_SDK_VARIANTS,
  debianPythonReady,
  pythonSdkDefinition,
  pythonSdkFixtureFiles,
  pythonSdkTarball,
  regenerationRequired,
} from '../helpers/python-sdk.ts';

const steps = (name: (typeof PYTHON_SDK_VARIANTS)[number]) => {
  const loaded = loadDefinition(pythonSdkDefinition(name), { source: `${name}.json` });
  return new Map([...loaded.graph.nodes.values()].map((n) => [n.name, n]));
};

describe('the definitions written by the SageMaker Python SDK (test/fixtures/python-sdk)', () => {
  it('GIVEN the fixture folder WHEN listed THEN it holds exactly the five generated definitions', () => {
    expect(pythonSdkFixtureFiles()).toEqual(PYTHON_SDK_VARIANTS.map((v) => `${v}.json`).sort());
  });

  for (const name of PYTHON_SDK_VARIANTS) {
    it(`GIVEN ${name}.json WHEN loaded by sagepipe's loader THEN it validates with the reference pipeline's names`, () => {
      const loaded = loadDefinition(pythonSdkDefinition(name), { source: `${name}.json` });
      expect([...loaded.parameters.keys()]).toEqual(['ProcessingInstanceCount', 'ProcessingInstanceType', 'TrainingInstanceType', 'ModelApprovalStatus', 'InputData']);
      const names = [...loaded.graph.nodes.keys()];
      expect(names.slice(0, 4)).toEqual(['adultProcess', 'adultTrain', 'adultEval', 'adultAccCond']);
      expect(loaded.graph.nodes.get('adultEval')?.dependsOn).toEqual(['adultProcess', 'adultTrain']);
    });
  }

  it('GIVEN the reference definition THEN it is the notebook: scikit-learn 0.23-1 processing, built-in XGBoost 1.0-1, python3 evaluation, code in S3', () => {
    const def = pythonSdkDefinition('adult');
    const [process, train, evaluate] = def.Steps;
    expect(process.Arguments.AppSpecification).toEqual({
      ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocessing.py'],
      ImageUri: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3',
    });
    expect(train.Arguments.AlgorithmSpecification.TrainingImage).toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3');
    expect(train.Arguments.HyperParameters).toEqual({ eta: '0.3', eval_metric: 'logloss', max_depth: '5', num_round: '50', objective: 'binary:logistic', silent: '0', subsample: '1' });
    expect(evaluate.Arguments.AppSpecification.ContainerEntrypoint).toEqual(['python3', '/opt/ml/processing/input/code/evaluation.py']);
    const code = evaluate.Arguments.ProcessingInputs.find((i: any) => i.InputName === 'code');
    expect(code.S3Input.S3Uri).toBe('s3://sagemaker-eu-west-1-123456789012/adult/code/evaluation.py');
    expect(evaluate.PropertyFiles).toEqual([{ FilePath: 'evaluation.json', OutputName: 'evaluation', PropertyFileName: 'EvaluationReport' }]);
    const branch = def.Steps[3].Arguments;
    expect(branch.Conditions[0].Type).toBe('GreaterThanOrEqualTo');
    expect(branch.IfSteps.map((s: any) => [s.Name, s.Type])).toEqual([
      ['adultCreateModel', 'Model'],
      ['adultRegisterModel-RegisterModel', 'RegisterModel'],
    ]);
    expect(branch.IfSteps[1].Arguments.ModelMetrics.ModelQuality.Statistics.ContentType).toBe('application/json');
  });

  it('GIVEN the variants THEN each differs from the reference in what it is named for', () => {
    expect(pythonSdkDefinition('adult-xgboost-1.7').Steps[1].Arguments.AlgorithmSpecification.TrainingImage).toMatch(/sagemaker-xgboost:1\.7-1$/);
    const framework = pythonSdkDefinition('adult-sklearn-framework').Steps[1].Arguments;
    expect(framework.AlgorithmSpecification.TrainingImage).toMatch(/sagemaker-scikit-learn:1\.2-1-cpu-py3$/);
    expect(framework.HyperParameters).toMatchObject({ 'n-estimators': '100', 'max-depth': '8', sagemaker_program: '"train.py"', sagemaker_submit_directory: '"s3://sagemaker-eu-west-1-123456789012/adult/code/sourcedir.tar.gz"' });
    const cached = steps('adult-cache-retry');
    for (const name of ['adultProcess', 'adultTrain', 'adultEval']) {
      const step = pythonSdkDefinition('adult-cache-retry').Steps.find((s: any) => s.Name === name);
      expect(step.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
      expect(step.RetryPolicies[0].ExceptionType).toEqual(['Step.THROTTLING']);
      expect(cached.has(name)).toBe(true);
    }
    const failing = steps('adult-fail-modelstep');
    expect(failing.get('adultAccuracyTooLow')?.type).toBe('Fail');
    expect(failing.get('adultAccuracyTooLow')?.branch).toEqual({ condition: 'adultAccCond', branch: 'ElseSteps' });
    expect(failing.get('adultCreateModel-CreateModel')?.type).toBe('Model');
  });

  const tarball = pythonSdkTarball();
  const canRegenerate = tarball !== undefined && debianPythonReady();
  it.runIf(canRegenerate || regenerationRequired)(
    'GIVEN the vendored SDK and Debian python3 WHEN the generator runs again THEN it writes the committed definitions, URI list and image table byte for byte',
    () => {
      expect(tarball, 'no SDK tarball (shared/vendor/sagemaker-python-sdk) beside the checkout: set SAGEPIPE_PYTHON_SDK_TARBALL').toBeDefined();
      const out = mkdtempSync(join(tmpdir(), 'sagepipe-python-sdk-'));
      try {
        execFileSync('bash', [join(PYTHON_SDK_DIR, 'generate.sh'), out], { env: { ...process.env, SAGEPIPE_PYTHON_SDK_TARBALL: tarball as string }, stdio: 'pipe', timeout: 120_000 });
        for (const name of PYTHON_SDK_VARIANTS) {
          expect(readFileSync(join(out, `${name}.json`), 'utf8'), name).toBe(readFileSync(join(PYTHON_SDK_DIR, `${name}.json`), 'utf8'));
        }
        expect(readFileSync(join(out, 'image-uris.json'), 'utf8')).toBe(readFileSync(join(PYTHON_SDK_DIR, 'image-uris.json'), 'utf8'));
        expect(readFileSync(join(out, 'aws-image-table.ts'), 'utf8')).toBe(readFileSync(join(PYTHON_SDK_DIR, '../../../src/sdk/aws-image-table.ts'), 'utf8'));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
