/** data/fetch.sh puts the Adult data in place from a named file or the shared copy, and says what to do when it cannot. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';

const CSV = '"age","income"\n39,"<=50K"\n';

describe('data/fetch.sh', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.remove());

  /** A copy of the script at <root>/<checkout>/data/fetch.sh, as in a clone (checkout 'repo') or a worktree ('wt/name'). */
  function checkout(checkoutPath: string): string {
    dir = tempDir('sagepipe-fetch-');
    const data = join(dir.path, checkoutPath, 'data');
    mkdirSync(data, { recursive: true });
    copyFileSync(join(REPO_ROOT, 'data', 'fetch.sh'), join(data, 'fetch.sh'));
    return data;
  }
  const fetch = (data: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync('bash', [join(data, 'fetch.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

  it('GIVEN ADULT_CSV names a file WHEN fetch.sh runs THEN data/adult.csv is a copy of it', () => {
    const data = checkout('repo');
    const source = join(dir!.path, 'mine.csv');
    writeFileSync(source, CSV);
    const r = fetch(data, { ADULT_CSV: source });
    expect(r.status).toBe(0);
    expect(readFileSync(join(data, 'adult.csv'), 'utf8')).toBe(CSV);
  });

  it('GIVEN ADULT_CSV names a missing file WHEN fetch.sh runs THEN it fails naming that path, and writes nothing', () => {
    const data = checkout('repo');
    const r = fetch(data, { ADULT_CSV: '/nonexistent/adult.csv' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ADULT_CSV=/nonexistent/adult.csv is not a readable, non-empty file');
    expect(existsSync(join(data, 'adult.csv'))).toBe(false);
  });

  it('GIVEN a git worktree under wt/ WHEN fetch.sh runs THEN it copies the shared data beside the worktrees\' parent', () => {
    const data = checkout('wt/branch');
    mkdirSync(join(dir!.path, 'shared', 'data'), { recursive: true });
    writeFileSync(join(dir!.path, 'shared', 'data', 'adult.csv'), CSV);
    const r = fetch(data);
    expect(r.status).toBe(0);
    expect(readFileSync(join(data, 'adult.csv'), 'utf8')).toBe(CSV);
  });
});
