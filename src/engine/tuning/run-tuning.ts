/**
 * A hyperparameter tuning job (CreateHyperParameterTuningJob) run by the engine: trials are training jobs started
 * through the backend, up to MaxParallelTrainingJobs (and the engine's parallelism) at once, each given the
 * strategy's hyperparameters on top of the static ones; the objective is read from each trial's log with the
 * metric's regex; early stopping stops trials from their intermediate values. The result is shaped like
 * DescribeHyperParameterTuningJob, with `TrainingJobSummaries` best first (the service's pipeline property, which
 * `get_top_model_s3_uri` indexes).
 */
import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../../definition/types.ts';
import { isJobFailure, type JobResult } from '../backend.ts';
import { type EarlyStoppingRule, EarlyStopper } from './early-stopping.ts';
import { objectiveReader } from './objective.ts';
import { seedOf, seededRandom } from './random.ts';
import { gridPoints, parseRanges } from './ranges.ts';
import { type Observation, type Point, type Strategy, createStrategy } from './strategies.ts';

export interface TrialContext {
  readonly jobName: string;
  readonly signal: AbortSignal;
  readonly log: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface TuningInput {
  readonly request: JsonObject;
  readonly tuningJobName: string;
  readonly arnPrefix: string;
  /** The engine's limit on jobs at once. */
  readonly maxParallel: number;
  readonly runTrial: (request: JsonObject, trial: TrialContext) => Promise<JobResult>;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly now: () => Date;
  /** Called as trials start and end, with the tuning job's properties so far. */
  readonly onProgress: (properties: JsonObject) => void;
}

/** A tuning job that could not run or produced no successful trial; `properties` is what it got to. */
export class TuningFailure extends Error {
  constructor(
    message: string,
    readonly properties: JsonObject,
    readonly clientError: boolean,
  ) {
    super(message);
  }
}

const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});

interface Trial {
  readonly name: string;
  readonly point: Point;
  status: 'InProgress' | 'Completed' | 'Failed' | 'Stopped';
  value: number | undefined;
  failureReason?: string;
  properties?: JsonObject;
  start: string;
  end?: string;
  earlyStopped: boolean;
}

