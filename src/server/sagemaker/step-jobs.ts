/**
 * The `serve` operations for what Transform, Tuning and Callback steps create: DescribeTransformJob,
 * ListTransformJobs, DescribeHyperParameterTuningJob, ListHyperParameterTuningJobs,
 * ListTrainingJobsForHyperParameterTuningJob, DescribeTrainingJob of a tuning trial, and
 * SendPipelineExecutionStepSuccess / SendPipelineExecutionStepFailure (which complete a waiting Callback step of an
 * execution run by `serve` or by any other process on the workspace).
 */
import type { Json, JsonObject } from '../../definition/types.ts';
import type { CallbackAnswer } from '../../engine/target.ts';
import { isSagepipeError } from '../../errors.ts';
import { ApiError, notFound, validation } from '../http/api-error.ts';
import { type SageMakerContext, executionsWithSteps } from './context.ts';
import { type Operation, type Operations, toWire } from './wire.ts';

const required = (input: JsonObject, field: string): string => {
  const v = input[field];
  if (typeof v === 'string' && v.length > 0) return v;
  throw validation(`1 validation error detected: Value at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`);
};

/** `base`: the operations this extends (DescribeTrainingJob falls back to tuning trials). */
export function stepJobOperations(ctx: SageMakerContext, base: Operations): Operations {
  /** Properties of every step of a type, newest execution first. */
  const stepProperties = async (type: string): Promise<JsonObject[]> => {
    const executions = await executionsWithSteps(ctx);
    return executions.flatMap((e) => e.Steps.filter((s) => s.StepType === type && s.Properties).map((s) => s.Properties as JsonObject));
  };
  const named = (list: JsonObject[], field: string, name: string) => list.find((p) => String(p[field] ?? '').toLowerCase() === name.toLowerCase());
  const times = (p: JsonObject) => toWire({ CreationTime: p.CreationTime, LastModifiedTime: p.LastModifiedTime, EndTime: p.TransformEndTime ?? p.HyperParameterTuningEndTime }) as JsonObject;
  const callback = async (token: string, answer: CallbackAnswer): Promise<JsonObject> => {
    try {
      const found = await ctx.target.sendCallback(token, answer);
      return { PipelineExecutionArn: String(found.executionArn) };
    } catch (error) {
      if (isSagepipeError(error) && error.code === 'RESOURCE_NOT_FOUND') throw notFound(error.message);
      if (isSagepipeError(error)) throw validation(error.message);
      throw error;
    }
  };

  return {
    async DescribeTransformJob(input) {
      const name = required(input, 'TransformJobName');
      const found = named(await stepProperties('Transform'), 'TransformJobName', name);
      if (!found) throw validation(`Could not find job to update with name ${name}`);
      return { ...(toWire(found) as JsonObject), ...timesOfTransform(found) };
    },
    async ListTransformJobs() {
      const list = await stepProperties('Transform');
      return {
        TransformJobSummaries: list.map((p) => ({
          TransformJobName: p.TransformJobName ?? null,
          TransformJobArn: p.TransformJobArn ?? null,
          TransformJobStatus: p.TransformJobStatus ?? null,
          ...times(p),
          ...(p.FailureReason ? { FailureReason: p.FailureReason } : {}),
        })) as Json[],
      };
    },
    async DescribeHyperParameterTuningJob(input) {
      const name = required(input, 'HyperParameterTuningJobName');
      const found = named(await stepProperties('Tuning'), 'HyperParameterTuningJobName', name);
      if (!found) throw notFound(`Amazon SageMaker can't find a tuning job with name ${name}`);
      return wireTuning(found);
    },
    async ListHyperParameterTuningJobs() {
      const list = await stepProperties('Tuning');
      return {
        HyperParameterTuningJobSummaries: list.map((p) => {
          const config = (p.HyperParameterTuningJobConfig ?? {}) as JsonObject;
          return {
            HyperParameterTuningJobName: p.HyperParameterTuningJobName ?? null,
            HyperParameterTuningJobArn: p.HyperParameterTuningJobArn ?? null,
            HyperParameterTuningJobStatus: p.HyperParameterTuningJobStatus ?? null,
            Strategy: config.Strategy ?? null,
            TrainingJobStatusCounters: p.TrainingJobStatusCounters ?? null,
            ObjectiveStatusCounters: p.ObjectiveStatusCounters ?? null,
            ResourceLimits: (config.ResourceLimits as Json) ?? null,
            ...times(p),
          };
        }) as Json[],
      };
    },
    async ListTrainingJobsForHyperParameterTuningJob(input) {
      const name = required(input, 'HyperParameterTuningJobName');
      const found = named(await stepProperties('Tuning'), 'HyperParameterTuningJobName', name);
      if (!found) throw notFound(`Amazon SageMaker can't find a tuning job with name ${name}`);
      return { TrainingJobSummaries: toWire(found.TrainingJobSummaries) };
    },
    async DescribeTrainingJob(input) {
      try {
        return await (base.DescribeTrainingJob as Operation)(input);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const name = required(input, 'TrainingJobName');
        for (const tuning of await stepProperties('Tuning')) {
          const trials = Array.isArray(tuning['sagepipe:TrainingJobs']) ? (tuning['sagepipe:TrainingJobs'] as JsonObject[]) : [];
          const trial = named(trials, 'TrainingJobName', name);
          if (trial) return toWire({ ...trial, TuningJobArn: tuning.HyperParameterTuningJobArn }) as JsonObject;
        }
        throw error;
      }
    },
    async SendPipelineExecutionStepSuccess(input) {
      const outputs = Array.isArray(input.OutputParameters) ? (input.OutputParameters as JsonObject[]) : [];
      return callback(required(input, 'CallbackToken'), { success: true, outputs: outputs.map((o) => ({ Name: String(o.Name), Value: String(o.Value) })) });
    },
    async SendPipelineExecutionStepFailure(input) {
      return callback(required(input, 'CallbackToken'), { success: false, reason: typeof input.FailureReason === 'string' ? input.FailureReason : '' });
    },
  };
}

function timesOfTransform(p: JsonObject): JsonObject {
  const epoch = (v: Json | undefined) => (typeof v === 'string' ? Date.parse(v) / 1000 : null);
  return { TransformStartTime: epoch(p.TransformStartTime), TransformEndTime: epoch(p.TransformEndTime) };
}

function wireTuning(p: JsonObject): JsonObject {
  const epoch = (v: Json | undefined) => (typeof v === 'string' ? Date.parse(v) / 1000 : null);
  const { TrainingJobSummaries: _summaries, ...rest } = p;
  return { ...(toWire(rest) as JsonObject), HyperParameterTuningEndTime: epoch(p.HyperParameterTuningEndTime) };
}
