/**
 * The step-execution engine: starts executions of a loaded definition, retries failed or stopped ones, and runs
 * selective executions. It talks to jobs only through a JobBackend, reports only through events, and never prints.
 */
import { executionArnOf, sageMakerArn } from '../arn.ts';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { loadDefinition, type LoadedDefinition } from '../definition/loader.ts';
import { checkSelectedSteps } from './selective.ts';
import type { JsonObject } from '../definition/types.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { ImagePlan, JobBackend } from './backend.ts';
import { runImagePhase } from './image-phase.ts';
import type { EngineEvent, EventSink } from './events.ts';
import { EventStream, type ExecutionHandle } from './handle.ts';
import { type Clock, ExecutionRun, succeededProperties, systemClock } from './execution-run.ts';
import { resolveParameters } from './parameters.ts';
import { maxParallelIssue, pipelineNameIssue } from '../definition/limits.ts';
import { prepareRun } from './runnable.ts';
import type { ExecutionRecord } from './records.ts';
import type { ExecutionStore } from './store.ts';
import { type AbandonedJobsRemover, markAbandoned, takeRunnerLease } from './runner-lease.ts';
import { currentProcess } from '../util/process-identity.ts';
import type { HeldLock } from '../util/file-lock.ts';

/** The runner fields of a record: this process. */
function runnerFields(): Pick<ExecutionRecord, 'RunnerPid' | 'RunnerStartTime' | 'RunnerHost'> {
  const me = currentProcess();
  return { RunnerPid: me.pid, ...(me.start ? { RunnerStartTime: me.start } : {}), RunnerHost: me.host };
}

export interface EngineOptions {
  readonly backend: JobBackend;
  readonly store: ExecutionStore;
  /** @default events are dropped */
  readonly sink?: EventSink;
  /** @default the system clock */
  readonly clock?: Clock;
  /** @default 'us-east-1' (used in ARNs) */
  readonly region?: string;
  /** @default '000000000000' (used in ARNs) */
  readonly account?: string;
  /** @default 12 random lower-case letters and digits, like SageMaker's execution ids */
  readonly newExecutionId?: () => string;
  /** How long a Callback step waits for its answer. @default 7 days */
  readonly callbackTimeoutMs?: number;
  /** Cap of each step's log file; the head and the tail are kept. @default 16 MiB */
  readonly maxLogBytes?: number;
  /** Removes jobs a crashed runner left behind, before an abandoned execution is retried. @default none */
  readonly removeAbandonedJobs?: AbandonedJobsRemover;
}

export interface StartExecutionRequest {
  readonly loaded: LoadedDefinition;
  readonly pipelineName: string;
  /** Values by parameter name; strings are converted to the parameter's type. */
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  /** @default the definition's, else the number of CPUs (at least 2) */
  readonly maxParallelExecutionSteps?: number;
  readonly displayName?: string;
  /** Run only these steps, taking the others' results from an earlier execution (SelectiveExecutionConfig). */
  readonly selective?: { readonly sourceExecutionId: string; readonly steps: readonly string[] };
  /** Aborting stops the execution: running jobs are ended, and it ends Stopped. */
  readonly signal?: AbortSignal;
  /** The step scripts it runs (recorded, so a retry can tell when they changed on disk). */
  readonly codeSources?: ExecutionRecord['CodeSources'];
}

/** 12 random lower-case letters and digits, like SageMaker's execution ids. */
export function newExecutionId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** A default parallelism that suits the machine. */
export function defaultParallelism(): number {
  return Math.max(2, availableParallelism());
}

