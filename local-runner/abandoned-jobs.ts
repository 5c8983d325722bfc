/**
 * What a runner that died leaves running: containers labelled with its execution (on this host), and process-runtime
 * job trees recorded next to their job folders. Removed before the execution is shown Failed or retried.
 */
import { join } from 'node:path';
import { DockerRuntime } from './runtime/docker-runtime.ts';
import { killAbandonedTrees } from './runtime/process-runtime.ts';

/** The part of the Docker runtime this needs (a fake in tests). */
export interface ExecutionContainers {
  removeExecutionContainers(executionId: string): Promise<number>;
}

export interface AbandonedJobsOptions {
  readonly jobsDir: string;
  /** The Docker runtime in use, if any; otherwise one is tried when a daemon answers. */
  readonly docker?: ExecutionContainers;
  /**
   * How long to wait before looking again after a pass removed containers. A runner killed while asking the daemon to
   * create a container leaves that request in flight: the daemon still creates it, after the first look.
   * @default 1000
   */
  readonly settleMs?: number;
}

const MAX_PASSES = 4;

/** Removes an execution's leftover jobs; returns how many containers and process trees were ended. */
export async function removeAbandonedJobs(options: AbandonedJobsOptions, executionId: string): Promise<number> {
  let removed = killAbandonedTrees(join(options.jobsDir, executionId));
  const docker = options.docker ?? ((await DockerRuntime.available()) ? new DockerRuntime() : undefined);
  if (!docker) return removed;
  const settleMs = options.settleMs ?? 1000;
  // The first pass always settles and looks again (the in-flight create may land just after it); later passes
  // only while they keep finding containers.
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const found = await docker.removeExecutionContainers(executionId).catch(() => 0);
    removed += found;
    if (pass > 0 && found === 0) break;
    if (pass < MAX_PASSES - 1) await new Promise((resolve) => setTimeout(resolve, settleMs));
  }
  return removed;
}
