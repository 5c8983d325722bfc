/**
 * The local runner's one interface to whatever starts containers: Docker (dockerode) or child processes. A job is
 * prepared on the host as a folder standing in for the container's `/` (its `opt/ml/...`), which the Docker runtime
 * bind-mounts and the process runtime hands to the program as SAGEPIPE_CONTAINER_ROOT. No dockerode type leaks out.
 */

import { pidRunning } from '../../src/util/process-identity.ts';

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
  /** No network at all (NetworkConfig.EnableNetworkIsolation, and every local job unless it asks for one). */
  readonly networkIsolation: boolean;
  /** CPU, memory and process limits (Docker enforces them; the process runtime cannot). @default none */
  readonly resources?: import('./resources.ts').JobResources;
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

/** Lines longer than this are cut into pieces of this size (a minified bundle, output without newlines). */
export const MAX_LINE_CHARS = 16 * 1024;

/**
 * Splits a byte stream into lines, keeping a trailing partial line until the next chunk or the end. Linear in the
 * output's size: only the new chunk is searched for newlines, and a partial line is kept as a list of pieces (joined
 * once); a line over MAX_LINE_CHARS is emitted in pieces, so output without newlines never piles up in memory.
 */
export function lineSplitter(emit: (line: string) => void, maxLine = MAX_LINE_CHARS): { write(chunk: Buffer | string): void; end(): void } {
  const decoder = new TextDecoder('utf-8');
  let pieces: string[] = [];
  let pending = 0;
  const flushLong = () => {
    let text = pieces.join('');
    while (text.length >= maxLine) {
      emit(text.slice(0, maxLine));
      text = text.slice(maxLine);
    }
    pieces = text.length > 0 ? [text] : [];
    pending = text.length;
  };
  return {
    write(chunk) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      let start = 0;
      let i = text.indexOf('\n');
      while (i >= 0) {
        pieces.push(text.slice(start, i));
        let line = pieces.join('');
        if (line.endsWith('\r')) line = line.slice(0, -1);
        while (line.length > maxLine) {
          emit(line.slice(0, maxLine));
          line = line.slice(maxLine);
        }
        emit(line);
        pieces = [];
        pending = 0;
        start = i + 1;
        i = text.indexOf('\n', start);
      }
      if (start < text.length) {
        pieces.push(text.slice(start));
        pending += text.length - start;
        if (pending >= maxLine) flushLong();
      }
    },
    end() {
      const tail = decoder.decode();
      if (tail) pieces.push(tail);
      const rest = pieces.join('');
      if (rest.length > 0) emit(rest);
      pieces = [];
      pending = 0;
    },
  };
}

/** Whether a process runs (EPERM: it exists but belongs to someone else; a zombie has ended). */
export function isProcessAlive(pid: number | undefined): boolean {
  return pid !== undefined && pid > 0 && pidRunning(pid);
}
