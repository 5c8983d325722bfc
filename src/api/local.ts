/**
 * `sagepipe/local`: run pipelines from code on this machine — each step in Docker or as a process, with the
 * workspace's file-based S3, model registry and endpoints — and read what they produced.
 *
 * ```ts
 * const run = await runPipeline(pipeline, { runtime: 'process', workspace: dir, parameters: { Eta: 0.1 } });
 * const result = await run.done;
 * result.steps.train.metrics['validation:logloss'];
 * ```
 */
import type { JsonObject } from '../definition/types.ts';
import type { EngineEvent, EventSink } from '../engine/events.ts';
import type { ExecutionTarget } from '../engine/target.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import { LocalTarget } from '../../local-runner/local-target.ts';
import { latestVersion, setApproval } from '../../local-runner/registry/approval.ts';
import type { ModelPackage } from '../../local-runner/registry/file-registry.ts';
import type { EndpointRecord } from '../../local-runner/endpoints/endpoints.ts';
import { type RuntimeChoice, localEndpoints, openSession, selectRuntime } from '../../local-runner/workspace.ts';
import { type CompileInputOptions, type PipelineInput, compileInput, startRequest } from './compile-input.ts';
import { type PipelineResult, pipelineResult } from './results.ts';
import { DEFAULT_CONTENT_TYPE } from '../../containers/contract/serving.ts';

export type { PipelineInput, CompileInputOptions } from './compile-input.ts';
export type { PipelineResult, StepResult, StepOutput } from './results.ts';
export type { EngineEvent } from '../engine/events.ts';
export type { ExecutionRecord, StepRecord, ExecutionStatus, StepStatus } from '../engine/records.ts';
export type { ExecutionTarget, TargetStartRequest, ExecutionSummary, StopOutcome } from '../engine/target.ts';
export type { ModelPackage } from '../../local-runner/registry/file-registry.ts';
export type { EndpointRecord } from '../../local-runner/endpoints/endpoints.ts';
export type { RuntimeChoice } from '../../local-runner/workspace.ts';
/** The definition loader (JSON schema and semantic checks, step graph), for definitions from anywhere. */
export { loadDefinition, loadDefinitionText, type LoadedDefinition, type LoadOptions } from '../definition/loader.ts';

/** A running execution: its ARN at once, its result when it ends, its events, and a way to stop it. */
export interface PipelineExecution {
  readonly executionArn: string;
  readonly executionId: string;
  /** The result once the execution has ended — Succeeded, Failed or Stopped alike (look at `status`). */
  readonly done: Promise<PipelineResult>;
  /** Every event from the start (step started, log line, succeeded …); iterating ends when the execution does. */
  readonly events: AsyncIterable<EngineEvent>;
  stop(): void;
}

export interface WorkspaceOptions {
  /** The workspace folder. @default $SAGEPIPE_WORKSPACE, else `./.sagepipe` */
  readonly dir?: string;
  /** @default $AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** How jobs and endpoints run: Docker, processes, or Docker when a daemon answers. @default 'auto' */
  readonly runtime?: RuntimeChoice;
  /** Receives the events of every execution run in this workspace. @default none */
  readonly onEvent?: EventSink;
  /** Things worth knowing (no Docker: processes are used …). @default dropped */
  readonly onNotice?: (text: string) => void;
}

/** The workspace's S3: `s3://bucket/key` is the file `<workspace>/s3/bucket/key`. */
export interface WorkspaceS3 {
  read(uri: string): Promise<Uint8Array>;
  readText(uri: string): Promise<string>;
  write(uri: string, body: Uint8Array | string): Promise<void>;
  /** URIs of the objects below a prefix. */
  list(prefixUri: string): Promise<string[]>;
  /** The file behind a URI. */
  pathOf(uri: string): string;
}

export interface WorkspaceRegistry {
  /** A group's versions, oldest first. */
  list(group: string): Promise<ModelPackage[]>;
  /** A version by ARN or `group/version`. */
  describe(ref: string): Promise<ModelPackage>;
  approve(ref: string, options?: { readonly description?: string; readonly force?: boolean }): Promise<ModelPackage>;
  reject(ref: string, options?: { readonly description?: string }): Promise<ModelPackage>;
  latest(group: string, options?: { readonly approved?: boolean }): Promise<ModelPackage>;
}

export interface WorkspaceEndpoints {
  /** Starts a model package's (ARN or `group/version`) inference container and waits until /ping answers. */
  deploy(ref: string, options?: { readonly name?: string; readonly allowUnapproved?: boolean; readonly timeoutMs?: number }): Promise<EndpointRecord>;
  invoke(name: string, body: Uint8Array | string, options?: { readonly contentType?: string; readonly accept?: string }): Promise<{ readonly contentType: string; readonly body: string }>;
  describe(name: string): Promise<EndpointRecord>;
  list(): Promise<EndpointRecord[]>;
  delete(name: string): Promise<void>;
}

