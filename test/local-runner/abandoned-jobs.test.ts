import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExecutionContainers, removeAbandonedJobs } from '../../local-runner/abandoned-jobs.ts';

/** A daemon whose containers appear over time: `arrivals[i]` containers are there at the i-th look. */
function daemon(arrivals: number[]): ExecutionContainers & { looks: number } {
  const fake = {
    looks: 0,
    async removeExecutionContainers(): Promise<number> {
      return arrivals[fake.looks++] ?? 0;
    },
  };
  return fake;
}

describe('removeAbandonedJobs', () => {
  const jobsDir = mkdtempSync(join(tmpdir(), 'sagepipe-abandoned-'));
  afterAll(() => rmSync(jobsDir, { recursive: true, force: true }));

  it('GIVEN a container the dead runner asked for that the daemon creates after the first look WHEN removed THEN the second look removes it too', async () => {
    const docker = daemon([1, 1, 0]);
    const removed = await removeAbandonedJobs({ jobsDir, docker, settleMs: 1 }, 'exec-1');
    expect(removed).toBe(2);
    expect(docker.looks).toBe(3);
  });

  it('GIVEN nothing left at all WHEN removed THEN it still looks a second time, and no more', async () => {
    const docker = daemon([0, 0, 0, 0]);
    expect(await removeAbandonedJobs({ jobsDir, docker, settleMs: 1 }, 'exec-2')).toBe(0);
    expect(docker.looks).toBe(2);
  });

  it('GIVEN containers that keep appearing WHEN removed THEN it gives up after a bounded number of looks', async () => {
    const docker = daemon([1, 1, 1, 1, 1, 1]);
    expect(await removeAbandonedJobs({ jobsDir, docker, settleMs: 1 }, 'exec-3')).toBe(4);
    expect(docker.looks).toBe(4);
  });
});
