/**
 * The process runtime: sagepipe's own images run as child processes, so jobs also run where no Docker daemon is
 * reachable: Node programs with this Node.js, Python scripts (the scikit-learn and XGBoost images) with the host's
 * python3 when it has the modules the image would have. Each job's folder stands in for `/`
 * (SAGEPIPE_CONTAINER_ROOT); container paths in the entrypoint are mapped into it, and a start-up shim maps the
 * `/opt/ml/...` paths a Python script opens. Network isolation cannot be enforced for a process (documented).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../../src/package-root.ts';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import { CONTAINER_ROOT_ENV, ContainerPaths, isContainerPath, underRoot } from '../../containers/contract/paths.ts';
import { FrameworkEnv, FrameworkHyperparameter, ImageEnv } from '../../containers/contract/environment.ts';
import { Serving } from '../../containers/contract/serving.ts';
import { type ContainerResult, type ContainerRuntime, type ContainerSpec, type LogSink, isProcessAlive, lineSplitter } from './runtime.ts';
import { type ProcessIdentity, currentProcess, isAlive, processStartTime } from '../../src/util/process-identity.ts';

/**
 * The file naming a running job's process group, next to its job folder (outside what the job itself is given):
 * a runner that died leaves it behind, and clean-up kills that group.
 */
const treeFile = (root: string) => `${root}.process.json`;

/** Kills a job's whole process tree (its group), not only the direct child. */
export function killTree(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}

/**
 * Kills the process trees of jobs whose runner died, from the files they left in `folder` (an execution's jobs
 * folder). A recorded process whose start time no longer matches is another process and is left alone.
 */
export function killAbandonedTrees(folder: string): number {
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.process.json'));
  } catch {
    return 0;
  }
  let killed = 0;
  for (const name of names) {
    const file = join(folder, name);
    try {
      const id = JSON.parse(readFileSync(file, 'utf8')) as ProcessIdentity & { runner: ProcessIdentity };
      if (!isAlive(id.runner) && isAlive(id)) {
        killTree(id.pid, 'SIGKILL');
        killed++;
      }
      if (!isAlive(id.runner)) rmSync(file, { force: true });
    } catch {
      // Unreadable: nothing to act on.
    }
  }
  return killed;
}

interface Program {
  readonly command: string;
  readonly args: string[];
  /** Added to the job's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The Python modules each Python image provides (Debian's packages in the image). */
export const PYTHON_IMAGE_MODULES = {
  sklearn: ['sklearn', 'pandas', 'numpy', 'scipy', 'joblib'],
  xgboost: ['xgboost', 'sklearn', 'pandas', 'numpy', 'scipy', 'joblib'],
} as const;
export type PythonImage = keyof typeof PYTHON_IMAGE_MODULES;

/** The interpreters tried, in order: Debian's (where apt's python3-sklearn etc. live), then whatever is on PATH. */
export const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3'] as const;

export interface ProcessRuntimeOptions {
  /** Python interpreters to try for the Python images' scripts, in order. @default PYTHON_CANDIDATES */
  readonly pythons?: readonly string[];
}

/** Which of `modules` an interpreter cannot import; undefined when the interpreter does not run. */
export function missingModules(python: string, modules: readonly string[]): string[] | undefined {
  try {
    const out = execFileSync(
      python,
      ['-c', 'import importlib.util, json, sys; print(json.dumps([m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]))', ...modules],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 },
    );
    return JSON.parse(out.trim()) as string[];
  } catch {
    return undefined;
  }
}

/** A job's environment: its own variables, its folder as the container root, and a published port on loopback. */
function environment(spec: ContainerSpec): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: spec.root,
    ...(spec.port ? { [Serving.portEnv]: String(spec.port.host), [Serving.bindHostEnv]: '127.0.0.1' } : {}),
    ...spec.env,
    [CONTAINER_ROOT_ENV]: spec.root,
  };
}

export class ProcessRuntime implements ContainerRuntime {
  readonly kind = 'process' as const;
  private readonly root = packageRoot();
  private readonly pythons = new Map<PythonImage, string>();
  private readonly candidates: readonly string[];
  constructor(options: ProcessRuntimeOptions = {}) {
    this.candidates = options.pythons ?? PYTHON_CANDIDATES;
  }

  async hasImage(image: string): Promise<boolean> {
    return /^sagepipe-(xgboost|node|sklearn):/.test(image);
  }

  /** The host interpreter for an image's Python scripts, chosen once; an error names what is missing where. */
  python(image: PythonImage): string {
    const known = this.pythons.get(image);
    if (known) return known;
    const modules = PYTHON_IMAGE_MODULES[image];
    const found: string[] = [];
    for (const candidate of this.candidates) {
      const missing = missingModules(candidate, modules);
      if (missing === undefined) continue;
      if (missing.length === 0) {
        this.pythons.set(image, candidate);
        return candidate;
      }
      found.push(`${candidate} lacks ${missing.join(', ')}`);
    }
    throw new SagepipeError(
      ErrorCode.ImageUnavailable,
      `sagepipe-${image}'s Python scripts need python3 with ${modules.join(', ')} to run as processes: ${found.length > 0 ? found.join('; ') : 'no python3 found'}. ` +
        `Install them (Debian: apt-get install python3-sklearn python3-pandas${image === 'xgboost' ? ' python3-xgboost' : ''}), or use --runtime docker`,
      { path: image },
    );
  }

