/**
 * The local target: the engine on a workspace, with the container runtime chosen once (on first run). It tracks the
 * executions it started in this process, asks other processes' runners to stop through the store, and marks an
 * execution whose runner died as Stopped.
 */
import type { JsonObject, PipelineDefinition } from '../src/definition/types.ts';
import { Engine } from '../src/engine/engine.ts';
import type { EventSink } from '../src/engine/events.ts';
import type { ExecutionHandle } from '../src/engine/handle.ts';
import type { ExecutionRecord } from '../src/engine/records.ts';
import type {
  ApprovalRequest,
  ApprovalStatus,
  CallbackAnswer,
  CallbackOutcome,
  DeployRequest,
  ExecutionSummary,
  ExecutionTarget,
  ModelPackageRecord,
  PipelineRecord,
  PipelineSummary,
  StopOutcome,
  TargetStartRequest,
} from '../src/engine/target.ts';
import { sageMakerArn } from '../src/arn.ts';
import { ErrorCode, SagepipeError } from '../src/errors.ts';
import type { JobBackend } from '../src/engine/backend.ts';
import type { Endpoints } from './endpoints/endpoints.ts';
import { setApproval } from './registry/approval.ts';
import { ProcessRuntime } from './runtime/process-runtime.ts';
import type { ContainerRuntime } from './runtime/runtime.ts';
import { isTerminal } from '../src/engine/records.ts';
import { runnerAlive } from '../src/engine/runner-lease.ts';
import { answerCallback } from '../src/engine/callbacks.ts';
import { type HostEnv, type LocalSession, type RuntimeChoice, abandonedJobsRemover, localBackend, localEndpoints, recoverExecution, selectRuntime } from './workspace.ts';

export interface LocalTargetOptions {
  readonly session: LocalSession;
  /** A runtime, or how to choose one on the first run. @default 'auto' (Docker when a daemon answers) */
  readonly runtime?: RuntimeChoice | ContainerRuntime;
  /** Receives the events of every execution this target runs (each handle has its own too). @default none */
  readonly sink?: EventSink;
  /** Things worth telling a user (no Docker, leftovers removed). @default dropped */
  readonly notice?: (text: string) => void;
  /** Where relative local paths in job inputs resolve, and the environment. @default unused with `backend`, else required */
  readonly host?: HostEnv;
  /** A backend already built (e.g. by `serve`), instead of one made from `runtime`. */
  readonly backend?: JobBackend;
  /** Keep each job's folder after success. @default false */
  readonly keepJobFolders?: boolean;
  /** Give jobs a network (Docker's bridge). @default false: local jobs have none */
  readonly jobNetwork?: boolean;
  /** How long a Callback step waits for its answer. @default 7 days (the engine's) */
  readonly callbackTimeoutMs?: number;
  /** Endpoints already built (e.g. by `serve`), instead of ones made from `runtime`. */
  readonly endpoints?: Endpoints;
  /** Chooses new executions' ids (serve answers with the ARN before the run is recorded). @default random */
  readonly newExecutionId?: () => string;
}

export class LocalTarget implements ExecutionTarget {
  readonly kind = 'local' as const;
  private backend: Promise<{ backend: JobBackend; runtime: ContainerRuntime | undefined }> | undefined;
  private readonly running = new Map<string, ExecutionHandle>();

  constructor(private readonly options: LocalTargetOptions) {}

  get session(): LocalSession {
    return this.options.session;
  }

  /** The runtime, chosen once; containers an earlier crashed run left behind are removed then. */
  private async engine(): Promise<Engine> {
    if (this.options.backend) this.backend ??= Promise.resolve({ backend: this.options.backend, runtime: undefined });
    this.backend ??= (async () => {
      const notice = this.options.notice ?? (() => undefined);
      const choice = this.options.runtime ?? 'auto';
      const runtime = typeof choice === 'string' ? await selectRuntime(choice, notice) : choice;
      const removed = await runtime.cleanupLeftovers().catch(() => 0);
      if (removed > 0) notice(`removed ${removed} container(s) left by an earlier run that crashed`);
      const host = this.options.host;
      if (!host) throw new SagepipeError(ErrorCode.Internal, 'LocalTarget needs a host (or a backend)', { fault: 'sagepipe' });
      return { backend: localBackend(this.session, runtime, host, { keepJobFolders: this.options.keepJobFolders ?? false, jobNetwork: this.options.jobNetwork ?? false }), runtime };
    })();
    const { backend, runtime } = await this.backend;
    return new Engine({
      backend,
      removeAbandonedJobs: abandonedJobsRemover(this.session, runtime),
      store: this.session.store,
      region: this.session.region,
      account: this.session.account,
      ...(this.options.sink ? { sink: this.options.sink } : {}),
      ...(this.options.callbackTimeoutMs === undefined ? {} : { callbackTimeoutMs: this.options.callbackTimeoutMs }),
      ...(this.options.newExecutionId ? { newExecutionId: this.options.newExecutionId } : {}),
    });
  }

