/**
 * The inputs of the Python-SDK fixtures placed with `sagepipe s3 cp`, as docs/python.md tells a user: afterwards every
 * s3:// location each definition reads from literally exists in the workspace's local S3.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalS3 } from '../../local-runner/s3/local-s3.ts';
import { tempDir } from '../helpers/context.ts';
import { PYTHON_SDK_VARIANTS, literalS3Reads, placePythonSdkInputs, pythonSdkDefinition } from '../helpers/python-sdk.ts';

const dir = tempDir('sagepipe-python-sdk-inputs-');
afterAll(() => dir.remove());

describe('placing a Python-SDK pipeline\'s inputs with sagepipe s3 cp', () => {
  it('GIVEN an empty workspace WHEN the data, scripts and source archive are copied THEN every literal s3:// read of all five definitions exists', async () => {
    const csv = join(dir.path, 'adult.csv');
    writeFileSync(csv, 'age,income\n39,<=50K\n');
    const workspace = join(dir.path, 'ws');
    const runs = await placePythonSdkInputs(workspace, csv);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const s3 = new LocalS3(join(workspace, 's3'));
    const reads = [...new Set(PYTHON_SDK_VARIANTS.flatMap((v) => literalS3Reads(pythonSdkDefinition(v))))].sort();
    expect(reads).toEqual([
      's3://sagemaker-eu-west-1-123456789012/adult/adult.csv',
      's3://sagemaker-eu-west-1-123456789012/adult/code/evaluation.py',
      's3://sagemaker-eu-west-1-123456789012/adult/code/evaluation_sklearn.py',
      's3://sagemaker-eu-west-1-123456789012/adult/code/preprocessing.py',
      's3://sagemaker-eu-west-1-123456789012/adult/code/sourcedir.tar.gz',
    ]);
    const missing = [];
    for (const uri of reads) if (!(await s3.headObject(uri))) missing.push(uri);
    expect(missing).toEqual([]);
  });
});
