/**
 * The SageMaker Python SDK v2 as a test client: its source, vendored in shared/vendor/sagemaker-python-sdk/, unpacked
 * once into the system temp folder (never into the project) with the stand-ins its README lists for modules the
 * pipeline path imports but never calls. No SDK file is changed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_DIR } from './context.ts';

const VENDOR = join(SHARED_DIR, 'vendor', 'sagemaker-python-sdk');

const STAND_INS: Record<string, string> = {
  // Imported for an annotation in the JumpStart modules.
  'sagemaker_core/__init__.py': '',
  'sagemaker_core/shapes.py': 'class ModelAccessConfig:\n    pass\n',
  'sagemaker_core/resources.py': '',
  // Imported at module level by sagemaker/debugger/debugger.py; its rule helpers are never called on this path.
  'smdebug_rulesconfig/__init__.py': 'def __getattr__(name):\n    return lambda *a, **k: {}\n',
};

/** The tarball, or undefined when this machine has none (then CI fails the test rather than skipping it). */
export function sdkTarball(): string | undefined {
  const found = existsSync(VENDOR) ? readdirSync(VENDOR).find((f) => /^sagemaker-src-.*\.tar\.xz$/.test(f)) : undefined;
  if (!found && process.env.CI) throw new Error(`the SageMaker Python SDK source is missing from ${VENDOR}`);
  return found ? join(VENDOR, found) : undefined;
}

/** The folder to put on PYTHONPATH: the SDK's `src/` with the stand-ins beside it. */
export function unpackSdk(tarball: string): string {
  const version = /sagemaker-src-(.*)\.tar\.xz$/.exec(tarball)?.[1] as string;
  const root = join(tmpdir(), `sagepipe-sagemaker-sdk-${version}`);
  const src = join(root, 'src');
  if (existsSync(join(root, '.complete'))) return src;
  const staging = `${root}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('tar', ['-xJf', tarball, '-C', staging]);
  for (const [path, text] of Object.entries(STAND_INS)) {
    mkdirSync(join(staging, 'src', path, '..'), { recursive: true });
    writeFileSync(join(staging, 'src', path), text);
  }
  // sagemaker/user_agent.py asks importlib.metadata for the installed version.
  const dist = join(staging, 'src', `sagemaker-${version.replace(/^v/, '')}.dist-info`);
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, 'METADATA'), `Metadata-Version: 2.1\nName: sagemaker\nVersion: ${version.replace(/^v/, '')}\n`);
  writeFileSync(join(staging, '.complete'), '');
  rmSync(root, { recursive: true, force: true });
  try {
    renameSync(staging, root);
  } catch {
    // Another test run unpacked it at the same time.
    rmSync(staging, { recursive: true, force: true });
  }
  return src;
}
