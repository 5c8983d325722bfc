/**
 * The Python-SDK fixtures (test/fixtures/python-sdk/): their files, and whether they can be regenerated here. In CI
 * (CI=true) regeneration is required: a missing /usr/bin/python3, SDK package or SDK tarball fails instead of skipping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliRun } from './cli.ts';

export const PYTHON_SDK_DIR = fileURLToPath(new URL('../fixtures/python-sdk/', import.meta.url));
export const PYTHON_SDK_CODE_DIR = fileURLToPath(new URL('../fixtures/python-sdk/code/', import.meta.url));

/** The definitions the generator writes, by name (file name without `.json`). */
export const PYTHON_SDK_VARIANTS = ['adult', 'adult-xgboost-1.7', 'adult-sklearn-framework', 'adult-cache-retry', 'adult-fail-modelstep'] as const;
export type PythonSdkVariant = (typeof PYTHON_SDK_VARIANTS)[number];

export function pythonSdkDefinition(name: PythonSdkVariant): any {
  return JSON.parse(readFileSync(`${PYTHON_SDK_DIR}${name}.json`, 'utf8'));
}

export function pythonSdkFixtureFiles(): string[] {
  return readdirSync(PYTHON_SDK_DIR).filter((f) => f.startsWith('adult') && f.endsWith('.json')).sort();
}

/** The SDK tarball, where the checkout has a shared/ folder beside or above it (or $SAGEPIPE_PYTHON_SDK_TARBALL). */
export function pythonSdkTarball(): string | undefined {
  if (process.env.SAGEPIPE_PYTHON_SDK_TARBALL) return process.env.SAGEPIPE_PYTHON_SDK_TARBALL;
  for (const up of ['../../../shared', '../../../../shared']) {
    const dir = fileURLToPath(new URL(`${up}/vendor/sagemaker-python-sdk/`, import.meta.url));
    if (!existsSync(dir)) continue;
    const file = readdirSync(dir).find((f) => /^sagemaker-src-.*\.tar\.xz$/.test(f));
    if (file) return `${dir}${file}`;
  }
  return undefined;
}

/** Whether Debian's python3 can import what the SDK needs on the pipeline path. */
export function debianPythonReady(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import boto3, attr, jsonschema, google.protobuf, yaml, tblib, cloudpickle, importlib_metadata, schema, omegaconf, docker, psutil, platformdirs, tqdm, pandas'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

export const regenerationRequired = process.env.CI === 'true';

export const PYTHON_SDK_BUCKET = 's3://sagemaker-eu-west-1-123456789012';

/**
 * Puts what a Python-SDK fixture reads into a workspace's local S3 with `sagepipe s3 cp`, as a user would: the Adult
 * data at InputData's default, the scripts under `adult/code/`, and for the script-mode variant a `sourcedir.tar.gz`
 * holding train.py. Resolves to the CLI runs (each must exit 0).
 */
export async function placePythonSdkInputs(workspace: string, adultCsv: string): Promise<CliRun[]> {
  const { cli } = await import('./cli.ts');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const code = `${PYTHON_SDK_BUCKET}/adult/code/`;
  const ws = ['--workspace', workspace, '--quiet'];
  const runs = [
    await cli(['s3', 'cp', adultCsv, `${PYTHON_SDK_BUCKET}/adult/adult.csv`, ...ws]),
    await cli(['s3', 'cp', PYTHON_SDK_CODE_DIR, code, '--recursive', '--exclude', '*', '--include', '*.py', ...ws]),
  ];
  const temp = mkdtempSync(join(tmpdir(), 'sagepipe-sourcedir-'));
  try {
    execFileSync('tar', ['czf', join(temp, 'sourcedir.tar.gz'), '-C', PYTHON_SDK_CODE_DIR, 'train.py']);
    runs.push(await cli(['s3', 'cp', join(temp, 'sourcedir.tar.gz'), code, ...ws]));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return runs;
}

/** Every `s3://` location a definition reads from as a literal string (inputs, code, source archives, parameter defaults). */
export function literalS3Reads(definition: any): string[] {
  const out = new Set<string>();
  for (const p of definition.Parameters ?? []) if (typeof p.DefaultValue === 'string' && p.DefaultValue.startsWith('s3://')) out.add(p.DefaultValue);
  const visit = (steps: any[]) => {
    for (const s of steps) {
      for (const i of s.Arguments?.ProcessingInputs ?? []) if (typeof i.S3Input?.S3Uri === 'string') out.add(i.S3Input.S3Uri);
      const submit = s.Arguments?.HyperParameters?.sagemaker_submit_directory;
      if (typeof submit === 'string') out.add(JSON.parse(submit));
      const env = s.Arguments?.PrimaryContainer?.Environment?.SAGEMAKER_SUBMIT_DIRECTORY;
      if (typeof env === 'string') out.add(env);
      if (s.Type === 'Condition') visit([...(s.Arguments.IfSteps ?? []), ...(s.Arguments.ElseSteps ?? [])]);
    }
  };
  visit(definition.Steps);
  return [...out].sort();
}
