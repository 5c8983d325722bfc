/**
 * The Docker runtime, on dockerode. Each job is one container: labelled with its execution and step, its job folder
 * bind-mounted at /opt/ml, run as the invoking user (outputs are not root-owned), logs demultiplexed line by line,
 * the exit code taken from wait(), killed at its time limit, and always removed afterwards. Nothing is pulled.
 */
import { PassThrough } from 'node:stream';
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { ErrorCode, SagepipeError, errorMessage } from '../../src/errors.ts';
import { type ContainerResult, type ContainerRuntime, type ContainerSpec, type LogSink, isProcessAlive, lineSplitter } from './runtime.ts';

export const MANAGED_LABEL = 'sagepipe.managed';
export const OWNER_LABEL = 'sagepipe.owner-pid';

export interface DockerRuntimeOptions {
  /** @default dockerode's defaults (DOCKER_HOST or /var/run/docker.sock) */
  readonly socketPath?: string;
  /** `uid:gid` the containers run as. @default the invoking user's */
  readonly user?: string;
}

export class DockerRuntime implements ContainerRuntime {
  readonly kind = 'docker' as const;
  readonly docker: Docker;
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
    const containers = await this.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${MANAGED_LABEL}=true`] }) });
    let removed = 0;
    for (const c of containers) {
      const owner = Number(c.Labels?.[OWNER_LABEL]);
      if (Number.isInteger(owner) && owner > 0 && isProcessAlive(owner)) continue;
      try {
        await this.docker.getContainer(c.Id).remove({ force: true });
        removed++;
      } catch {
        // Already gone.
      }
    }
    return removed;
  }

  /** `managed` containers belong to a run and are cleaned up when their owner is gone; endpoints are not. */
  private async create(spec: ContainerSpec, managed = true): Promise<Docker.Container> {
    const binds = [`${spec.root}/opt/ml:/opt/ml`, ...(spec.readOnlyPaths ?? []).map((p) => `${spec.root}${p}:${p}:ro`)];
    try {
      return await this.docker.createContainer({
        Image: spec.image,
        ...(spec.entrypoint && spec.entrypoint.length > 0 ? { Entrypoint: [...spec.entrypoint] } : {}),
        Cmd: [...spec.args],
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: managed ? { ...spec.labels, [MANAGED_LABEL]: 'true', [OWNER_LABEL]: String(process.pid) } : { ...spec.labels },
        ...(this.user ? { User: this.user } : {}),
        WorkingDir: '/opt/ml',
        ...(spec.port ? { ExposedPorts: { [`${spec.port.container}/tcp`]: {} } } : {}),
        HostConfig: {
          Binds: binds,
          NetworkMode: spec.networkIsolation ? 'none' : 'bridge',
          ...(spec.port ? { PortBindings: { [`${spec.port.container}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(spec.port.host) }] } } : {}),
        },
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

  private async attach(container: Docker.Container, log: LogSink): Promise<() => void> {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = lineSplitter((l) => log(l, 'stdout'));
    const err = lineSplitter((l) => log(l, 'stderr'));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c: Buffer) => out.write(c));
    stderr.on('data', (c: Buffer) => err.write(c));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    return () => {
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
      // Let the attached stream deliver its last lines.
      await new Promise((r) => setImmediate(r));
      flush();
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