export interface Workspace {
  readonly dir: string;
  readonly region: string;
  readonly account: string;
  readonly s3: WorkspaceS3;
  readonly registry: WorkspaceRegistry;
  readonly endpoints: WorkspaceEndpoints;
  /** The executions of this workspace, through the same interface as the CLI's (`describe`, `list`, `logs`, `retry`, `stop` …). */
  readonly executions: ExecutionTarget;
  /** The result of an ended execution (by id or ARN). */
  result(execution: string): Promise<PipelineResult>;
}

/** Opens (creating on first write) a workspace. Nothing is started until something runs. */
export function openWorkspace(options: WorkspaceOptions = {}): Workspace {
  const session = openSession({ ...(options.dir ? { workspace: options.dir } : {}), ...(options.region ? { region: options.region } : {}) }, { env: process.env, cwd: process.cwd() });
  const choice = options.runtime ?? 'auto';
  const notice = options.onNotice ?? (() => undefined);
  const target = new LocalTarget({ session, runtime: choice, host: { env: process.env, cwd: process.cwd() }, notice, ...(options.onEvent ? { sink: options.onEvent } : {}) });
  let endpoints: Promise<ReturnType<typeof localEndpoints>> | undefined;
  const endpointsOf = () => (endpoints ??= selectRuntime(choice, notice).then((runtime) => localEndpoints(session, runtime)));
  const workspace: Workspace = {
    dir: session.workspace,
    region: session.region,
    account: session.account,
    s3: {
      read: (uri) => session.s3.getObject(uri),
      readText: async (uri) => Buffer.from(await session.s3.getObject(uri)).toString('utf8'),
      write: (uri, body) => session.s3.putObject(uri, body),
      list: async (prefix) => (await session.s3.list(prefix)).map((o) => o.uri),
      pathOf: (uri) => session.s3.pathOf(uri),
    },
    registry: {
      list: (group) => session.registry.list(group),
      describe: (ref) => session.registry.describe(ref),
      approve: (ref, o = {}) => setApproval(session.registry, ref, 'Approved', o),
      reject: (ref, o = {}) => setApproval(session.registry, ref, 'Rejected', o),
      latest: (group, o = {}) => latestVersion(session.registry, group, o.approved ?? false),
    },
    endpoints: {
      deploy: async (ref, o = {}) => (await endpointsOf()).deploy(ref, o),
      invoke: async (name, body, o = {}) =>
        (await endpointsOf()).invoke(name, typeof body === 'string' ? Buffer.from(body) : body, o.contentType ?? DEFAULT_CONTENT_TYPE, o.accept),
      describe: async (name) => (await endpointsOf()).describe(name),
      list: async () => (await endpointsOf()).list(),
      delete: async (name) => (await endpointsOf()).delete(name),
    },
    executions: target,
    result: async (execution) => {
      const stored = await session.store.resolve(execution);
      return resultOf(workspace, stored.record, stored.definition);
    },
  };
  return workspace;
}

function resultOf(workspace: Workspace, record: PipelineResult['record'], definition: Parameters<typeof pipelineResult>[1]): Promise<PipelineResult> {
  return pipelineResult(record, definition, {
    readObject: (uri) => workspace.s3.read(uri),
    pathOf: (uri) => workspace.s3.pathOf(uri),
    describeModelPackage: async (arn) => (await workspace.registry.describe(arn)) as JsonObject,
  });
}

export interface RunPipelineOptions extends CompileInputOptions {
  /** Parameter values by name; strings are converted to the parameter's type. @default the defaults */
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  /** A workspace, or its folder. @default a workspace opened with `runtime` at $SAGEPIPE_WORKSPACE or `./.sagepipe` */
  readonly workspace?: Workspace | string;
  /** With a folder (or no workspace): how jobs run. @default 'auto' */
  readonly runtime?: RuntimeChoice;
  /** Selective execution: run only `steps`, taking the others' results from the execution `from` (id or ARN). */
  readonly select?: { readonly steps: readonly string[]; readonly from: string };
  /** MaxParallelExecutionSteps. @default the pipeline's, else the number of CPUs */
  readonly maxParallelExecutionSteps?: number;
  readonly displayName?: string;
}

/** Compiles the pipeline, starts an execution in the workspace and returns it while it runs. */
export async function runPipeline(input: PipelineInput, options: RunPipelineOptions = {}): Promise<PipelineExecution> {
  const workspace =
    typeof options.workspace === 'object' ? options.workspace : openWorkspace({ ...(options.workspace ? { dir: options.workspace } : {}), ...(options.runtime ? { runtime: options.runtime } : {}) });
  if (typeof options.workspace === 'object' && options.runtime) {
    throw new SagepipeError(ErrorCode.UsageError, 'runPipeline: the runtime is the workspace\'s: pass it to openWorkspace({ runtime })');
  }
  const compiled = await compileInput(input, 'local', { ...options, context: { region: workspace.region, ...options.context } });
  const handle = await workspace.executions.start(startRequest(compiled, options));
  const done = handle.done.then((record) => resultOf(workspace, record, compiled.loaded.definition));
  done.catch(() => undefined);
  return { executionArn: handle.executionArn, executionId: handle.executionId, done, events: handle.events, stop: () => handle.stop() };
}
