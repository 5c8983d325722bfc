/**
 * What the engine does for the step types that are not a single job: a Tuning step (many training jobs, see
 * tuning/), a Lambda step (the backend invokes the function; its result is typed by the declared outputs) and the
 * pieces of a Callback step (its token, its typed outputs, its time limit).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CompiledOutputParameter, CompiledStep } from '../definition/compiled.ts';
import type { Json, JsonObject } from '../definition/types.ts';
import { type JobBackend, type JobContext, JobFailure, type JobResult } from './backend.ts';
import type { StepRecord } from './records.ts';
import { TuningFailure, runTuningJob } from './tuning/run-tuning.ts';

/** A Callback step not answered within this long fails, as the service's does. */
export const CALLBACK_TIMEOUT_MS = 7 * 24 * 3600 * 1000;

/** A callback token: 10 random letters and digits, like the service's. */
export function newCallbackToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Output values as their declared types (OutputType String, Integer, Float, Boolean); a missing or ill-typed one fails. */
export function typedOutputs(
  declared: readonly CompiledOutputParameter[],
  given: readonly { readonly Name: string; readonly Value: string }[],
  who: string,
): JsonObject {
  const out: JsonObject = {};
  for (const d of declared) {
    const found = given.find((g) => g.Name === d.name);
    if (!found) throw new Error(`${who} returned no value for the declared output '${d.name}' (returned: ${given.map((g) => g.Name).join(', ') || 'none'})`);
    const text = found.Value;
    switch (d.type) {
      case 'String':
        out[d.name] = text;
        break;
      case 'Integer':
        if (!/^[-+]?\d+$/.test(text.trim())) throw new Error(`${who}: output '${d.name}' is declared Integer, got '${text}'`);
        out[d.name] = Number(text);
        break;
      case 'Float': {
        const n = Number(text);
        if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`${who}: output '${d.name}' is declared Float, got '${text}'`);
        out[d.name] = n;
        break;
      }
      case 'Boolean': {
        const t = text.trim().toLowerCase();
        if (t !== 'true' && t !== 'false') throw new Error(`${who}: output '${d.name}' is declared Boolean, got '${text}'`);
        out[d.name] = t === 'true';
        break;
      }
      default: {
        const never: never = d.type;
        return never;
      }
    }
  }
  return out;
}

const asText = (v: Json): string => (typeof v === 'string' ? v : JSON.stringify(v));

export async function invokeLambdaStep(
  def: Extract<CompiledStep, { type: 'Lambda' }>,
  args: JsonObject,
  context: JobContext,
  backend: JobBackend,
  step: StepRecord,
): Promise<JobResult> {
  const functionArn = def.functionArn;
  const result = await backend.invokeLambda({ functionArn, event: args }, context);
  const given = Object.entries(result).map(([Name, v]) => ({ Name, Value: asText(v) }));
  let outputs: JsonObject;
  try {
    outputs = typedOutputs(def.outputParameters, given, `Lambda function ${functionArn}`);
  } catch (error) {
    throw new JobFailure('ClientError', error instanceof Error ? error.message : String(error));
  }
  const declared = new Set(def.outputParameters.map((o) => o.name));
  step.Metadata = { Lambda: { Arn: functionArn, OutputParameters: given.filter((g) => declared.has(g.Name)) } };
  return { properties: { OutputParameters: outputs } };
}

export interface TuningStepInput {
  readonly args: JsonObject;
  readonly context: JobContext;
  readonly backend: JobBackend;
  readonly maxParallel: number;
  readonly arnPrefix: string;
  readonly now: () => Date;
  readonly onProgress: (properties: JsonObject) => void;
}

export async function runTuningStep(input: TuningStepInput): Promise<JobResult> {
  const ctx = input.context;
  // 32 characters at most, as CreateHyperParameterTuningJob allows; unique per execution, step and attempt.
  const tuningJobName = `${ctx.executionId.slice(0, 12)}-${createHash('sha256').update(ctx.jobName).digest('hex').slice(0, 8)}`;
  try {
    const properties = await runTuningJob({
      request: input.args,
      tuningJobName,
      arnPrefix: input.arnPrefix,
      maxParallel: input.maxParallel,
      signal: ctx.signal,
      now: input.now,
      log: (line) => ctx.log(line, 'stdout'),
      onProgress: input.onProgress,
      runTrial: (request, trial) =>
        input.backend.runTrainingJob(request, {
          ...ctx,
          jobName: trial.jobName,
          signal: trial.signal,
          log: (line, stream) => {
            ctx.log(`[${trial.jobName}] ${line}`, stream);
            trial.log(line, stream);
          },
        }),
    });
    return { properties };
  } catch (error) {
    if (error instanceof TuningFailure) {
      const kind = ctx.signal.aborted ? 'Stopped' : error.clientError ? 'ClientError' : 'AlgorithmError';
      throw new JobFailure(kind, error.message, error.properties);
    }
    throw error;
  }
}

