/**
 * The Docker runtime, on dockerode. Each job is one container: labelled with its execution and step, its job folder
 * bind-mounted at /opt/ml, run as the invoking user (outputs are not root-owned), logs demultiplexed line by line,
 * the exit code taken from wait(), killed at its time limit, and always removed afterwards. Nothing is pulled.
 */
import { PassThrough } from 'node:stream';
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { ErrorCode, SagepipeError, errorMessage } from '../../src/errors.ts';
import { type ContainerResult, type ContainerRuntime, type ContainerSpec, type LogSink, lineSplitter } from './runtime.ts';
import { currentProcess, hostId, isAlive } from '../../src/util/process-identity.ts';
import { ML_ROOT, underRoot } from '../../containers/contract/paths.ts';

export const MANAGED_LABEL = 'sagepipe.managed';
export const OWNER_LABEL = 'sagepipe.owner-pid';
export const OWNER_START_LABEL = 'sagepipe.owner-start';
/** The host that created a container: clean-up on a shared daemon only touches this host's. */
export const HOST_LABEL = 'sagepipe.host';
export const EXECUTION_LABEL = 'sagepipe.execution';

/** Labels every managed container carries: who owns it, so only its own host cleans it up, and only once it died. */
export function ownerLabels(): Record<string, string> {
  const me = currentProcess();
  return { [MANAGED_LABEL]: 'true', [OWNER_LABEL]: String(me.pid), ...(me.start ? { [OWNER_START_LABEL]: me.start } : {}), [HOST_LABEL]: me.host };
}

/**
 * The container's host configuration: least privilege (no new privileges, every capability dropped, a pids limit),
 * CPU and memory from the instance type, and no network unless the job needs one (an endpoint's published port).
 */
