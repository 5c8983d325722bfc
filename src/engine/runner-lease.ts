/**
 * One runner per execution, and crash detection. The process running an execution holds its lease (a lock file in
 * the execution's folder, naming its pid, start time and host) until the record is final. A second `run`/`retry`
 * of the same execution gets a conflict; a record left Executing by a runner that died (kill -9, a crash, a reboot)
 * is found abandoned, shown Failed with the reason, and its jobs are removed — after which `retry` works directly.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, SagepipeError, isSagepipeError } from '../errors.ts';
import { type HeldLock, type LockHolder, acquireLock } from '../util/file-lock.ts';
import { hostId, isAlive } from '../util/process-identity.ts';
import { type ExecutionRecord, isTerminal } from './records.ts';
import type { ExecutionStore } from './store.ts';

/** Removes what an abandoned execution's runner left running (containers, process trees). */
export type AbandonedJobsRemover = (executionId: string) => Promise<void>;

function leasePath(store: ExecutionStore, id: string): string {
  return join(store.dirOf(id), 'runner.lock');
}

/** Takes the execution's lease or fails with a conflict naming the process that holds it. */
export async function takeRunnerLease(store: ExecutionStore, id: string): Promise<HeldLock> {
  await mkdir(store.dirOf(id), { recursive: true });
  try {
    return await acquireLock(leasePath(store, id), { waitMs: 0, what: `execution ${id}`, purpose: 'running it' });
  } catch (error) {
    if (isSagepipeError(error) && error.code === ErrorCode.Conflict) {
      throw new SagepipeError(ErrorCode.Conflict, `${error.message}: only one process runs an execution at a time; wait for it, or stop it with 'sagepipe executions stop ${id}'`, {
        path: id,
      });
    }
    throw error;
  }
}

async function leaseHolder(store: ExecutionStore, id: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(leasePath(store, id), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Whether a non-final record still has a live runner. */
export async function runnerAlive(store: ExecutionStore, record: ExecutionRecord): Promise<boolean> {
  if (isTerminal(record.PipelineExecutionStatus)) return false;
  const holder = await leaseHolder(store, record.PipelineExecutionId);
  if (holder) return isAlive(holder);
  // Records written before leases: the pid (and start time, when recorded) is all there is.
  if (record.RunnerPid === undefined) return false;
  return isAlive({ pid: record.RunnerPid, host: record.RunnerHost ?? hostId(), ...(record.RunnerStartTime ? { start: record.RunnerStartTime } : {}) });
}

/** Marks a record whose runner is gone: open steps end with the reason, the execution Failed (or Stopped). */
export function markAbandoned(record: ExecutionRecord, status: 'Failed' | 'Stopped', now: Date): void {
  const at = now.toISOString();
  const who = record.RunnerPid === undefined ? 'the process running it' : `the sagepipe process running it (pid ${record.RunnerPid})`;
  const reason = `${who} ended before the execution finished (killed or crashed); its jobs were removed. Retry it with 'sagepipe executions retry ${record.PipelineExecutionId}'`;
  for (const s of record.Steps) {
    if (s.StepStatus === 'Executing' || s.StepStatus === 'Starting' || s.StepStatus === 'Stopping') {
      s.StepStatus = status;
      s.EndTime = at;
      s.FailureReason = `the process running it ended`;
    }
  }
  record.PipelineExecutionStatus = status;
  if (status === 'Failed') record.FailureReason = reason;
  record.EndTime = at;
  record.LastModifiedTime = at;
}

/**
 * When the execution is non-final and its runner is gone: removes its jobs and records it Failed (or `status`).
 * Returns the record as it now is. Safe to call from several processes at once (the lease serialises them).
 */
export async function recoverAbandoned(
  store: ExecutionStore,
  id: string,
  options: { readonly removeJobs?: AbandonedJobsRemover; readonly status?: 'Failed' | 'Stopped'; readonly now?: () => Date } = {},
): Promise<{ record: ExecutionRecord; recovered: boolean }> {
  const { record } = await store.load(id);
  if (isTerminal(record.PipelineExecutionStatus) || (await runnerAlive(store, record))) return { record, recovered: false };
  let lease: HeldLock;
  try {
    lease = await takeRunnerLease(store, id);
  } catch (error) {
    if (isSagepipeError(error) && error.code === ErrorCode.Conflict) return { record: (await store.load(id)).record, recovered: false };
    throw error;
  }
  try {
    const fresh = (await store.load(id)).record;
    if (isTerminal(fresh.PipelineExecutionStatus)) return { record: fresh, recovered: false };
    await options.removeJobs?.(id);
    markAbandoned(fresh, options.status ?? 'Failed', (options.now ?? (() => new Date()))());
    await store.save(fresh);
    return { record: fresh, recovered: true };
  } finally {
    await lease.release();
  }
}
