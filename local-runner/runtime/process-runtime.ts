/**
 * The process runtime: sagepipe's own Node-based images run as child processes, so the main job also runs where no
 * Docker daemon is reachable. Each job's folder stands in for `/` (SAGEPIPE_CONTAINER_ROOT); container paths in the
 * entrypoint are mapped into it. Network isolation cannot be enforced for a process (documented).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../../src/package-root.ts';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import { CONTAINER_ROOT_ENV } from '../../containers/runtime/paths.ts';
import { type ContainerResult, type ContainerRuntime, type ContainerSpec, type LogSink, isProcessAlive, lineSplitter } from './runtime.ts';

interface Program {
  readonly command: string;
  readonly args: string[];
}

/** A job's environment: its own variables, its folder as the container root, and a published port on loopback. */
function environment(spec: ContainerSpec): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: spec.root,
    ...(spec.port ? { SAGEMAKER_BIND_TO_PORT: String(spec.port.host), SAGEPIPE_BIND_HOST: '127.0.0.1' } : {}),
    ...spec.env,
    [CONTAINER_ROOT_ENV]: spec.root,
  };
}

export class ProcessRuntime implements ContainerRuntime {
  readonly kind = 'process' as const;
  private readonly root = packageRoot();

  async hasImage(image: string): Promise<boolean> {
    return /^sagepipe-(xgboost|node):/.test(image);
  }

  async cleanupLeftovers(): Promise<number> {
    return 0;
  }

  private program(spec: ContainerSpec): Program {
    const map = (arg: string) => (arg.startsWith('/opt/ml/') ? join(spec.root, arg) : arg);
    if (spec.image.startsWith('sagepipe-xgboost:')) {
      const main = resolve(this.root, 'dist/images/xgboost/main.mjs');
      if (!existsSync(main)) throw new SagepipeError(ErrorCode.ImageUnavailable, `sagepipe-xgboost's program ${main} is not built: run npm run build`);
      if (spec.entrypoint && spec.entrypoint.length > 0) {
        throw new SagepipeError(ErrorCode.ImageUnavailable, `sagepipe-xgboost takes no ContainerEntrypoint under the process runtime (got ${spec.entrypoint.join(' ')})`);
      }
      return { command: process.execPath, args: [main, ...spec.args.map(map)] };
    }
    if (spec.image.startsWith('sagepipe-node:')) {
      const [first, ...rest] = spec.entrypoint ?? [];
      if (first === undefined || !/(^|\/)node$/.test(first)) {
        throw new SagepipeError(
          ErrorCode.ImageUnavailable,
          `sagepipe-node runs scripts with ContainerEntrypoint ["node", "<script>"]; got ${JSON.stringify(spec.entrypoint ?? [])}`,
        );
      }
      return { command: process.execPath, args: [...rest, ...spec.args].map(map) };
    }
    throw new SagepipeError(
      ErrorCode.ImageUnavailable,
      `image ${spec.image} cannot run as a process: only sagepipe-xgboost and sagepipe-node can; use --runtime docker for other images`,
      { path: spec.image },
    );
  }

  /** Scripts import packages the image provides (ml-xgboost); they resolve from `<root>/node_modules`. */
  private linkModules(root: string): void {
    const link = join(root, 'node_modules');
    if (existsSync(link)) return;
    const require = createRequire(join(this.root, 'package.json'));
    const modules = dirname(dirname(require.resolve('ml-xgboost/package.json')));
    symlinkSync(modules, link, 'dir');
  }

  private spawn(spec: ContainerSpec, log: LogSink): ChildProcess {
    const program = this.program(spec);
    this.linkModules(spec.root);
    const child = spawn(program.command, program.args, {
      cwd: spec.root,
      env: environment(spec),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = lineSplitter((l) => log(l, 'stdout'));
    const err = lineSplitter((l) => log(l, 'stderr'));
    child.stdout?.on('data', (c: Buffer) => out.write(c));
    child.stderr?.on('data', (c: Buffer) => err.write(c));
    child.on('close', () => {
      out.end();
      err.end();
    });
    return child;
  }

  run(spec: ContainerSpec, log: LogSink, signal: AbortSignal): Promise<ContainerResult> {
    return new Promise<ContainerResult>((resolvePromise, reject) => {
      let child: ChildProcess;
      try {
        child = this.spawn(spec, log);
      } catch (error) {
        reject(error);
        return;
      }
      let timedOut = false;
      let stopped = false;
      const timer =
        spec.timeoutSeconds === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, spec.timeoutSeconds * 1000);
      const onAbort = () => {
        stopped = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(new SagepipeError(ErrorCode.JobFailed, `cannot start ${spec.image} as a process: ${error.message}`, { cause: error }));
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolvePromise({ exitCode: code ?? (sig ? 128 + 9 : 1), timedOut, stopped });
      });
    });
  }

  async startDetached(spec: ContainerSpec, logFile: string): Promise<string> {
    const program = this.program(spec);
    this.linkModules(spec.root);
    const out = openSync(logFile, 'a');
    // Detached, with its output in a file: the endpoint outlives the command that started it.
    const child = spawn(program.command, program.args, {
      cwd: spec.root,
      detached: true,
      env: environment(spec),
      stdio: ['ignore', out, out],
    });
    child.unref();
    closeSync(out);
    if (child.pid === undefined) throw new SagepipeError(ErrorCode.JobFailed, `cannot start ${spec.image} as a process`);
    return String(child.pid);
  }

  async inspect(id: string): Promise<{ running: boolean; exitCode: number | undefined }> {
    return { running: isProcessAlive(Number(id)), exitCode: undefined };
  }

  async logs(_id: string, logFile: string, lines: number): Promise<string[]> {
    try {
      return readFileSync(logFile, 'utf8').split('\n').filter((l) => l.length > 0).slice(-lines);
    } catch {
      return [];
    }
  }

  async remove(id: string): Promise<void> {
    const pid = Number(id);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
}
