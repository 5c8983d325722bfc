/**
 * Pipeline executions through the workspace's local target: start (run by this server, in the background), describe,
 * list, stop (`Stopping` until the run has ended), retry, update, and what the service reports about their steps,
 * parameters and definition. The CLI and the library see the same executions.
 */
import type { Json, JsonObject } from '../../definition/types.ts';
import type { ExecutionHandle } from '../../engine/handle.ts';
import type { PipelineRecord } from '../../engine/target.ts';
import { resolveParameters } from '../../engine/parameters.ts';
import { prepareRun } from '../../engine/runnable.ts';
import type { ExecutionRecord } from '../../engine/records.ts';
import { isSagepipeError } from '../../errors.ts';
import { conflict, notFound, validation } from '../http/api-error.ts';
import type { SageMakerContext } from './context.ts';
import { checkDefinition, requirePipeline } from './pipelines.ts';
import {
  EXECUTION_ARN,
  type Operations,
  inWindow,
  optionalEnum,
  optionalInteger,
  optionalList,
  optionalObject,
  optionalString,
  optionalTime,
  paginate,
  pipelineNameOrArn,
  requiredString,
  sortBy,
  wireObject,
} from './wire.ts';

/** What the execution record does not hold: the definition as submitted, the description. */
interface ExecutionExtras extends JsonObject {
  PipelineDefinition: string;
  PipelineExecutionDescription: string | null;
  PipelineExecutionDisplayName: string | null;
}