export async function runTuningJob(input: TuningInput): Promise<JsonObject> {
  const config = obj(input.request.HyperParameterTuningJobConfig);
  const definition = obj(input.request.TrainingJobDefinition);
  const objective = obj(config.HyperParameterTuningJobObjective);
  const limits = obj(config.ResourceLimits);
  const strategyName = (typeof config.Strategy === 'string' ? config.Strategy : 'Bayesian') as Strategy;
  const maximize = objective.Type === 'Maximize';
  const created = input.now().toISOString();
  const trials: Trial[] = [];

  const describe = (status: string, failureReason?: string): JsonObject => {
    const finished = trials.filter((t) => t.value !== undefined && t.status !== 'Failed');
    const ranked = [...finished].sort((a, b) => signed(a) - signed(b));
    const summaries = [...ranked, ...trials.filter((t) => !ranked.includes(t))].map(summary);
    const best = ranked[0];
    return {
      HyperParameterTuningJobName: input.tuningJobName,
      HyperParameterTuningJobArn: `${input.arnPrefix}:hyper-parameter-tuning-job/${input.tuningJobName.toLowerCase()}`,
      HyperParameterTuningJobConfig: config,
      TrainingJobDefinition: definition,
      HyperParameterTuningJobStatus: status,
      CreationTime: created,
      LastModifiedTime: input.now().toISOString(),
      ...(status === 'InProgress' ? {} : { HyperParameterTuningEndTime: input.now().toISOString() }),
      TrainingJobStatusCounters: {
        Completed: trials.filter((t) => t.status === 'Completed').length,
        InProgress: trials.filter((t) => t.status === 'InProgress').length,
        RetryableError: 0,
        NonRetryableError: trials.filter((t) => t.status === 'Failed').length,
        Stopped: trials.filter((t) => t.status === 'Stopped').length,
      },
      ObjectiveStatusCounters: {
        Succeeded: finished.length,
        Pending: trials.filter((t) => t.status === 'InProgress').length,
        Failed: trials.filter((t) => t.status !== 'InProgress' && t.value === undefined).length,
      },
      ...(best ? { BestTrainingJob: summary(best) } : {}),
      TrainingJobSummaries: summaries,
      ...(failureReason ? { FailureReason: failureReason } : {}),
      // Each trial's DescribeTrainingJob, for `serve` and `executions describe` (not a service field).
      'sagepipe:TrainingJobs': trials.flatMap((t) => (t.properties ? [t.properties] : [])),
    };
  };
  const signed = (t: Trial) => (maximize ? -(t.value as number) : (t.value as number));
  const summary = (t: Trial): JsonObject => ({
    TrainingJobName: t.name,
    TrainingJobArn: `${input.arnPrefix}:training-job/${t.name.toLowerCase()}`,
    TuningJobName: input.tuningJobName,
    CreationTime: t.start,
    TrainingStartTime: t.start,
    ...(t.end ? { TrainingEndTime: t.end } : {}),
    TrainingJobStatus: t.status,
    TunedHyperParameters: { ...t.point },
    ...(t.failureReason ? { FailureReason: t.failureReason } : {}),
    ...(t.value === undefined ? {} : { FinalHyperParameterTuningJobObjectiveMetric: { Type: objective.Type ?? 'Minimize', MetricName: objective.MetricName ?? '', Value: t.value } }),
    ObjectiveStatus: t.status === 'InProgress' ? 'Pending' : t.value === undefined ? 'Failed' : 'Succeeded',
  });

  // Everything that only needs the request is checked before the first trial.
  let reader;
  let strategy;
  let maxJobs: number;
  let rule: EarlyStoppingRule;
  try {
    if (Object.keys(definition).length === 0) throw new Error('TrainingJobDefinition is required (TrainingJobDefinitions with several definitions is not supported locally)');
    if (input.request.WarmStartConfig !== undefined) throw new Error('WarmStartConfig is not supported locally (parent tuning jobs live in SageMaker)');
    const algorithm = obj(definition.AlgorithmSpecification);
    const metricDefinitions = Array.isArray(algorithm.MetricDefinitions) ? algorithm.MetricDefinitions.map(obj) : [];
    reader = objectiveReader(String(objective.MetricName ?? ''), metricDefinitions);
    const ranges = parseRanges(config.ParameterRanges ?? definition.HyperParameterRanges);
    const seed = typeof config.RandomSeed === 'number' ? config.RandomSeed : seedOf(input.tuningJobName);
    strategy = createStrategy(strategyName, ranges, seededRandom(seed));
    const gridSize = strategyName === 'Grid' ? gridPoints(ranges).length : undefined;
    maxJobs = typeof limits.MaxNumberOfTrainingJobs === 'number' ? limits.MaxNumberOfTrainingJobs : (gridSize ?? 0);
    if (!(maxJobs >= 1)) throw new Error('ResourceLimits.MaxNumberOfTrainingJobs must be at least 1');
    const hb = obj(obj(config.StrategyConfig).HyperbandStrategyConfig);
    rule =
      strategyName === 'Hyperband'
        ? { kind: 'hyperband', minResource: typeof hb.MinResource === 'number' ? hb.MinResource : 1, maxResource: typeof hb.MaxResource === 'number' ? hb.MaxResource : Number.POSITIVE_INFINITY }
        : config.TrainingJobEarlyStoppingType === 'Auto'
          ? { kind: 'median' }
          : { kind: 'off' };
  } catch (error) {
    throw new TuningFailure(`ClientError: ${error instanceof Error ? error.message : String(error)}`, describe('Failed'), true);
  }
  const parallel = Math.max(1, Math.min(typeof limits.MaxParallelTrainingJobs === 'number' ? limits.MaxParallelTrainingJobs : 1, input.maxParallel));
  const stopper = new EarlyStopper(rule);
  const algorithm = obj(definition.AlgorithmSpecification);
  const staticHp = obj(definition.StaticHyperParameters);
  const { StaticHyperParameters: _s, HyperParameterRanges: _r, TuningObjective: _o, DefinitionName: _d, ...base } = definition;

  const runOne = async (trial: Trial): Promise<void> => {
    const abort = new AbortController();
    const onParentAbort = () => abort.abort();
    input.signal.addEventListener('abort', onParentAbort, { once: true });
    const request: JsonObject = {
      ...base,
      AlgorithmSpecification: {
        ...algorithm,
        ...(reader.added ? { MetricDefinitions: [...(Array.isArray(algorithm.MetricDefinitions) ? algorithm.MetricDefinitions : []), reader.added] } : {}),
      },
      HyperParameters: { ...staticHp, ...trial.point },
    };
    let last: number | undefined;
    input.log(`trial ${trial.name}: ${Object.entries(trial.point).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    try {
      const result = await input.runTrial(request, {
        jobName: trial.name,
        signal: abort.signal,
        log: (line) => {
          const v = reader.read(line);
          if (v === undefined || abort.signal.aborted) return;
          last = v;
          if (stopper.report(trial.name, maximize ? -v : v)) {
            trial.earlyStopped = true;
            input.log(`trial ${trial.name}: stopped early (${reader.metricName} ${v})`);
            abort.abort();
          }
        },
      });
      trial.properties = result.properties;
      const final = (Array.isArray(result.properties.FinalMetricDataList) ? result.properties.FinalMetricDataList.map(obj) : []).find((m) => m.MetricName === reader.metricName);
      trial.value = typeof final?.Value === 'number' ? final.Value : last;
      trial.status = 'Completed';
      if (trial.value === undefined) trial.failureReason = `the job's log has no line matching the objective metric '${reader.metricName}'`;
    } catch (error) {
      if (trial.earlyStopped && !input.signal.aborted) {
        trial.status = 'Stopped';
        trial.value = last;
      } else {
        trial.status = input.signal.aborted ? 'Stopped' : 'Failed';
        trial.failureReason = error instanceof Error ? error.message : String(error);
        if (isJobFailure(error) && error.properties) trial.properties = error.properties;
      }
    } finally {
      input.signal.removeEventListener('abort', onParentAbort);
      trial.end = input.now().toISOString();
    }
    input.log(`trial ${trial.name}: ${trial.status}${trial.value === undefined ? '' : ` ${reader.metricName}=${trial.value}`}${trial.failureReason ? ` (${trial.failureReason})` : ''}`);
    input.onProgress(describe('InProgress'));
  };

  // TuningJobCompletionCriteria.TargetObjectiveMetricValue: no new trials once a trial reaches it.
  const target = obj(config.TuningJobCompletionCriteria).TargetObjectiveMetricValue;
  const reached = () =>
    typeof target === 'number' && trials.some((t) => t.value !== undefined && t.status !== 'Failed' && (maximize ? t.value >= target : t.value <= target));
  const running = new Set<Promise<void>>();
  let exhausted = false;
  while (!input.signal.aborted) {
    while (!exhausted && !reached() && running.size < parallel && trials.length < maxJobs) {
      const observations: Observation[] = trials.map((t) => ({ point: t.point, value: t.value === undefined ? undefined : maximize ? -t.value : t.value }));
      const point = strategy.next(observations);
      if (!point) {
        exhausted = true;
        break;
      }
      const n = trials.length + 1;
      const hash = createHash('sha256').update(`${input.tuningJobName}/${n}`).digest('hex').slice(0, 8);
      const trial: Trial = { name: `${input.tuningJobName}-${String(n).padStart(3, '0')}-${hash}`, point, status: 'InProgress', value: undefined, start: input.now().toISOString(), earlyStopped: false };
      trials.push(trial);
      const p: Promise<void> = runOne(trial).finally(() => running.delete(p));
      running.add(p);
      input.onProgress(describe('InProgress'));
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  await Promise.all(running);
  if (input.signal.aborted) throw new TuningFailure('the tuning job was stopped', describe('Stopped'), false);
  if (!trials.some((t) => t.value !== undefined && t.status !== 'Failed')) {
    const reasons = [...new Set(trials.map((t) => t.failureReason).filter(Boolean))].slice(0, 2).join('; ');
    const reason = `No training job succeeded: all ${trials.length} trials failed${reasons ? ` (${reasons})` : ''}`;
    throw new TuningFailure(reason, describe('Failed', reason), false);
  }
  return describe('Completed');
}