  async preflight(image: string, runsScript: boolean): Promise<void> {
    const python = /^sagepipe-(xgboost|sklearn):/.exec(image)?.[1] as PythonImage | undefined;
    // sagepipe-xgboost's built-in algorithm needs no Python; scripts on either image do.
    if (python && (runsScript || python === 'sklearn')) this.python(python);
  }

  /** A Python program of a Python image: the host's interpreter, the path shim, the image's environment. */
  private pythonProgram(image: PythonImage, args: string[]): Program {
    const python = this.python(image);
    return {
      command: python,
      args,
      env: {
        PYTHONPATH: resolve(this.root, 'containers/python/process'),
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        [ImageEnv.image]: image,
        [ImageEnv.node]: process.execPath,
        [ImageEnv.xgboostMain]: resolve(this.root, 'dist/images/xgboost/main.mjs'),
      },
    };
  }

  async cleanupLeftovers(): Promise<number> {
    return 0;
  }

  private program(spec: ContainerSpec): Program {
    const map = (arg: string) => (isContainerPath(arg) ? underRoot(spec.root, arg) : arg);
    const python = /^sagepipe-(xgboost|sklearn):/.exec(spec.image)?.[1] as PythonImage | undefined;
    if (python && spec.entrypoint && spec.entrypoint.length > 0) {
      const [first, ...rest] = spec.entrypoint;
      if (!/(^|\/)python3?(\.\d+)?$/.test(first ?? '')) {
        throw new SagepipeError(ErrorCode.ImageUnavailable, `sagepipe-${python} runs Python scripts as processes (ContainerEntrypoint ["python3", "<script>"]); got ${JSON.stringify(spec.entrypoint)}: use --runtime docker`);
      }
      return this.pythonProgram(python, [...rest, ...spec.args].map(map));
    }
    if (python && (python === 'sklearn' || this.frameworkMode(spec))) {
      return this.pythonProgram(python, [resolve(this.root, 'containers/python/sagepipe_entry.py'), ...spec.args]);
    }
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
      `image ${spec.image} cannot run as a process: only sagepipe-xgboost, sagepipe-sklearn and sagepipe-node can; use --runtime docker for other images`,
      { path: spec.image },
    );
  }

  /** Whether a train/serve start runs a user's script (framework mode) rather than the built-in algorithm. */
  private frameworkMode(spec: ContainerSpec): boolean {
    if (spec.args[0] === 'serve') return Boolean(spec.env[FrameworkEnv.program]);
    if (spec.args[0] !== 'train') return false;
    try {
      const hps = JSON.parse(readFileSync(underRoot(spec.root, ContainerPaths.hyperparameters), 'utf8')) as Record<string, unknown>;
      return FrameworkHyperparameter.program in hps;
    } catch {
      return false;
    }
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
    // Its own process group, so a time-out or a stop ends everything the job started.
    const child = spawn(program.command, program.args, {
      cwd: spec.root,
      env: { ...environment(spec), ...program.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid !== undefined) {
      const start = processStartTime(child.pid);
      const id = { pid: child.pid, ...(start ? { start } : {}), host: currentProcess().host, runner: currentProcess() };
      writeFileSync(treeFile(spec.root), JSON.stringify(id));
    }
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
              if (child.pid !== undefined) killTree(child.pid, 'SIGKILL');
            }, spec.timeoutSeconds * 1000);
      const onAbort = () => {
        stopped = true;
        if (child.pid === undefined) return;
        const pid = child.pid;
        killTree(pid, 'SIGTERM');
        setTimeout(() => killTree(pid, 'SIGKILL'), 5000).unref();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(new SagepipeError(ErrorCode.JobFailed, `cannot start ${spec.image} as a process: ${error.message}`, { cause: error }));
      });
      // A background process the job left holds its output open; ending the group lets 'close' come.
      child.on('exit', () => {
        if (child.pid !== undefined) killTree(child.pid, 'SIGKILL');
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        // Whatever the job left running in its group ends with it.
        if (child.pid !== undefined) killTree(child.pid, 'SIGKILL');
        rmSync(treeFile(spec.root), { force: true });
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
      env: { ...environment(spec), ...program.env },
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
    if (!isProcessAlive(pid)) return;
    // A detached endpoint leads its own process group: end the whole group.
    killTree(pid, 'SIGTERM');
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (!isProcessAlive(pid)) return;
    }
    killTree(pid, 'SIGKILL');
  }
}
