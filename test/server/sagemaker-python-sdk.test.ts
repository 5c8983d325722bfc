/**
 * The SageMaker Python SDK v2 (vendored source, Debian's python3) runs the reference notebook's flow against
 * `sagepipe serve`: default bucket, S3Uploader, the pipeline (SKLearnProcessor, built-in XGBoost Estimator,
 * ScriptProcessor, PropertyFile, condition, RegisterModel, CreateModelStep), upsert twice, start, wait, list_steps,
 * S3Downloader, approval, ModelPackage.deploy(), predict, delete. The Python side is clients/sagemaker_sdk_flow.py.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { requirePython } from '../helpers/python.ts';
import { sdkTarball, unpackSdk } from '../helpers/sagemaker-sdk.ts';
import { type RunningServe, startServe } from '../helpers/serve.ts';

/** The notebook's preprocessing and evaluation scripts, where the project keeps them with its Python images. */
const NOTEBOOK_CODE = join(REPO_ROOT, 'examples/adult-python');
const tarball = requirePython('boto3') ? sdkTarball() : undefined;
const scratch = tempDir('sagepipe-sdk-flow-');
let serve: RunningServe;

beforeAll(async () => {
  serve = await startServe({ policy: { allowHostCode: true } });
});
afterAll(async () => {
  await serve?.close();
  scratch.remove();
});

interface FlowReport {
  readonly stages: string[];
  readonly facts: { steps?: [string, string, string][]; description?: string; accuracy?: number; prediction?: number; endpoint_status?: string };
  readonly error: string | null;
}

describe.skipIf(!tarball)('the SageMaker Python SDK against serve', () => {
  it('GIVEN the reference notebook\'s flow WHEN run with the SDK unchanged THEN every call it makes is answered, and the run shows in sagepipe executions list', async () => {
    const src = unpackSdk(tarball as string);
    let code = NOTEBOOK_CODE;
    if (!existsSync(join(code, 'preprocessing.py'))) {
      // Without the project's Python images the steps cannot run: the flow is checked up to its first step.
      code = join(scratch.path, 'code');
      mkdirSync(code, { recursive: true });
      writeFileSync(join(code, 'preprocessing.py'), 'print("preprocessing")\n');
      writeFileSync(join(code, 'evaluation.py'), 'print("evaluation")\n');
    }
    const run = await promisify(execFile)('/usr/bin/python3', [join(REPO_ROOT, 'test/server/clients/sagemaker_sdk_flow.py'), serve.url, src, ADULT_CSV, code], {
      encoding: 'utf8',
      timeout: 900_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = run.stdout.split('\n').find((l) => l.startsWith('SAGEPIPE-REPORT ')) as string;
    const report = JSON.parse(line.slice('SAGEPIPE-REPORT '.length)) as FlowReport;
    expect(report.stages.slice(0, 5)).toEqual(['default_bucket', 'S3Uploader.upload', 'definition', 'upsert twice', 'start']);
    expect(report.facts.description).toBe('upserted again');
    if (code === NOTEBOOK_CODE) {
      expect(report.error).toBeNull();
      expect(report.stages.slice(5)).toEqual(['wait', 'list_steps', 'S3Downloader evaluation.json', 'approve', 'ModelPackage.deploy', 'predict', 'delete endpoint']);
      expect(report.facts.accuracy).toBeGreaterThan(0.8);
      expect(report.facts.endpoint_status).toBe('InService');
      expect(report.facts.prediction).toBeGreaterThanOrEqual(0);
      expect(report.facts.prediction).toBeLessThanOrEqual(1);
      const models = await cli(['models', 'list', '--workspace', serve.workspace, '--json']);
      expect(models.stdout).toContain('AdultModelPackageGroupName');
    } else {
      // The first step needs AWS's scikit-learn image, which only the project's Python images stand in for.
      expect(report.facts.steps?.[0]?.slice(0, 2)).toEqual(['adultProcess', 'Failed']);
      expect(report.error).toMatch(/sagemaker-scikit-learn:0\.23-1-cpu-py3/);
    }
    const executions = await cli(['executions', 'list', '--workspace', serve.workspace, '--json']);
    expect(executions.code, executions.stderr).toBe(0);
    expect(executions.stdout).toContain('pipeline/adultpipeline/execution/');
  }, 900_000);
});
