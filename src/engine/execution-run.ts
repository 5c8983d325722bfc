/**
 * One run of an execution (a new one, a retry, or a selective one): schedules steps as their dependencies succeed,
 * up to the parallelism limit; runs each through the backend with caching and retries; records everything in the
 * store; reports events. A failed step lets running steps finish and starts no new ones; a stop ends them.
 */
import { createHash } from 'node:crypto';
import type { CompiledStep, JobStepType } from '../definition/compiled.ts';
import { type GraphNode, type StepGraph, dependentsMap } from '../definition/graph.ts';
import { MinHeap } from '../definition/min-heap.ts';
import { isPlainObject } from '../definition/references.ts';
import type { Json, JsonObject, StepDefinition } from '../definition/types.ts';
import { errorMessage, isSagepipeError } from '../errors.ts';
import { type JobBackend, type JobContext, type JobResult, isJobFailure } from './backend.ts';
import { type CacheCandidate, cacheKey, decideCache } from './cache.ts';
import { evaluateConditions } from './conditions.ts';
import { type EvaluationScope, evaluate } from './evaluate.ts';
import type { EngineEvent, EventSink } from './events.ts';
import { lookupProperty } from './property-lookup.ts';
import type { ExecutionRecord, StepRecord } from './records.ts';
import { retryDelay } from './retry.ts';
import type { ExecutionStore, JournalEntry } from './store.ts';
import { CALLBACK_TIMEOUT_MS, invokeLambdaStep, newCallbackToken, runTuningStep, typedOutputs } from './step-kinds.ts';
import { DEFAULT_MAX_LOG_BYTES, JobLog } from './job-log.ts';

export interface Clock {
  now(): Date;
  /** Waits, or rejects when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Error('stopped'));
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Error('stopped'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

type NodeState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface RunInput {
  readonly record: ExecutionRecord;
  readonly graph: StepGraph;
  readonly parameters: ReadonlyMap<string, string | number | boolean>;
  /** Steps whose results are already known (a retry's succeeded steps, a selective execution's unselected ones). */
  readonly preset: ReadonlyMap<string, JsonObject>;
  readonly backend: JobBackend;
  readonly store: ExecutionStore;
  readonly sink: EventSink;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** How long a Callback step waits for its token before it fails. @default 7 days */
  readonly callbackTimeoutMs?: number;
  /** How often a waiting Callback step looks for its answer. @default 500 ms */
  readonly callbackPollMs?: number;
  /** Cap of each step's log file (head and tail kept). @default DEFAULT_MAX_LOG_BYTES */
  readonly maxLogBytes?: number;
}

/** Where a job step's record links what it ran (ListPipelineExecutionSteps' Metadata); Lambda sets its own. */
const STEP_METADATA_KEY: Readonly<Record<Exclude<JobStep['type'], 'Lambda'>, { key: string; arn: string }>> = {
  Processing: { key: 'ProcessingJob', arn: 'ProcessingJobArn' },
  Training: { key: 'TrainingJob', arn: 'TrainingJobArn' },
  Model: { key: 'Model', arn: 'ModelArn' },
  RegisterModel: { key: 'RegisterModel', arn: 'ModelPackageArn' },
  Transform: { key: 'TransformJob', arn: 'TransformJobArn' },
  Tuning: { key: 'TuningJob', arn: 'HyperParameterTuningJobArn' },
};

/** The steps the backend runs with their substituted Arguments as the request. */
type JobStep = Extract<CompiledStep, { type: 'Processing' | JobStepType | 'Lambda' }>;
type CallbackStep = Extract<CompiledStep, { type: 'Callback' }>;

/** Arguments are an object (the schema says so); substitution keeps it one. */
function objectArguments(node: GraphNode, value: Json): JsonObject {
  if (isPlainObject(value)) return value;
  throw new Error(`step '${node.name}': Arguments must be an object, got ${JSON.stringify(value)}`);
}

