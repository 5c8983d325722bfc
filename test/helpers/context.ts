/** A pipeline context and temporary folders for tests. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveContext } from '../../src/compile/compile.ts';
import type { PipelineContext } from '../../src/sdk/context.ts';

export const testContext: PipelineContext = resolveContext({ account: '123456789012', region: 'eu-west-1', defaultBucket: 'test-bucket' }, '0.1.0');

export function tempDir(prefix = 'sagepipe-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const REPO_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/** The shared folder beside the checkout (or beside its parent, for a worktree under wt/). */
export const SHARED_DIR = [join(REPO_ROOT, '..', 'shared'), join(REPO_ROOT, '..', '..', 'shared')].find((d) => existsSync(d)) ?? join(REPO_ROOT, '..', 'shared');
/** data/adult.csv (data/fetch.sh) when present, else the shared copy beside the checkout (or beside its parent, for a worktree under wt/). */
export const ADULT_CSV =
  [join(REPO_ROOT, 'data', 'adult.csv'), join(REPO_ROOT, '..', 'shared', 'data', 'adult.csv'), join(REPO_ROOT, '..', '..', 'shared', 'data', 'adult.csv')].find((p) => existsSync(p)) ??
  join(REPO_ROOT, '..', 'shared', 'data', 'adult.csv');