export function executionOperations(ctx: SageMakerContext): Operations {
  const { target } = ctx;
  /** ClientRequestToken → the ARN it started (pending while the start is under way, so a repeat waits for it). */
  const tokens = new Map<string, Promise<string>>();

  const execution = async (input: JsonObject): Promise<ExecutionRecord> => {
    const arn = requiredString(input, 'PipelineExecutionArn', EXECUTION_ARN, 2048);
    const id = arn.split('/execution/')[1] as string;
    try {
      const record = await target.describe(id);
      if (record.PipelineExecutionArn.toLowerCase() !== arn.toLowerCase()) throw new Error('other pipeline');
      return record;
    } catch {
      throw notFound(`Pipeline execution '${arn}' does not exist.`);
    }
  };
  const idOf = (arn: string) => arn.split('/execution/')[1] as string;
  const status = (id: string, s: string) => (ctx.stopping.has(id) && s === 'Executing' ? 'Stopping' : s);
  const extras = (r: ExecutionRecord) => ctx.state.read<ExecutionExtras>('executions', r.PipelineExecutionId);
  /** serve reports `Stopping` until the run has ended. */
  const follow = (handle: ExecutionHandle) => {
    void handle.done.catch(() => undefined).finally(() => ctx.stopping.delete(handle.executionId));
  };
  /** The target's refusals as the service words them (a ValidationException, as serve answered before the target). */
  const refused = (error: unknown): unknown => {
    if (!isSagepipeError(error)) return error;
    return validation(error.issues.length > 0 ? `${error.message}: ${error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}` : error.message);
  };

  const start = async (input: JsonObject, p: PipelineRecord): Promise<string> => {
    const displayName = optionalString(input, 'PipelineExecutionDisplayName', /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/, 82);
    const description = optionalString(input, 'PipelineExecutionDescription', undefined, 3072);
    const parameters = optionalList(input, 'PipelineParameters') ?? [];
    const parallelism = optionalObject(input, 'ParallelismConfiguration');
    const maxGiven = parallelism ? optionalInteger(parallelism, 'MaxParallelExecutionSteps', 1, 100000) : undefined;
    const selective = optionalObject(input, 'SelectiveExecutionConfig');
    const loaded = checkDefinition(p.PipelineDefinition);
    const given = Object.fromEntries(parameters.map((x) => [requiredString(x, 'Name'), typeof x.Value === 'string' ? x.Value : '']));
    let values: ReadonlyMap<string, string | number | boolean>;
    try {
      values = resolveParameters(loaded.parameters, given);
    } catch (error) {
      if (isSagepipeError(error)) throw validation(error.issues.map((i) => i.message).join('; ') || error.message);
      throw error;
    }
    // What the local runner cannot run is refused now, as a ValidationException, not as an execution that fails
    // (the engine checks again when it starts; a selective execution is checked there, knowing its steps).
    if (!selective) {
      try {
        await prepareRun(loaded, ctx.backend, values, undefined, p.PipelineName);
      } catch (error) {
        if (!isSagepipeError(error)) throw error;
        const detail = error.issues.length > 0 ? error.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : error.message;
        throw validation(`The local runner cannot run this pipeline: ${detail}`);
      }
    }
    const max = maxGiven ?? p.ParallelismConfiguration?.MaxParallelExecutionSteps;
    const source = selective ? requiredString(selective, 'SourcePipelineExecutionArn', EXECUTION_ARN) : undefined;
    let handle: ExecutionHandle;
    try {
      // Answers once the execution is recorded, as the service does; it runs on in the background.
      handle = await target.start({
        loaded,
        pipelineName: p.PipelineName,
        definitionText: p.PipelineDefinition,
        parameters: given,
        ...(displayName !== undefined ? { displayName } : {}),
        ...(max ? { maxParallelExecutionSteps: max } : {}),
        ...(source ? { selective: { sourceExecution: source, steps: (optionalList(selective as JsonObject, 'SelectedSteps') ?? []).map((s) => String(s.StepName)) } } : {}),
      });
    } catch (error) {
      throw refused(error);
    }
    follow(handle);
    await ctx.state.write('executions', handle.executionId, {
      PipelineDefinition: p.PipelineDefinition,
      PipelineExecutionDescription: description ?? null,
      PipelineExecutionDisplayName: null,
    } satisfies ExecutionExtras);
    return handle.executionArn;
  };

  return {
    async StartPipelineExecution(input) {
      const name = pipelineNameOrArn(input);
      const token = requiredString(input, 'ClientRequestToken', undefined, 128);
      const p = await requirePipeline(ctx, name);
      const key = `${p.PipelineName}/${token}`;
      const earlier = tokens.get(key);
      if (earlier) return { PipelineExecutionArn: await earlier };
      const started = start(input, p);
      tokens.set(key, started);
      started.catch(() => tokens.delete(key));
      return { PipelineExecutionArn: await started };
    },
    async DescribePipelineExecution(input) {
      const r = await execution(input);
      const x = await extras(r);
      return wireObject({
        PipelineArn: r.PipelineArn,
        PipelineExecutionArn: r.PipelineExecutionArn,
        PipelineExecutionDisplayName: x?.PipelineExecutionDisplayName ?? r.PipelineExecutionDisplayName,
        PipelineExecutionDescription: x?.PipelineExecutionDescription,
        PipelineExecutionStatus: status(r.PipelineExecutionId, r.PipelineExecutionStatus),
        FailureReason: r.FailureReason,
        CreationTime: r.CreationTime,
        LastModifiedTime: r.LastModifiedTime,
        CreatedBy: {},
        LastModifiedBy: {},
        ParallelismConfiguration: r.ParallelismConfiguration,
        SelectiveExecutionConfig: r.SelectiveExecutionConfig,
      });
    },
    async DescribePipelineDefinitionForExecution(input) {
      const r = await execution(input);
      const x = await extras(r);
      // The definition as it was submitted; executions started outside serve have only the parsed form.
      const text = x?.PipelineDefinition ?? JSON.stringify(await target.definition(r.PipelineExecutionId));
      return wireObject({ PipelineDefinition: text, CreationTime: r.CreationTime });
    },
    async ListPipelineExecutions(input) {
      const p = await requirePipeline(ctx, pipelineNameOrArn(input));
      const after = optionalTime(input, 'CreatedAfter');
      const before = optionalTime(input, 'CreatedBefore');
      const by = optionalEnum(input, 'SortBy', ['CreationTime', 'PipelineExecutionArn'] as const) ?? 'CreationTime';
      const order = optionalEnum(input, 'SortOrder', ['Ascending', 'Descending'] as const) ?? 'Descending';
      const { executions } = await target.list({ pipelineName: p.PipelineName });
      const sorted = sortBy(
        executions.filter((r) => r.StartTime !== undefined && inWindow(r.StartTime, after, before)),
        (r) => (by === 'CreationTime' ? (r.StartTime as string) : r.PipelineExecutionArn),
        order,
      );
      const { page, NextToken } = paginate(sorted, input);
      return {
        PipelineExecutionSummaries: page.map((r) =>
          wireObject({
            PipelineExecutionArn: r.PipelineExecutionArn,
            StartTime: r.StartTime,
            PipelineExecutionStatus: status(idOf(r.PipelineExecutionArn), r.PipelineExecutionStatus),
            PipelineExecutionDisplayName: r.PipelineExecutionDisplayName,
            PipelineExecutionFailureReason: r.FailureReason,
          }),
        ),
        ...(NextToken ? { NextToken } : {}),
      };
    },
    async StopPipelineExecution(input) {
      const r = await execution(input);
      requiredString(input, 'ClientRequestToken', undefined, 128);
      if (r.PipelineExecutionStatus !== 'Executing' && r.PipelineExecutionStatus !== 'Stopping') {
        throw validation(`Pipeline execution with ARN ${r.PipelineExecutionArn} status ${r.PipelineExecutionStatus}. Only Executing executions can be stopped.`);
      }
      ctx.stopping.add(r.PipelineExecutionId);
      // This server's own runs stop at once; another process's runner is asked; a dead runner's execution is marked Stopped.
      await target.stop(r.PipelineExecutionId);
      return { PipelineExecutionArn: r.PipelineExecutionArn };
    },
    async RetryPipelineExecution(input) {
      const r = await execution(input);
      requiredString(input, 'ClientRequestToken', undefined, 128);
      if (target.runs(r.PipelineExecutionId)) throw conflict(`Pipeline execution ${r.PipelineExecutionArn} is already running (${status(r.PipelineExecutionId, r.PipelineExecutionStatus)}); it cannot be retried now.`);
      if (r.PipelineExecutionStatus !== 'Failed' && r.PipelineExecutionStatus !== 'Stopped') {
        throw validation(`Pipeline execution with ARN ${r.PipelineExecutionArn} status ${r.PipelineExecutionStatus}. Only Failed or Stopped executions can be retried.`);
      }
      try {
        follow(await target.retry(r.PipelineExecutionId));
      } catch (error) {
        throw refused(error);
      }
      return { PipelineExecutionArn: r.PipelineExecutionArn };
    },
    async UpdatePipelineExecution(input) {
      const r = await execution(input);
      const displayName = optionalString(input, 'PipelineExecutionDisplayName', /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/, 82);
      const description = optionalString(input, 'PipelineExecutionDescription', undefined, 3072);
      const x = (await extras(r)) ?? { PipelineDefinition: JSON.stringify(await target.definition(r.PipelineExecutionId)), PipelineExecutionDescription: null, PipelineExecutionDisplayName: null };
      if (displayName !== undefined) x.PipelineExecutionDisplayName = displayName;
      if (description !== undefined) x.PipelineExecutionDescription = description;
      await ctx.state.write('executions', r.PipelineExecutionId, x);
      return { PipelineExecutionArn: r.PipelineExecutionArn };
    },
    async ListPipelineExecutionSteps(input) {
      const r = await execution(input);
      const order = optionalEnum(input, 'SortOrder', ['Ascending', 'Descending'] as const) ?? 'Descending';
      const steps = sortBy(r.Steps, (s) => s.StartTime ?? '', order);
      const { page, NextToken } = paginate(steps, input);
      return {
        PipelineExecutionSteps: page.map((s) =>
          wireObject({
            StepName: s.StepName,
            StepDisplayName: s.StepDisplayName,
            StartTime: s.StartTime,
            EndTime: s.EndTime,
            StepStatus: s.StepStatus,
            FailureReason: s.FailureReason,
            AttemptCount: s.AttemptCount,
            Metadata: s.Metadata as Json,
            CacheHitResult: s.CacheHitResult as unknown as Json,
          }),
        ),
        ...(NextToken ? { NextToken } : {}),
      };
    },
    async ListPipelineParametersForExecution(input) {
      const r = await execution(input);
      const { page, NextToken } = paginate(r.PipelineParameters, input);
      return { PipelineParameters: page.map((p) => ({ Name: p.Name, Value: p.Value })), ...(NextToken ? { NextToken } : {}) };
    },
  };
}