/** A Lambda step's declared outputs as written (part of its cache key). */
function declaredOutputsJson(step: StepDefinition): Json {
  return (step.OutputParameters ?? []).map((o) => ({ OutputName: o.OutputName, ...(o.OutputType === undefined ? {} : { OutputType: o.OutputType }) }));
}

export class ExecutionRun {
  private readonly state = new Map<string, NodeState>();
  private readonly properties = new Map<string, JsonObject>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly propertyFiles = new Map<string, Promise<Json>>();
  private readonly abort = new AbortController();
  private failed = false;
  private failureReason: string | undefined;
  private saving: Promise<void> = Promise.resolve();
  private nextSave: Promise<void> | undefined;
  private readonly logs = new Map<string, JobLog>();
  private readonly record: ExecutionRecord;
  /** Step records by name (the record's Steps, found without a scan). */
  private readonly stepRecords = new Map<string, StepRecord>();
  /** Steps changed since the last save, and how many NotExecutedSteps the journal has. */
  private readonly dirty = new Set<StepRecord>();
  private journaledNotExecuted: number;
  // Scheduling without rescans: each pending step counts the dependencies it still waits for; a step that settles
  // visits only its dependents. Heaps of positions in the topological order keep the start order deterministic.
  private readonly position = new Map<string, number>();
  private readonly dependents: Map<string, string[]>;
  private readonly waitingFor = new Map<string, number>();
  private readonly ready = new MinHeap();
  private wake: (() => void) | undefined;

  constructor(private readonly input: RunInput) {
    this.record = input.record;
    for (const step of this.record.Steps) this.stepRecords.set(step.StepName, step);
    this.journaledNotExecuted = this.record.NotExecutedSteps.length;
    input.graph.order.forEach((name, i) => {
      this.state.set(name, 'pending');
      this.position.set(name, i);
    });
    for (const [name, props] of input.preset) {
      this.state.set(name, 'done');
      this.properties.set(name, props);
    }
    this.dependents = dependentsMap(input.graph.nodes);
    if (input.signal.aborted) this.abort.abort();
    else input.signal.addEventListener('abort', () => this.abort.abort(), { once: true });
  }

  private emit(event: EngineEvent): void {
    this.input.sink(event);
  }

  /**
   * Saves the record's changes (`step`: the step that changed) as journal appends. Saves are coalesced: while one is
   * being written, later calls share a single next save, which writes the state as it is when it starts (so a burst
   * of changes costs one append, not one each); each costs what changed, not the whole record.
   */
  private persist(step?: StepRecord): Promise<void> {
    this.record.LastModifiedTime = this.input.clock.now().toISOString();
    if (step) this.dirty.add(step);
    if (!this.nextSave) {
      const next = this.saving.then(() => {
        this.nextSave = undefined;
        return this.input.store.appendJournal(this.record.PipelineExecutionId, this.journalEntries());
      });
      this.nextSave = next;
      this.saving = next;
    }
    return this.nextSave;
  }

  private journalEntries(): JournalEntry[] {
    const { Steps: _steps, NotExecutedSteps: notExecuted, ...header } = this.record;
    const entries: JournalEntry[] = [{ h: header }];
    for (const step of this.dirty) entries.push({ s: step });
    this.dirty.clear();
    if (notExecuted.length < this.journaledNotExecuted) entries.push({ N: notExecuted });
    else for (let i = this.journaledNotExecuted; i < notExecuted.length; i++) entries.push({ n: notExecuted[i] as (typeof notExecuted)[number] });
    this.journaledNotExecuted = notExecuted.length;
    return entries;
  }

  /** The whole record written once, the journal dropped: after the last change is appended. */
  private compact(): Promise<void> {
    this.saving = this.saving.then(() => this.input.store.save(this.record));
    return this.saving;
  }