export class Engine {
  private readonly clock: Clock;
  private readonly sink: EventSink;
  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.sink = options.sink ?? (() => undefined);
  }

  private newId(): string {
    return (this.options.newExecutionId ?? newExecutionId)();
  }

  /**
   * Validates everything and records the execution, then returns its handle while it runs: the returned promise
   * settles once the execution is recorded (so it can be described at once), `done` when it has ended.
   */
  async launch(request: StartExecutionRequest): Promise<ExecutionHandle> {
    const { stream, sink, controller } = this.perExecution(request.signal);
    const settings = [pipelineNameIssue(request.pipelineName), maxParallelIssue(request.maxParallelExecutionSteps)].flatMap((i) => (i ? [i] : []));
    if (settings.length > 0) throw new SagepipeError(ErrorCode.DefinitionInvalid, 'the execution request is invalid', { issues: settings });
    const values = resolveParameters(request.loaded.parameters, request.parameters ?? {});
    const preset = new Map<string, JsonObject>();
    let selectiveConfig: ExecutionRecord['SelectiveExecutionConfig'];
    if (request.selective) {
      const source = await this.options.store.resolve(request.selective.sourceExecutionId);
      const sourceProps = succeededProperties(source.record);
      checkSelectedSteps(request.loaded, request.selective.steps);
      for (const name of request.loaded.graph.order) {
        if (request.selective.steps.includes(name)) continue;
        const props = sourceProps.get(name);
        if (props) preset.set(name, props);
      }
      const needed = new Set(request.selective.steps.flatMap((s) => request.loaded.graph.nodes.get(s)?.dependsOn ?? []));
      const lacking = [...needed].filter((d) => !request.selective?.steps.includes(d) && !preset.has(d));
      if (lacking.length > 0) {
        throw new SagepipeError(
          ErrorCode.InvalidState,
          `selective execution: steps ${lacking.map((l) => `'${l}'`).join(', ')} did not succeed in execution ${source.record.PipelineExecutionId}; select them too`,
        );
      }
      // Steps neither selected nor needed are not run; mark them done with the source's results or skip them.
      for (const name of request.loaded.graph.order) {
        if (!request.selective.steps.includes(name) && !preset.has(name)) preset.set(name, {});
      }
      selectiveConfig = {
        SourcePipelineExecutionArn: source.record.PipelineExecutionArn,
        SelectedSteps: request.selective.steps.map((StepName) => ({ StepName })),
      };
    }

    // Before anything is recorded or run: step types the engine has no runner for, inputs that are missing and images
    // the backend cannot run all fail the start (steps taken from a source execution do not run, so are not checked).
    const toRun = new Set(request.loaded.graph.order.filter((n) => !preset.has(n)));
    const preparation = await prepareRun(request.loaded, this.options.backend, values, toRun, request.pipelineName, 'so the execution was not started');
    const id = this.newId();
    const now = this.clock.now().toISOString();
    const region = this.options.region ?? 'us-east-1';
    const account = this.options.account ?? '000000000000';
    const pipelineArn = sageMakerArn({ region, account }, 'pipeline', request.pipelineName);
    const record: ExecutionRecord = {
      PipelineArn: pipelineArn,
      PipelineName: request.pipelineName,
      PipelineExecutionArn: executionArnOf(pipelineArn, id),
      PipelineExecutionId: id,
      PipelineExecutionDisplayName: request.displayName ?? `execution-${now.replace(/[^0-9]/g, '').slice(0, 14)}`,
      PipelineExecutionStatus: 'Executing',
      CreationTime: now,
      LastModifiedTime: now,
      StartTime: now,
      PipelineParameters: [...values].map(([Name, v]) => ({ Name, Value: String(v) })),
      ParallelismConfiguration: { MaxParallelExecutionSteps: request.maxParallelExecutionSteps ?? defaultParallelism() },
      ...(selectiveConfig ? { SelectiveExecutionConfig: selectiveConfig } : {}),
      ...(request.codeSources && request.codeSources.length > 0 ? { CodeSources: request.codeSources } : {}),
      Steps: [],
      NotExecutedSteps: [],
      RetryCount: 0,
      ...runnerFields(),
      ...(preparation && preparation.images.length > 0 ? { Images: [...preparation.images] } : {}),
    };
    // The lease is taken before the record says Executing, so nobody ever sees a running execution without a runner.
    const lease = await takeRunnerLease(this.options.store, id);
    try {
      await this.options.store.create(record, request.loaded.definition);
    } catch (error) {
      await lease.release();
      throw error;
    }
    sink({
      type: 'executionStarted',
      executionId: id,
      executionArn: record.PipelineExecutionArn,
      pipelineName: request.pipelineName,
      steps: request.loaded.graph.order.map((n) => ({ name: n, type: request.loaded.graph.nodes.get(n)?.type ?? '' })),
      retry: false,
    });
    if (preparation && preparation.images.length > 0) sink({ type: 'imagesResolved', images: preparation.images });
    return this.handle(record, stream, controller, this.runRecord(record, request.loaded, values, preset, controller.signal, sink, lease, preparation?.images ?? []));
  }

  /**
   * Re-runs a Failed or Stopped execution from its failed and unfinished steps, reusing what succeeded; returns the
   * handle once the execution is marked Executing again.
   */
  async launchRetry(idOrArn: string, options: { readonly signal?: AbortSignal } = {}): Promise<ExecutionHandle> {
    const id = (await this.options.store.resolve(idOrArn)).record.PipelineExecutionId;
    // One runner at a time: a second retry (or a retry of a running execution) is a conflict.
    const lease = await takeRunnerLease(this.options.store, id);
    try {
      return await this.retryLeased(id, lease, options.signal);
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  private async retryLeased(id: string, lease: HeldLock, signal: AbortSignal | undefined): Promise<ExecutionHandle> {
    const { stream, sink, controller } = this.perExecution(signal);
    const stored = await this.options.store.load(id);
    const record = stored.record;
    if (record.PipelineExecutionStatus === 'Executing' || record.PipelineExecutionStatus === 'Stopping') {
      // We hold the lease, so the runner that left it so is gone: clean up after it and retry directly.
      await this.options.removeAbandonedJobs?.(id);
      markAbandoned(record, 'Failed', this.clock.now());
    }
    if (record.PipelineExecutionStatus !== 'Failed' && record.PipelineExecutionStatus !== 'Stopped') {
      throw new SagepipeError(ErrorCode.InvalidState, `execution ${record.PipelineExecutionId} is ${record.PipelineExecutionStatus}: only Failed or Stopped executions can be retried`);
    }
    const loaded = loadDefinition(stored.definition, { source: `execution ${record.PipelineExecutionId}` });
    const values = new Map<string, string | number | boolean>();
    const given = Object.fromEntries(record.PipelineParameters.map((p) => [p.Name, p.Value]));
    for (const [k, v] of resolveParameters(loaded.parameters, given)) values.set(k, v);
    const preset = succeededProperties(record);
    if (record.SelectiveExecutionConfig) {
      const selected = new Set(record.SelectiveExecutionConfig.SelectedSteps.map((s) => s.StepName));
      const source = await this.options.store.resolve(record.SelectiveExecutionConfig.SourcePipelineExecutionArn);
      const sourceProps = succeededProperties(source.record);
      for (const name of loaded.graph.order) if (!selected.has(name) && !preset.has(name)) preset.set(name, sourceProps.get(name) ?? {});
    }
    const toRun = new Set(loaded.graph.order.filter((n) => !preset.has(n)));
    const preparation = await prepareRun(loaded, this.options.backend, values, toRun, `execution ${record.PipelineExecutionId}`, 'so it was not retried');
    if (preparation && preparation.images.length > 0) record.Images = [...preparation.images];
    record.PipelineExecutionStatus = 'Executing';
    delete record.FailureReason;
    delete record.EndTime;
    record.NotExecutedSteps = [];
    record.RetryCount += 1;
    Object.assign(record, runnerFields());
    await this.options.store.save(record);
    sink({
      type: 'executionStarted',
      executionId: record.PipelineExecutionId,
      executionArn: record.PipelineExecutionArn,
      pipelineName: record.PipelineName,
      steps: loaded.graph.order.map((n) => ({ name: n, type: loaded.graph.nodes.get(n)?.type ?? '' })),
      retry: true,
    });
    if (preparation && preparation.images.length > 0) sink({ type: 'imagesResolved', images: preparation.images });
    return this.handle(record, stream, controller, this.runRecord(record, loaded, values, preset, controller.signal, sink, lease, preparation?.images ?? []));
  }

  /** One execution's event stream (fed besides the engine's sink) and stop switch (also tripped by `signal`). */
  private perExecution(signal: AbortSignal | undefined): { stream: EventStream<EngineEvent>; sink: EventSink; controller: AbortController } {
    const stream = new EventStream<EngineEvent>();
    const controller = new AbortController();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener('abort', () => controller.abort(), { once: true });
    return {
      stream,
      controller,
      sink: (event) => {
        stream.push(event);
        this.sink(event);
      },
    };
  }

  private handle(record: ExecutionRecord, stream: EventStream<EngineEvent>, controller: AbortController, running: Promise<ExecutionRecord>): ExecutionHandle {
    // The execution keeps its process alive until it ends: a job may be awaiting only unref'd timers (such as
    // AbortSignal.timeout while a container comes up), and Node would otherwise exit mid-step with code 13.
    const alive = setInterval(() => undefined, 60_000);
    const done = running.finally(() => {
      clearInterval(alive);
      stream.end();
    });
    // A caller that only iterates events must not see an unhandled rejection; `done` still rejects for those who await it.
    done.catch(() => undefined);
    return {
      executionArn: record.PipelineExecutionArn,
      executionId: record.PipelineExecutionId,
      done,
      events: stream,
      stop: () => controller.abort(),
    };
  }

  private runRecord(
    record: ExecutionRecord,
    loaded: LoadedDefinition,
    values: ReadonlyMap<string, string | number | boolean>,
    preset: ReadonlyMap<string, JsonObject>,
    signal: AbortSignal,
    sink: EventSink,
    lease: HeldLock,
    images: readonly ImagePlan[],
  ): Promise<ExecutionRecord> {
    // Missing images are built first, as a phase of their own: no step's time includes a build.
    const phase = runImagePhase({ backend: this.options.backend, images, record, store: this.options.store, sink, clock: this.clock });
    return phase
      .then(async () => {
        // A stop asked from elsewhere (`executions stop`) while images were built: no step starts.
        const stopped = await this.options.store.stopRequested(record.PipelineExecutionId);
        return this.runSteps(record, loaded, values, preset, stopped ? AbortSignal.abort() : signal, sink);
      })
      .finally(() => lease.release());
  }

  private runSteps(
    record: ExecutionRecord,
    loaded: LoadedDefinition,
    values: ReadonlyMap<string, string | number | boolean>,
    preset: ReadonlyMap<string, JsonObject>,
    signal: AbortSignal,
    sink: EventSink,
  ): Promise<ExecutionRecord> {
    const run = new ExecutionRun({
      record,
      graph: loaded.graph,
      parameters: values,
      preset,
      backend: this.options.backend,
      store: this.options.store,
      sink,
      clock: this.clock,
      signal,
      ...(this.options.callbackTimeoutMs === undefined ? {} : { callbackTimeoutMs: this.options.callbackTimeoutMs }),
      ...(this.options.maxLogBytes === undefined ? {} : { maxLogBytes: this.options.maxLogBytes }),
    });
    return run.run();
  }
}
