/**
 * The step-execution engine: starts executions of a loaded definition, retries failed or stopped ones, and runs
 * selective executions. It talks to jobs only through a JobBackend, reports only through events, and never prints.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { loadDefinition, type LoadedDefinition } from '../definition/loader.ts';
import type { JsonObject } from '../definition/types.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { JobBackend } from './backend.ts';
import type { EventSink } from './events.ts';
import { type Clock, ExecutionRun, succeededProperties, systemClock } from './execution-run.ts';
import { resolveParameters } from './parameters.ts';
import { prepareRun } from './runnable.ts';
import type { ExecutionRecord } from './records.ts';
import type { ExecutionStore } from './store.ts';

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

  /** Validates everything, records the execution, then runs it to the end. */
  async start(request: StartExecutionRequest): Promise<ExecutionRecord> {
    const values = resolveParameters(request.loaded.parameters, request.parameters ?? {});
    const preset = new Map<string, JsonObject>();
    let selectiveConfig: ExecutionRecord['SelectiveExecutionConfig'];
    if (request.selective) {
      const source = await this.options.store.resolve(request.selective.sourceExecutionId);
      const sourceProps = succeededProperties(source.record);
      const unknown = request.selective.steps.filter((s) => !request.loaded.graph.nodes.has(s));
      if (unknown.length > 0) {
        throw new SagepipeError(ErrorCode.UsageError, `selective execution: no step named ${unknown.map((u) => `'${u}'`).join(', ')} in the pipeline`);
      }
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
    const pipelineArn = `arn:aws:sagemaker:${region}:${account}:pipeline/${request.pipelineName.toLowerCase()}`;
    const record: ExecutionRecord = {
      PipelineArn: pipelineArn,
      PipelineName: request.pipelineName,
      PipelineExecutionArn: `${pipelineArn}/execution/${id}`,
      PipelineExecutionId: id,
      PipelineExecutionDisplayName: request.displayName ?? `execution-${now.replace(/[^0-9]/g, '').slice(0, 14)}`,
      PipelineExecutionStatus: 'Executing',
      CreationTime: now,
      LastModifiedTime: now,
      StartTime: now,
      PipelineParameters: [...values].map(([Name, v]) => ({ Name, Value: String(v) })),
      ParallelismConfiguration: { MaxParallelExecutionSteps: request.maxParallelExecutionSteps ?? defaultParallelism() },
      ...(selectiveConfig ? { SelectiveExecutionConfig: selectiveConfig } : {}),
      Steps: [],
      NotExecutedSteps: [],
      RetryCount: 0,
      RunnerPid: process.pid,
      ...(preparation && preparation.images.length > 0 ? { Images: [...preparation.images] } : {}),
    };
    await this.options.store.create(record, request.loaded.definition);
    this.sink({
      type: 'executionStarted',
      executionId: id,
      executionArn: record.PipelineExecutionArn,
      pipelineName: request.pipelineName,
      steps: request.loaded.graph.order.map((n) => ({ name: n, type: request.loaded.graph.nodes.get(n)?.type ?? '' })),
      retry: false,
    });
    if (preparation && preparation.images.length > 0) this.sink({ type: 'imagesResolved', images: preparation.images });
    return this.runRecord(record, request.loaded, values, preset, request.signal);
  }

  /** Re-runs a Failed or Stopped execution from its failed and unfinished steps, reusing what succeeded. */
  async retry(idOrArn: string, options: { readonly signal?: AbortSignal } = {}): Promise<ExecutionRecord> {
    const stored = await this.options.store.resolve(idOrArn);
    const record = stored.record;
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
    record.RunnerPid = process.pid;
    await this.options.store.save(record);
    this.sink({
      type: 'executionStarted',
      executionId: record.PipelineExecutionId,
      executionArn: record.PipelineExecutionArn,
      pipelineName: record.PipelineName,
      steps: loaded.graph.order.map((n) => ({ name: n, type: loaded.graph.nodes.get(n)?.type ?? '' })),
      retry: true,
    });
    if (preparation && preparation.images.length > 0) this.sink({ type: 'imagesResolved', images: preparation.images });
    return this.runRecord(record, loaded, values, preset, options.signal);
  }

  private runRecord(
    record: ExecutionRecord,
    loaded: LoadedDefinition,
    values: ReadonlyMap<string, string | number | boolean>,
    preset: ReadonlyMap<string, JsonObject>,
    signal: AbortSignal | undefined,
  ): Promise<ExecutionRecord> {
    const run = new ExecutionRun({
      record,
      graph: loaded.graph,
      parameters: values,
      preset,
      backend: this.options.backend,
      store: this.options.store,
      sink: this.sink,
      clock: this.clock,
      signal: signal ?? new AbortController().signal,
    });
    return run.run();
  }
}