  async run(): Promise<ExecutionRecord> {
    const maxParallel = Math.max(1, this.record.ParallelismConfiguration.MaxParallelExecutionSteps);
    // A stop asked by another process (`sagepipe executions stop`) arrives as a file in the store.
    const id = this.record.PipelineExecutionId;
    await this.input.store.clearStopRequest(id);
    const poll = setInterval(() => {
      void this.input.store.stopRequested(id).then((yes) => {
        if (yes && !this.abort.signal.aborted) {
          this.record.PipelineExecutionStatus = 'Stopping';
          this.abort.abort();
        }
      });
    }, 500);
    poll.unref();
    try {
      this.seed();
      for (;;) {
        if (!this.abort.signal.aborted) this.startReady(maxParallel);
        if (this.running.size === 0) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      clearInterval(poll);
    }
    await this.input.store.clearStopRequest(id);
    this.markUnreached();
    const now = this.input.clock.now().toISOString();
    if (this.abort.signal.aborted) {
      this.record.PipelineExecutionStatus = 'Stopped';
    } else if (this.failed) {
      this.record.PipelineExecutionStatus = 'Failed';
      this.record.FailureReason = this.failureReason;
    } else {
      this.record.PipelineExecutionStatus = 'Succeeded';
      delete this.record.FailureReason;
    }
    this.record.EndTime = now;
    await this.persist();
    await this.compact();
    await Promise.all([...this.logs.values()].map((l) => l.close()));
    this.emit({
      type: 'executionFinished',
      status: this.record.PipelineExecutionStatus,
      failureReason: this.record.FailureReason,
      record: structuredClone(this.record),
    });
    return this.record;
  }

  /** Counts what each pending step waits for; marks the ones that never will run, queues the ones that can. */
  private seed(): void {
    const check = new MinHeap();
    for (const name of this.input.graph.order) {
      if (this.state.get(name) !== 'pending') continue;
      const node = this.input.graph.nodes.get(name) as GraphNode;
      let waiting = 0;
      for (const d of new Set(node.dependsOn)) if (this.state.get(d) !== 'done') waiting++;
      this.waitingFor.set(name, waiting);
      check.push(this.position.get(name) as number);
    }
    this.settle(check);
  }

  /** A step finished (done, failed) or was skipped: its pending dependents may now be blocked or ready. */
  private settled(name: string): void {
    const check = new MinHeap();
    const done = this.state.get(name) === 'done';
    for (const d of this.dependents.get(name) ?? []) {
      if (this.state.get(d) !== 'pending') continue;
      if (done) this.waitingFor.set(d, (this.waitingFor.get(d) as number) - 1);
      check.push(this.position.get(d) as number);
    }
    this.settle(check);
  }

  /** Visits pending steps in topological order: blocked ones are not executed (and their dependents visited). */
  private settle(check: MinHeap): void {
    const seen = new Set<number>();
    while (check.size > 0) {
      const i = check.pop();
      if (seen.has(i)) continue;
      seen.add(i);
      const name = this.input.graph.order[i] as string;
      if (this.state.get(name) !== 'pending') continue;
      const node = this.input.graph.nodes.get(name) as GraphNode;
      // After a stop, what has not run is reported as stopped (markUnreached), not as blocked.
      const blocked = this.abort.signal.aborted ? undefined : this.blockedReason(node);
      if (blocked) {
        this.state.set(name, 'skipped');
        this.record.NotExecutedSteps.push({ StepName: name, Reason: blocked });
        this.emit({ type: 'stepNotExecuted', step: name, reason: blocked });
        for (const d of this.dependents.get(name) ?? []) if (this.state.get(d) === 'pending') check.push(this.position.get(d) as number);
      } else if (this.waitingFor.get(name) === 0) this.ready.push(i);
    }
  }

  /** Starts queued steps up to the parallelism limit (none once a step has failed). */
  private startReady(maxParallel: number): void {
    while (!this.failed && this.ready.size > 0 && this.running.size < maxParallel) {
      const name = this.input.graph.order[this.ready.pop()] as string;
      if (this.state.get(name) !== 'pending') continue;
      const node = this.input.graph.nodes.get(name) as GraphNode;
      this.state.set(name, 'running');
      const promise = this.runStep(node).finally(() => {
        this.running.delete(name);
        this.settled(name);
        this.wake?.();
      });
      this.running.set(name, promise);
    }
  }

  private blockedReason(node: GraphNode): string | undefined {
    if (node.branch && this.state.get(node.branch.condition) === 'done') {
      const outcome = this.properties.get(node.branch.condition)?.Outcome;
      const chosen = outcome === 'True' ? 'IfSteps' : 'ElseSteps';
      if (chosen !== node.branch.branch) return `condition '${node.branch.condition}' evaluated to ${outcome === 'True' ? 'true' : 'false'}: ${chosen} ran`;
    }
    for (const dep of node.dependsOn) {
      const s = this.state.get(dep);
      if (s === 'skipped') return `depends on '${dep}', which was not executed`;
    }
    return undefined;
  }

  /** After the loop: steps still pending did not run because of a failure or a stop. */
  private markUnreached(): void {
    for (const name of this.input.graph.order) {
      if (this.state.get(name) !== 'pending') continue;
      const node = this.input.graph.nodes.get(name) as GraphNode;
      const failedDep = node.dependsOn.find((d) => this.state.get(d) === 'failed');
      const skippedDep = node.dependsOn.find((d) => this.state.get(d) === 'skipped' || this.state.get(d) === 'pending');
      const reason = this.abort.signal.aborted
        ? 'the execution was stopped'
        : failedDep
          ? `depends on '${failedDep}', which failed`
          : skippedDep
            ? `depends on '${skippedDep}', which was not executed`
            : 'the execution failed before it could start';
      this.state.set(name, 'skipped');
      this.record.NotExecutedSteps.push({ StepName: name, Reason: reason });
      this.emit({ type: 'stepNotExecuted', step: name, reason });
    }
  }

  private scope(forCacheKey: boolean): EvaluationScope {
    const r = this.record;
    const vars: Record<string, string> = {
      PipelineExecutionId: r.PipelineExecutionId,
      PipelineExecutionArn: r.PipelineExecutionArn,
      StartDateTime: r.StartTime ?? r.CreationTime,
      PipelineName: r.PipelineName,
      PipelineArn: r.PipelineArn,
    };
    return {
      parameters: this.input.parameters,
      execution: (name) => {
        if (forCacheKey) return name in vars || name === 'CurrentDateTime' ? `{Execution.${name}}` : undefined;
        return name === 'CurrentDateTime' ? this.input.clock.now().toISOString() : vars[name];
      },
      stepProperties: (step) => this.properties.get(step),
      readPropertyFile: (step, file) => this.readPropertyFile(step, file),
    };
  }

  private readPropertyFile(step: string, file: string): Promise<Json> {
    const key = `${step}/${file}`;
    let promise = this.propertyFiles.get(key);
    if (!promise) {
      promise = (async () => {
        const node = this.input.graph.nodes.get(step);
        const decl = node?.type === 'Processing' ? node.propertyFiles.find((p) => p.PropertyFileName === file) : undefined;
        if (!decl) throw new Error(`step '${step}' declares no property file '${file}'`);
        const props = this.properties.get(step);
        if (!props) throw new Error(`step '${step}' has not succeeded`);
        const out = lookupProperty(props, `ProcessingOutputConfig.Outputs['${decl.OutputName}'].S3Output.S3Uri`);
        if ('error' in out || typeof out.value !== 'string') throw new Error(`step '${step}' has no output '${decl.OutputName}'`);
        const uri = `${out.value.replace(/\/+$/, '')}/${decl.FilePath.replace(/^\/+/, '')}`;
        const bytes = await this.input.backend.readObject(uri);
        try {
          return JSON.parse(Buffer.from(bytes).toString('utf8')) as Json;
        } catch (error) {
          throw new Error(`property file ${uri} is not JSON: ${errorMessage(error)}`);
        }
      })();
      this.propertyFiles.set(key, promise);
    }
    return promise;
  }

  private stepRecord(node: GraphNode): StepRecord {
    const existing = this.stepRecords.get(node.name);
    const fresh: StepRecord = {
      StepName: node.name,
      ...(node.definition.DisplayName ? { StepDisplayName: node.definition.DisplayName } : {}),
      StepType: node.type,
      StepStatus: 'Starting',
      StartTime: this.input.clock.now().toISOString(),
      AttemptCount: 0,
      Metadata: {},
      LogFile: `logs/${node.name}.log`,
    };
    if (existing) {
      // A retried execution runs the step again in place, as RetryPipelineExecution does.
      for (const k of Object.keys(existing)) delete (existing as unknown as Record<string, unknown>)[k];
      Object.assign(existing, fresh);
      return existing;
    }
    this.record.Steps.push(fresh);
    this.stepRecords.set(node.name, fresh);
    return fresh;
  }

  private async runStep(node: GraphNode): Promise<void> {
    try {
      await this.runStepLogged(node);
    } finally {
      const log = this.logs.get(node.name);
      this.logs.delete(node.name);
      await log?.close();
    }
  }

  private async runStepLogged(node: GraphNode): Promise<void> {
    const step = this.stepRecord(node);
    const started = this.input.clock.now().getTime();
    step.StepStatus = 'Executing';
    await this.persist(step);
    try {
      const result = await this.execute(node, step);
      step.Properties = result.properties;
      step.StepStatus = 'Succeeded';
      step.EndTime = this.input.clock.now().toISOString();
      this.properties.set(node.name, result.properties);
      this.state.set(node.name, 'done');
      await this.persist(step);
      this.emit({ type: 'stepSucceeded', step: node.name, durationMs: Date.parse(step.EndTime) - started, properties: result.properties, cached: step.CacheHitResult !== undefined });
    } catch (error) {
      step.EndTime = this.input.clock.now().toISOString();
      if (this.abort.signal.aborted) {
        step.StepStatus = 'Stopped';
        step.FailureReason = 'the execution was stopped';
        this.state.set(node.name, 'failed');
        await this.persist(step);
        this.emit({ type: 'stepStopped', step: node.name });
        return;
      }
      const reason = isSagepipeError(error) || error instanceof Error ? error.message : String(error);
      const failure = isJobFailure(error) ? error : undefined;
      if (failure?.properties) step.Properties = failure.properties;
      step.StepStatus = 'Failed';
      step.FailureReason = reason;
      this.state.set(node.name, 'failed');
      this.failed = true;
      this.failureReason ??= node.type === 'Fail' ? reason : `Step failure: step '${node.name}' failed: ${reason}`;
      await this.persist(step);
      this.emit({ type: 'stepFailed', step: node.name, reason, durationMs: Date.parse(step.EndTime) - started });
    }
  }

  private async execute(node: GraphNode, step: StepRecord): Promise<JobResult> {
    switch (node.type) {
      case 'Condition': {
        step.AttemptCount = 1;
        this.emit({ type: 'stepStarted', step: node.name, stepType: node.type, attempt: 1, at: step.StartTime as string });
        const outcome = (await evaluateConditions(node.conditions, this.scope(false))) ? 'True' : 'False';
        step.Metadata = { Condition: { Outcome: outcome } };
        return { properties: { Outcome: outcome } };
      }
      case 'Fail': {
        step.AttemptCount = 1;
        this.emit({ type: 'stepStarted', step: node.name, stepType: node.type, attempt: 1, at: step.StartTime as string });
        const message = await evaluate(node.errorMessage, this.scope(false));
        const text = typeof message === 'string' ? message : JSON.stringify(message);
        step.Metadata = { Fail: { ErrorMessage: text } };
        throw new Error(text);
      }
      case 'Processing':
      case 'Training':
      case 'Model':
      case 'RegisterModel':
      case 'Transform':
      case 'Tuning':
      case 'Lambda':
        return this.executeJob(node, step);
      case 'Callback':
        return this.executeCallback(node, step);
      // Refused before an execution starts (runnable.ts); a caller that skipped that check gets the same reason.
      case 'ClarifyCheck':
      case 'QualityCheck':
      case 'EMR':
      case 'AutoML':
      case 'Endpoint':
      case 'EndpointConfig':
        this.emit({ type: 'stepStarted', step: node.name, stepType: node.type, attempt: 1, at: step.StartTime as string });
        throw new Error(`step type '${node.type}' is not supported by sagepipe's engine (supported: Processing, Training, Condition, Model, RegisterModel, Fail, Transform, Tuning, Lambda, Callback)`);
      default: {
        const never: never = node;
        return never;
      }
    }
  }

  private async executeJob(node: JobStep, step: StepRecord): Promise<JobResult> {
    const args = objectArguments(node, await evaluate(node.arguments, this.scope(false)));
    const cache = node.policies.cache;
    if (cache.enabled) {
      const evaluated = objectArguments(node, await evaluate(node.arguments, this.scope(true)));
      // A Lambda step's function and declared outputs sit beside its Arguments: a change to them is a miss too.
      const cacheArgs: JsonObject =
        node.type === 'Lambda' ? { ...evaluated, 'sagepipe:FunctionArn': node.functionArn, 'sagepipe:OutputParameters': declaredOutputsJson(node.definition) } : evaluated;
      const key = cacheKey(node.type, cacheArgs);
      step.CacheKey = key;
      step.CacheArguments = cacheArgs;
      const candidates: CacheCandidate[] = (await this.input.store.succeededRuns(this.record.PipelineName, node.name)).filter(
        (c) => c.execution.PipelineExecutionId !== this.record.PipelineExecutionId,
      );
      const decision = decideCache(key, cacheArgs, candidates, this.input.clock.now().getTime(), cache.expireAfterMs);
      if (decision.hit) {
        const source = decision.source;
        step.CacheHitResult = { SourcePipelineExecutionArn: source.execution.PipelineExecutionArn };
        step.Metadata = source.step.Metadata;
        step.AttemptCount = 0;
        this.emit({ type: 'stepCacheHit', step: node.name, sourceExecutionArn: source.execution.PipelineExecutionArn });
        return { properties: source.step.Properties ?? {} };
      }
      step.CacheMissReason = decision.reason;
      this.emit({ type: 'stepCacheMiss', step: node.name, reason: decision.reason });
    }

    const firstAttempt = this.input.clock.now().getTime();
    for (let attempt = 1; ; attempt++) {
      step.AttemptCount = attempt;
      this.emit({ type: 'stepStarted', step: node.name, stepType: node.type, attempt, at: this.input.clock.now().toISOString() });
      const context = this.jobContext(node, attempt);
      try {
        const result = await this.dispatch(node, args, context, step);
        const meta = node.type === 'Lambda' ? undefined : STEP_METADATA_KEY[node.type];
        const arn = meta ? result.properties[meta.arn] : undefined;
        if (meta && typeof arn === 'string') step.Metadata = { [meta.key]: { Arn: arn } };
        return result;
      } catch (error) {
        if (this.abort.signal.aborted || !isJobFailure(error)) throw error;
        const delay = retryDelay(node.policies.retry, error.kind, attempt - 1, this.input.clock.now().getTime() - firstAttempt);
        if (delay === undefined) throw error;
        this.emit({ type: 'stepRetrying', step: node.name, attempt: attempt + 1, reason: error.message, delayMs: delay });
        await this.input.clock.sleep(delay, this.abort.signal);
      }
    }
  }

  private dispatch(node: JobStep, args: JsonObject, context: JobContext, step: StepRecord): Promise<JobResult> {
    const b = this.input.backend;
    switch (node.type) {
      case 'Transform':
        return b.runTransformJob(args, context);
      case 'Tuning':
        return runTuningStep({
          args,
          context,
          backend: b,
          maxParallel: this.record.ParallelismConfiguration.MaxParallelExecutionSteps,
          arnPrefix: this.record.PipelineArn.split(':pipeline/')[0] ?? 'arn:aws:sagemaker:us-east-1:000000000000',
          now: () => this.input.clock.now(),
          onProgress: (properties) => {
            step.Properties = properties;
            step.Metadata = { TuningJob: { Arn: String(properties.HyperParameterTuningJobArn) } };
            void this.persist(step);
          },
        });
      case 'Lambda':
        return invokeLambdaStep(node, args, context, b, step);
      case 'Processing':
        return b.runProcessingJob(args, context);
      case 'Training':
        return b.runTrainingJob(args, context);
      case 'Model':
        return b.createModel(args, context);
      case 'RegisterModel':
        return b.createModelPackage(args, context);
      default: {
        const never: never = node;
        return never;
      }
    }
  }

  /** Waits for SendPipelineExecutionStepSuccess/Failure, which arrives as a file in the store (from any process). */
  private async executeCallback(node: CallbackStep, step: StepRecord): Promise<JobResult> {
    step.AttemptCount = 1;
    this.emit({ type: 'stepStarted', step: node.name, stepType: node.type, attempt: 1, at: step.StartTime as string });
    const args = objectArguments(node, await evaluate(node.arguments, this.scope(false)));
    const token = newCallbackToken();
    const id = this.record.PipelineExecutionId;
    const sqsQueueUrl = node.sqsQueueUrl;
    step.Metadata = { Callback: { CallbackToken: token, SqsQueueUrl: sqsQueueUrl } };
    step.CallbackArguments = args;
    await this.persist(step);
    this.emit({ type: 'stepWaitingForCallback', step: node.name, token, arguments: args, sqsQueueUrl });
    const timeout = this.input.callbackTimeoutMs ?? CALLBACK_TIMEOUT_MS;
    const started = this.input.clock.now().getTime();
    for (;;) {
      if (this.abort.signal.aborted) throw new Error('the execution was stopped');
      const response = await this.input.store.readCallbackResponse(id, token);
      if (response) {
        if (response.Status === 'Failure') throw new Error(response.FailureReason || 'the callback reported a failure');
        const outputs = typedOutputs(node.outputParameters, response.OutputParameters, 'the callback');
        step.Metadata = { Callback: { CallbackToken: token, SqsQueueUrl: sqsQueueUrl, OutputParameters: response.OutputParameters.map((o) => ({ Name: o.Name, Value: o.Value })) } };
        return { properties: { OutputParameters: outputs } };
      }
      if (this.input.clock.now().getTime() - started >= timeout) {
        throw new Error(`the callback token ${token} was not answered within ${Math.round(timeout / 1000)} s (SendPipelineExecutionStepSuccess / SendPipelineExecutionStepFailure)`);
      }
      await this.input.clock.sleep(this.input.callbackPollMs ?? 500, this.abort.signal);
    }
  }

  private jobContext(node: GraphNode, attempt: number): JobContext {
    const id = this.record.PipelineExecutionId;
    const suffix = createHash('sha256').update(`${id}/${node.name}/${attempt}`).digest('hex').slice(0, 10);
    const base = `pipelines-${id}-${node.name}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 52);
    return {
      executionId: id,
      executionArn: this.record.PipelineExecutionArn,
      pipelineName: this.record.PipelineName,
      stepName: node.name,
      attempt,
      jobName: `${base}-${suffix}`,
      signal: this.abort.signal,
      log: (line, stream) => {
        this.emit({ type: 'stepLog', step: node.name, stream, line });
        let log = this.logs.get(node.name);
        if (!log) {
          log = new JobLog(this.input.store.logFile(id, node.name), this.input.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES);
          this.logs.set(node.name, log);
        }
        log.write(line);
      },
    };
  }
}

/** Properties of steps that succeeded in a stored record (for retries and selective executions). */
export function succeededProperties(record: ExecutionRecord): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const s of record.Steps) if (s.StepStatus === 'Succeeded' && isPlainObject(s.Properties)) out.set(s.StepName, s.Properties);
  return out;
}
