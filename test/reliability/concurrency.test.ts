/**
 * Races on shared records: parallel approvals (in one process and across processes) each keep their history entry;
 * registering the same execution's step twice (a retry after a crash) yields one version; the lock is taken over
 * from a holder that died.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { setApproval } from '../../local-runner/registry/approval.ts';
import { FileRegistry, type ModelPackage } from '../../local-runner/registry/file-registry.ts';
import { acquireLock, withLock } from '../../src/util/file-lock.ts';
import { hostId } from '../../src/util/process-identity.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';

const run = promisify(execFile);
const ws = tempDir('sagepipe-race-');
afterAll(() => ws.remove());
const registry = new FileRegistry(join(ws.path, 'registry'), { region: 'us-east-1', account: '000000000000' });
const register = (group: string, source?: { PipelineExecutionArn: string; StepName: string }) =>
  registry.createPackage(
    group,
    new Date().toISOString(),
    (version, arn) =>
      ({ ModelPackageGroupName: group, ModelPackageVersion: version, ModelPackageArn: arn, ModelApprovalStatus: 'PendingManualApproval', CreationTime: '', LastModifiedTime: '' }) as ModelPackage,
    source,
  );
const history = async (ref: string) => ((await registry.describe(ref))['sagepipe:ApprovalHistory'] as unknown[] | undefined)?.length ?? 0;

describe('approvals under a lock', () => {
  it('GIVEN one version WHEN 16 approvals and rejections run at once in one process THEN history has 16 entries', async () => {
    await register('inproc');
    await Promise.all(Array.from({ length: 16 }, (_, i) => setApproval(registry, 'inproc/1', i % 2 === 0 ? 'Approved' : 'PendingManualApproval', { description: `#${i}` })));
    expect(await history('inproc/1')).toBe(16);
  });

  it('GIVEN one version WHEN 16 `models approve` processes run at once THEN all exit 0 and history has 16 entries', async () => {
    await register('procs');
    const bin = join(REPO_ROOT, 'bin/sagepipe.js');
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        run(process.execPath, [bin, 'models', 'approve', 'procs/1', '--description', `#${i}`, '--workspace', ws.path]).then(
          () => ({ code: 0, stderr: '' }),
          (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, stderr: e.stderr ?? '' }),
        ),
      ),
    );
    expect(results.map((r) => r.code), results.map((r) => r.stderr).join('')).toEqual(Array.from({ length: 16 }, () => 0));
    expect(await history('procs/1')).toBe(16);
  }, 120_000);
});

describe('registration', () => {
  it('GIVEN a version registered by an execution step WHEN the same step registers again (retry after a crash) THEN the same version comes back', async () => {
    const source = { PipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:0:pipeline/p/execution/abc', StepName: 'Register' };
    const first = await register('idem', source);
    const again = await register('idem', source);
    const other = await register('idem', { ...source, StepName: 'Other' });
    expect(again.ModelPackageVersion).toBe(first.ModelPackageVersion);
    expect(other.ModelPackageVersion).toBe(first.ModelPackageVersion + 1);
    expect((await registry.list('idem')).length).toBe(2);
  });

  it('GIVEN 12 executions registering at once THEN versions 1..12 each exist once', async () => {
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => register('many', { PipelineExecutionArn: `e${i}`, StepName: 'R' })));
    expect(made.map((m) => m.ModelPackageVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });
});

describe('the file lock', () => {
  it('GIVEN a lock left by a process that died WHEN taken THEN it is taken over at once', async () => {
    const path = join(ws.path, 'dead.lock');
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostId(), since: '2020-01-01T00:00:00Z' }));
    const started = Date.now();
    await withLock(path, async () => undefined, { waitMs: 0 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('GIVEN a lock held by a live process WHEN asked without waiting THEN a conflict names the holder', async () => {
    const path = join(ws.path, 'live.lock');
    const held = await acquireLock(path, { purpose: 'running execution x' });
    await expect(acquireLock(path, { waitMs: 0, what: 'execution x' })).rejects.toThrow(new RegExp(`execution x is held by process ${process.pid} \\(running execution x\\)`));
    await held.release();
    await (await acquireLock(path, { waitMs: 0 })).release();
  });
});
