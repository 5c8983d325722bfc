/**
 * The Python-SDK fixtures (test/fixtures/python-sdk/): their files, and whether they can be regenerated here. In CI
 * (CI=true) regeneration is required: a missing /usr/bin/python3, SDK package or SDK tarball fails instead of skipping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