  /** Whether this process runs the execution now (through this target). */
  runs(executionId: string): boolean {
    return this.running.has(executionId);
  }

  private track(handle: ExecutionHandle): ExecutionHandle {
    this.running.set(handle.executionId, handle);
    void handle.done.catch(() => undefined).finally(() => this.running.delete(handle.executionId));
    return handle;
  }

  /** Stops every execution this process runs through this target, and waits for them to end. */
  async stopAll(): Promise<void> {
    const handles = [...this.running.values()];
    for (const h of handles) h.stop();
    await Promise.all(handles.map((h) => h.done.catch(() => undefined)));
  }

  async start(request: TargetStartRequest): Promise<ExecutionHandle> {
    for (const asset of request.assets ?? []) {
      if (!(await this.session.s3.headObject(asset.s3Uri))) await this.session.s3.putObject(asset.s3Uri, asset.content);
    }
    const engine = await this.engine();
    const handle = this.track(
      await engine.launch({
        loaded: request.loaded,
        pipelineName: request.pipelineName,
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.parameters ? { parameters: request.parameters } : {}),
        ...(request.maxParallelExecutionSteps === undefined ? {} : { maxParallelExecutionSteps: request.maxParallelExecutionSteps }),
        ...(request.displayName ? { displayName: request.displayName } : {}),
        ...(request.selective ? { selective: { sourceExecutionId: request.selective.sourceExecution, steps: request.selective.steps } } : {}),
        ...(request.codeSources && request.codeSources.length > 0 ? { codeSources: request.codeSources } : {}),
      }),
    );
    try {
      await this.recordRun(request);
    } catch (error) {
      // A start the caller never hears of must not run on: stop it, then say why.
      handle.stop();
      await handle.done.catch(() => undefined);
      throw error;
    }
    return handle;
  }

  /**
   * A run creates or updates its pipeline, as SageMaker's UpsertPipeline does before a start: so `serve`'s
   * DescribePipeline and ListPipelineExecutions show the CLI's runs, and the CLI shows serve's.
   */
  private async recordRun(request: TargetStartRequest): Promise<void> {
    const name = request.pipelineName;
    const text = request.definitionText ?? JSON.stringify(request.loaded.definition);
    const now = new Date().toISOString();
    const existing = await this.session.pipelines.get(name);
    if (existing) {
      if (existing.PipelineDefinition !== text) {
        existing.PipelineDefinition = text;
        existing.PipelineVersionId = (existing.PipelineVersionId ?? 1) + 1;
        existing.LastModifiedTime = now;
      }
      existing.LastRunTime = now;
      await this.session.pipelines.put(existing);
      return;
    }
    await this.session.pipelines.put({
      PipelineName: name,
      PipelineArn: sageMakerArn(this.session, 'pipeline', name),
      PipelineDisplayName: name,
      PipelineDefinition: text,
      PipelineStatus: 'Active',
      CreationTime: now,
      LastModifiedTime: now,
      LastRunTime: now,
      PipelineVersionId: 1,
    });
  }

  async retry(execution: string, options: { readonly signal?: AbortSignal } = {}): Promise<ExecutionHandle> {
    const engine = await this.engine();
    return this.track(await engine.launchRetry(execution, options));
  }

  /**
   * Stops an execution run by this process (at once), by another live process (through a stop request it polls),
   * or — when the process running it has died — marks what it left as Stopped.
   */
  async stop(execution: string): Promise<StopOutcome> {
    const { record } = await this.session.store.resolve(execution);
    const executionArn = record.PipelineExecutionArn;
    const mine = this.running.get(record.PipelineExecutionId);
    if (mine) {
      mine.stop();
      return { kind: 'requested', executionArn, detail: `stopping ${record.PipelineExecutionId} in this process` };
    }
    if (record.PipelineExecutionStatus !== 'Executing' && record.PipelineExecutionStatus !== 'Stopping') {
      throw new SagepipeError(ErrorCode.InvalidState, `execution ${record.PipelineExecutionId} is ${record.PipelineExecutionStatus}, not running`);
    }
    if (await runnerAlive(this.session.store, record)) {
      await this.session.store.requestStop(record.PipelineExecutionId);
      return { kind: 'requested', executionArn, detail: `asked the process running ${record.PipelineExecutionId} (pid ${record.RunnerPid}) to stop it` };
    }
    // Its process is gone (it crashed): end the jobs it left and mark the execution stopped.
    await recoverExecution(this.session, record.PipelineExecutionId, 'Stopped');
    return { kind: 'markedStopped', executionArn };
  }

  /** An execution whose runner died is shown as it is: Failed, with the reason. */
  async describe(execution: string): Promise<ExecutionRecord> {
    const { record } = await this.session.store.resolve(execution);
    return isTerminal(record.PipelineExecutionStatus) ? record : (await recoverExecution(this.session, record.PipelineExecutionId)).record;
  }

  async definition(execution: string): Promise<PipelineDefinition> {
    return (await this.session.store.resolve(execution)).definition;
  }

  async list(filter: { readonly pipelineName?: string } = {}): Promise<{ executions: ExecutionSummary[]; unreadable: string[] }> {
    const listed = await this.session.store.list(filter.pipelineName ? { pipelineName: filter.pipelineName } : {});
    const corrupt = listed.corrupt;
    const executions = await Promise.all(
      listed.executions.map(async (r) => (isTerminal(r.PipelineExecutionStatus) ? r : (await recoverExecution(this.session, r.PipelineExecutionId)).record)),
    );
    return {
      executions: executions.map((r) => ({
        PipelineName: r.PipelineName,
        PipelineExecutionArn: r.PipelineExecutionArn,
        PipelineExecutionDisplayName: r.PipelineExecutionDisplayName,
        PipelineExecutionStatus: r.PipelineExecutionStatus,
        StartTime: r.StartTime,
        ...(r.EndTime ? { EndTime: r.EndTime } : {}),
        FailureReason: r.FailureReason,
      })),
      unreadable: corrupt,
    };
  }

  async logs(execution: string, step?: string): Promise<{ step: string; text: string }[]> {
    const { record } = await this.session.store.resolve(execution);
    if (step && !record.Steps.some((s) => s.StepName === step)) {
      throw new SagepipeError(ErrorCode.ResourceNotFound, `execution ${record.PipelineExecutionId} has no step '${step}' that ran (steps: ${record.Steps.map((s) => s.StepName).join(', ')})`);
    }
    const names = step ? [step] : record.Steps.map((s) => s.StepName);
    const out: { step: string; text: string }[] = [];
    for (const name of names) out.push({ step: name, text: await this.session.store.readLog(record.PipelineExecutionId, name) });
    return out;
  }

  /** Writes the answer into the execution's folder, where the process running it (this one or another) finds it. */
  async sendCallback(token: string, answer: CallbackAnswer): Promise<CallbackOutcome> {
    const found = await answerCallback(
      this.session.store,
      token,
      answer.success ? { Status: 'Success', OutputParameters: [...answer.outputs] } : { Status: 'Failure', FailureReason: answer.reason },
    );
    return { executionArn: found.execution.PipelineExecutionArn, executionId: found.execution.PipelineExecutionId, step: found.step.StepName };
  }

  async readObject(uri: string): Promise<Uint8Array> {
    return this.session.s3.getObject(uri);
  }

  async getPipeline(name: string): Promise<PipelineRecord | undefined> {
    return this.session.pipelines.get(name.includes(':pipeline/') ? (name.split(':pipeline/')[1] as string) : name);
  }

  async putPipeline(record: PipelineRecord): Promise<void> {
    await this.session.pipelines.put(record);
  }

  async deletePipeline(name: string): Promise<void> {
    await this.session.pipelines.delete(name);
  }

  async listPipelines(): Promise<PipelineSummary[]> {
    return this.session.pipelines.list();
  }

  async listModelGroups(): Promise<string[]> {
    return (await this.session.registry.groups()).map((g) => String(g.ModelPackageGroupName));
  }

  async listModelPackages(group: string): Promise<ModelPackageRecord[]> {
    return this.session.registry.list(await this.session.registry.resolveGroupName(group));
  }

  async describeModelPackage(ref: string): Promise<ModelPackageRecord> {
    return this.session.registry.describe(ref);
  }

  async setApproval(ref: string, status: ApprovalStatus, options: ApprovalRequest = {}): Promise<JsonObject> {
    return setApproval(this.session.registry, ref, status, { ...(options.description ? { description: options.description } : {}), force: options.force ?? false });
  }

  /** New endpoints run on the target's runtime; existing ones are reached with the runtime they were deployed with. */
  private async endpoints(forDeploy: boolean): Promise<Endpoints> {
    if (this.options.endpoints) return this.options.endpoints;
    const choice = this.options.runtime ?? 'auto';
    const runtime = !forDeploy ? new ProcessRuntime() : typeof choice === 'string' ? await selectRuntime(choice, this.options.notice ?? (() => undefined)) : choice;
    return localEndpoints(this.session, runtime);
  }

  async deployEndpoint(ref: string, options: DeployRequest = {}): Promise<JsonObject> {
    return (await this.endpoints(true)).deploy(ref, {
      ...(options.name ? { name: options.name } : {}),
      ...(options.port === undefined ? {} : { port: options.port }),
      allowUnapproved: options.allowUnapproved ?? false,
      ...(options.endpointConfigName ? { source: { EndpointConfigName: options.endpointConfigName } } : {}),
    });
  }

  async describeEndpoint(name: string): Promise<JsonObject> {
    return (await this.endpoints(false)).describe(name);
  }

  async listEndpoints(): Promise<JsonObject[]> {
    return (await this.endpoints(false)).list();
  }

  async deleteEndpoint(name: string): Promise<void> {
    await (await this.endpoints(false)).delete(name);
  }

  async invokeEndpoint(name: string, body: Uint8Array, contentType: string, accept?: string): Promise<{ contentType: string; body: string }> {
    return (await this.endpoints(false)).invoke(name, body, contentType, accept);
  }
}