export function hostConfigFor(spec: ContainerSpec): Docker.ContainerCreateOptions['HostConfig'] {
  const binds = [`${underRoot(spec.root, ML_ROOT)}:${ML_ROOT}`, ...(spec.readOnlyPaths ?? []).map((p) => `${underRoot(spec.root, p)}:${p}:ro`)];
  const r = spec.resources;
  return {
    Binds: binds,
    NetworkMode: spec.networkIsolation && !spec.port ? 'none' : 'bridge',
    SecurityOpt: ['no-new-privileges'],
    CapDrop: ['ALL'],
    ...(r ? { PidsLimit: r.pids, Memory: r.memoryBytes, MemorySwap: r.memoryBytes, NanoCpus: Math.round(r.cpus * 1e9) } : { PidsLimit: 4096 }),
    ...(spec.port ? { PortBindings: { [`${spec.port.container}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(spec.port.host) }] } } : {}),
  };
}

export interface DockerRuntimeOptions {
  /** @default dockerode's defaults (DOCKER_HOST or /var/run/docker.sock) */
  readonly socketPath?: string;
  /** `uid:gid` the containers run as. @default the invoking user's */
  readonly user?: string;
}

export class DockerRuntime implements ContainerRuntime {
  readonly kind = 'docker' as const;
  /** Never handed out: image build, tag and push go through the methods below (the ports the rest of the code uses). */
  private readonly docker: Docker;
  private readonly user: string | undefined;

  constructor(options: DockerRuntimeOptions = {}) {
    // dockerode is loaded on first use: commands that never touch Docker start faster without it.
    const DockerClass = createRequire(import.meta.url)('dockerode') as typeof Docker;
    this.docker = new DockerClass(options.socketPath ? { socketPath: options.socketPath } : undefined);
    this.user = options.user ?? (typeof process.getuid === 'function' ? `${process.getuid()}:${process.getgid?.() ?? 0}` : undefined);
  }

  /** Whether a daemon answers. */
  static async available(options: DockerRuntimeOptions = {}): Promise<boolean> {
    try {
      const runtime = new DockerRuntime(options);
      await Promise.race([runtime.docker.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
      return true;
    } catch {
      return false;
    }
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch {
      return false;
    }
  }

  async imageLabels(image: string): Promise<Readonly<Record<string, string>> | undefined> {
    try {
      return (await this.docker.getImage(image).inspect()).Config?.Labels ?? {};
    } catch {
      return undefined;
    }
  }

  async cleanupLeftovers(): Promise<number> {
    // Only this host's: on a shared or remote daemon, another host's owner pid says nothing here.
    const containers = await this.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${MANAGED_LABEL}=true`, `${HOST_LABEL}=${hostId()}`] }) });
    let removed = 0;
    for (const c of containers) {
      const pid = Number(c.Labels?.[OWNER_LABEL]);
      const start = c.Labels?.[OWNER_START_LABEL];
      if (isAlive({ pid, host: hostId(), ...(start ? { start } : {}) })) continue;
      try {
        await this.docker.getContainer(c.Id).remove({ force: true });
        removed++;
      } catch {
        // Already gone.
      }
    }
    return removed;
  }

  /** Removes the containers of one execution made on this host (its runner died). Returns how many. */
  async removeExecutionContainers(executionId: string): Promise<number> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${MANAGED_LABEL}=true`, `${HOST_LABEL}=${hostId()}`, `${EXECUTION_LABEL}=${executionId}`] }),
    });
    let removed = 0;
    for (const c of containers) {
      await this.docker.getContainer(c.Id).remove({ force: true }).then(
        () => removed++,
        () => undefined,
      );
    }
    return removed;
  }

  /** `managed` containers belong to a run and are cleaned up when their owner is gone; endpoints are not. */
  private async create(spec: ContainerSpec, managed = true): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer({
        Image: spec.image,
        ...(spec.entrypoint && spec.entrypoint.length > 0 ? { Entrypoint: [...spec.entrypoint] } : {}),
        Cmd: [...spec.args],
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: managed ? { ...spec.labels, ...ownerLabels() } : { ...spec.labels },
        ...(this.user ? { User: this.user } : {}),
        WorkingDir: ML_ROOT,
        ...(spec.port ? { ExposedPorts: { [`${spec.port.container}/tcp`]: {} } } : {}),
        HostConfig: hostConfigFor(spec),
      });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404) {
        throw new SagepipeError(ErrorCode.ImageUnavailable, `image ${spec.image} is not available locally (sagepipe never pulls): build it with 'sagepipe images build' or pull it yourself`, {
          path: spec.image,
        });
      }
      throw new SagepipeError(ErrorCode.JobFailed, `Docker could not create a container from ${spec.image}: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** Attaches to the container's output; the returned function waits (briefly) for its last bytes and flushes. */
  private async attach(container: Docker.Container, log: LogSink): Promise<() => Promise<void>> {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = lineSplitter((l) => log(l, 'stdout'));
    const err = lineSplitter((l) => log(l, 'stderr'));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c: Buffer) => out.write(c));
    stderr.on('data', (c: Buffer) => err.write(c));
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    this.docker.modem.demuxStream(stream, stdout, stderr);
    return async () => {
      // The stream ends once the daemon has sent everything the container wrote; a stuck one is not waited for long.
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000).unref())]);
      await new Promise((r) => setImmediate(r));
      out.end();
      err.end();
    };
  }

  async run(spec: ContainerSpec, log: LogSink, signal: AbortSignal): Promise<ContainerResult> {
    const container = await this.create(spec);
    let timedOut = false;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const kill = () => container.kill().catch(() => undefined);
    const onAbort = () => {
      stopped = true;
      void kill();
    };
    try {
      const flush = await this.attach(container, log);
      await container.start();
      // After start() the container is running or has already exited; 'not-running' answers in both cases.
      const waiting = container.wait({ condition: 'not-running' });
      if (spec.timeoutSeconds !== undefined) {
        timer = setTimeout(() => {
          timedOut = true;
          void kill();
        }, spec.timeoutSeconds * 1000);
      }
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      const result = (await waiting) as { StatusCode: number };
      await flush();
      return { exitCode: result.StatusCode, timedOut, stopped };
    } catch (error) {
      if (error instanceof SagepipeError) throw error;
      throw new SagepipeError(ErrorCode.JobFailed, `Docker failed while running ${spec.image}: ${errorMessage(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  async startDetached(spec: ContainerSpec, _logFile: string): Promise<string> {
    const container = await this.create(spec, false);
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw new SagepipeError(ErrorCode.JobFailed, `Docker could not start ${spec.image}: ${errorMessage(error)}`, { cause: error });
    }
    return container.id;
  }

  async inspect(id: string): Promise<{ running: boolean; exitCode: number | undefined }> {
    try {
      const info = await this.docker.getContainer(id).inspect();
      return { running: info.State.Running, exitCode: info.State.Running ? undefined : info.State.ExitCode };
    } catch {
      return { running: false, exitCode: undefined };
    }
  }

  async logs(id: string, _logFile: string, lines: number): Promise<string[]> {
    try {
      const buffer = (await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines })) as unknown as Buffer;
      return demuxToLines(buffer);
    } catch {
      return [];
    }
  }

  async remove(id: string): Promise<void> {
    const c = this.docker.getContainer(id);
    await c.stop({ t: 5 }).catch(() => undefined);
    await c.remove({ force: true }).catch(() => undefined);
  }

  /** Builds `tag` from a tar build context; progress lines as they come; rejects on the first error the stream reports. */
  async buildImage(context: NodeJS.ReadableStream, options: { readonly tag: string; readonly dockerfile: string; readonly buildargs: Record<string, string> }, progress: (line: string) => void): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(context, { t: options.tag, dockerfile: options.dockerfile, buildargs: options.buildargs, rm: true, forcerm: true });
    } catch (error) {
      throw new SagepipeError(ErrorCode.ImageUnavailable, `Docker refused to build ${options.tag}: ${errorMessage(error)}`, { cause: error });
    }
    await this.followProgress(stream, (failed) => new SagepipeError(ErrorCode.ImageUnavailable, `image build failed: ${failed}`), (event) => {
      const text = (event.stream ?? event.status ?? '').trim();
      if (text) for (const l of text.split('\n')) progress(l);
    });
  }

  /** Imports a root file system tarball as `repo:tag` (docker import). */
  async importImage(tarball: string, options: { readonly repo: string; readonly tag: string }, progress: (line: string) => void): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.importImage(tarball, { repo: options.repo, tag: options.tag });
    } catch (error) {
      throw new SagepipeError(ErrorCode.ImageUnavailable, `Docker refused to import ${options.repo}:${options.tag}: ${errorMessage(error)}`, { cause: error });
    }
    await this.followProgress(stream, (failed) => new SagepipeError(ErrorCode.ImageUnavailable, `image build failed: ${failed}`), (event) => {
      const text = (event.stream ?? event.status ?? '').trim();
      if (text) for (const l of text.split('\n')) progress(l);
    });
  }

  /** Tags `source` as `repository:tag` (the DockerPushPort of `images push`). */
  async tag(source: string, repository: string, tag: string): Promise<void> {
    await this.docker.getImage(source).tag({ repo: repository, tag });
  }

  /** Pushes `repository:tag` with registry credentials; rejects when the stream reports an error. */
  async push(repository: string, tag: string, auth: { username: string; password: string; serveraddress: string }, progress: (line: string) => void): Promise<void> {
    const stream = await this.docker.getImage(`${repository}:${tag}`).push({ tag, authconfig: auth });
    await this.followProgress(stream, (failed) => new Error(failed), (event) => {
      if (event.status && !event.progress) progress(`  ${event.id ? `${event.id}: ` : ''}${event.status}`);
    });
  }

  private followProgress(
    stream: NodeJS.ReadableStream,
    fail: (message: string) => Error,
    onEvent: (event: { stream?: string; status?: string; id?: string; progress?: string }) => void,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null, output: { error?: string }[]) => {
          const failed = error?.message ?? output.find((o) => o.error)?.error;
          if (failed) reject(fail(failed));
          else resolve();
        },
        onEvent,
      );
    });
  }
}

/** Docker's multiplexed log format: 8-byte headers (stream, size) before each chunk. */
function demuxToLines(buffer: Buffer): string[] {
  let text = '';
  let at = 0;
  while (at + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(at + 4);
    text += buffer.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  if (at === 0) text = buffer.toString('utf8');
  return text.split('\n').filter((l) => l.length > 0);
}
