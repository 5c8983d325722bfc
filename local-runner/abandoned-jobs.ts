/**
 * What a runner that died leaves running: containers labelled with its execution (on this host), and process-runtime
 * job trees recorded next to their job folders. Removed before the execution is shown Failed or retried.
 */
import { join } from 'node:path';
import { DockerRuntime } from './runtime/docker-runtime.ts';
import { killAbandonedTrees } from './runtime/process-runtime.ts';

export interface AbandonedJobsOptions {
  readonly jobsDir: string;
  /** The Docker runtime in use, if any; otherwise one is tried when a daemon answers. */
  readonly docker?: DockerRuntime;
}

/** Removes an execution's leftover jobs; returns how many containers and process trees were ended. */
export async function removeAbandonedJobs(options: AbandonedJobsOptions, executionId: string): Promise<number> {
  let removed = killAbandonedTrees(join(options.jobsDir, executionId));
  const docker = options.docker ?? ((await DockerRuntime.available()) ? new DockerRuntime() : undefined);
  if (docker) removed += await docker.removeExecutionContainers(executionId).catch(() => 0);
  return removed;
}
