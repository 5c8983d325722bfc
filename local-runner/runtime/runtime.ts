/**
 * The local runner's one interface to whatever starts containers: Docker (dockerode) or child processes. A job is
 * prepared on the host as a folder standing in for the container's `/` (its `opt/ml/...`), which the Docker runtime
 * bind-mounts and the process runtime hands to the program as SAGEPIPE_CONTAINER_ROOT. No dockerode type leaks out.
 */

export type RuntimeKind = 'docker' | 'process';

export interface ContainerSpec {
  /** The local image name (`sagepipe-xgboost:0.1.0`). */
  readonly image: string;
  /** Overrides the image's entrypoint (ContainerEntrypoint). */
  readonly entrypoint?: readonly string[];
  /** Arguments (ContainerArguments, or `train` / `serve`). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The host folder standing in for the container's `/`; its `opt/ml` is mounted at `/opt/ml`. */
  readonly root: string;
  /** Container paths (under /opt/ml) to mount read-only on top. */
  readonly readOnlyPaths?: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** No network at all (NetworkConfig.EnableNetworkIsolation). */
  readonly networkIsolation: boolean;
  /** Killed after this many seconds (StoppingCondition.MaxRuntimeInSeconds). */
  readonly timeoutSeconds?: number;
  /** Publish a container port on a loopback host port (endpoints). */
  readonly port?: { readonly container: number; readonly host: number };
}

export interface ContainerResult {
  readonly exitCode: number;
  readonly timedOut: boolean;
  /** Ended because the signal aborted (the execution was stopped). */
  readonly stopped: boolean;
}

export type LogSink = (line: string, stream: 'stdout' | 'stderr') => void;

export interface ContainerRuntime {
  readonly kind: RuntimeKind;
  /** Runs a container to its end; rejects only when it could not be started. */
  run(spec: ContainerSpec, log: LogSink, signal: AbortSignal): Promise<ContainerResult>;
  /** Starts a long-running container (an endpoint) that outlives this process; its output goes to `logFile`. */
  startDetached(spec: ContainerSpec, logFile: string): Promise<string>;
  /** Whether a detached container is still running, and its exit code when it is not. */
  inspect(id: string): Promise<{ running: boolean; exitCode: number | undefined }>;
  /** The last lines a detached container wrote. */
  logs(id: string, logFile: string, lines: number): Promise<string[]>;
  /** Stops and removes a detached container. */
  remove(id: string): Promise<void>;
  /** Whether the image can be run here (present, or a program this runtime knows). */
  hasImage(image: string): Promise<boolean>;
  /** A present image's labels (runtimes with real images only). */
  imageLabels?(image: string): Promise<Readonly<Record<string, string>> | undefined>;
  /**
   * Throws when an image cannot run here (a missing interpreter or module), checked before a run starts; `runsScript`:
   * the job runs a user's script rather than the image's own program. Optional.
   */
  preflight?(image: string, runsScript: boolean): Promise<void>;
  /** Removes containers left by runs that crashed. Returns how many. */
  cleanupLeftovers(): Promise<number>;
}

/** Splits a byte stream into lines, keeping a trailing partial line until the next chunk or the end. */
export function lineSplitter(emit: (line: string) => void): { write(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    write(chunk) {
      rest += chunk.toString();
      let i = rest.indexOf('\n');
      while (i >= 0) {
        emit(rest.slice(0, i).replace(/\r$/, ''));
        rest = rest.slice(i + 1);
        i = rest.indexOf('\n');
      }
    },
    end() {
      if (rest.length > 0) emit(rest);
      rest = '';
    },
  };
}

/** Whether a process exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
