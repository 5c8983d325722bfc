/**
 * `TuningStep`: a CreateHyperParameterTuningJob request — training jobs of one estimator over hyperparameter ranges,
 * searched by a strategy for the best objective metric. `topModelS3Uri(k, bucket, prefix)` renders the k-th best
 * trial's model artifact exactly as the Python SDK's `get_top_model_s3_uri`.
 */
import { tuningJobShape } from '../../definition/property-shapes.ts';
import { type Expression, type IntegerValue, Join, type JoinFunction, type StringValue, isExpression } from '../expressions.ts';
import { type ArgumentTree, CachingStep, type CachingStepOptions } from './step.ts';
import type { EstimatorOptions, TrainingChannelOptions } from './training.ts';
import { ModelArchive } from '../../../containers/contract/paths.ts';

export type ScalingType = 'Auto' | 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';

export type HyperparameterRange =
  | { readonly kind: 'Continuous'; readonly min: number | Expression; readonly max: number | Expression; readonly scaling?: ScalingType }
  | { readonly kind: 'Integer'; readonly min: number | Expression; readonly max: number | Expression; readonly scaling?: ScalingType }
  | { readonly kind: 'Categorical'; readonly values: readonly (string | number | boolean)[] };

export const ContinuousParameter = (min: number | Expression, max: number | Expression, scaling: ScalingType = 'Auto'): HyperparameterRange => ({ kind: 'Continuous', min, max, scaling });
export const IntegerParameter = (min: number | Expression, max: number | Expression, scaling: ScalingType = 'Auto'): HyperparameterRange => ({ kind: 'Integer', min, max, scaling });
export const CategoricalParameter = (values: readonly (string | number | boolean)[]): HyperparameterRange => ({ kind: 'Categorical', values });

export interface TunerOptions {
  /** The estimator every trial trains; its hyperparameters are the static ones. */
  readonly estimator: EstimatorOptions;
  /** A metric of the estimator's metric definitions, or a built-in XGBoost metric (`validation:logloss`). */
  readonly objectiveMetricName: StringValue;
  /** @default 'Maximize' (as the Python SDK) */
  readonly objectiveType?: 'Maximize' | 'Minimize';
  readonly hyperparameterRanges: Readonly<Record<string, HyperparameterRange>>;
  /** @default 'Bayesian' */
  readonly strategy?: 'Bayesian' | 'Random' | 'Grid' | 'Hyperband';
  /** Hyperband's resource bounds (e.g. boosting rounds). */
  readonly hyperband?: { readonly minResource: number; readonly maxResource: number };
  /** @default 1 */
  readonly maxJobs?: IntegerValue;
  /** @default 1 */
  readonly maxParallelJobs?: IntegerValue;
  /** @default 'Off' */
  readonly earlyStoppingType?: 'Off' | 'Auto';
  readonly randomSeed?: number;
}

export interface TuningStepOptions extends CachingStepOptions {
  readonly tuner: TunerOptions;
  readonly inputs: Readonly<Record<string, TrainingChannelOptions>>;
}

const text = (v: number | string | boolean | Expression): ArgumentTree => (isExpression(v) ? (v.valueType === 'String' ? v : Join('', [v])) : String(v));

export class TuningStep extends CachingStep<typeof tuningJobShape> {
  readonly type = 'Tuning' as const;
  readonly options: TuningStepOptions;
  constructor(options: TuningStepOptions) {
    super(options, tuningJobShape);
    this.options = options;
  }

  /** The model artifact of the trial ranked `topK` (0: the best), as `get_top_model_s3_uri` renders it. */
  topModelS3Uri(topK: number, s3Bucket: string, prefix = ''): JoinFunction {
    return Join('/', ['s3:/', s3Bucket, ...(prefix ? [prefix] : []), this.properties.TrainingJobSummaries[topK]!.TrainingJobName, ModelArchive.artifactSuffix]);
  }

  arguments(): ArgumentTree {
    const t = this.options.tuner;
    const e = t.estimator;
    const ranges = Object.entries(t.hyperparameterRanges);
    const tuned = new Set(ranges.map(([name]) => name));
    const rangesOf = (kind: HyperparameterRange['kind']) =>
      ranges
        .filter(([, r]) => r.kind === kind)
        .map(([name, r]) =>
          r.kind === 'Categorical'
            ? { Name: name, Values: r.values.map((v) => String(v)) }
            : { Name: name, MinValue: text(r.min), MaxValue: text(r.max), ScalingType: r.scaling ?? 'Auto' },
        );
    const staticHp = Object.fromEntries(Object.entries(e.hyperparameters ?? {}).filter(([k]) => !tuned.has(k)).map(([k, v]) => [k, text(v)]));
    return {
      HyperParameterTuningJobConfig: {
        Strategy: t.strategy ?? 'Bayesian',
        ResourceLimits: { MaxNumberOfTrainingJobs: t.maxJobs ?? 1, MaxParallelTrainingJobs: t.maxParallelJobs ?? 1 },
        TrainingJobEarlyStoppingType: t.earlyStoppingType ?? 'Off',
        RandomSeed: t.randomSeed,
        HyperParameterTuningJobObjective: { Type: t.objectiveType ?? 'Maximize', MetricName: t.objectiveMetricName },
        ParameterRanges: {
          ContinuousParameterRanges: rangesOf('Continuous'),
          CategoricalParameterRanges: rangesOf('Categorical'),
          IntegerParameterRanges: rangesOf('Integer'),
        },
        StrategyConfig: t.hyperband ? { HyperbandStrategyConfig: { MinResource: t.hyperband.minResource, MaxResource: t.hyperband.maxResource } } : undefined,
      },
      TrainingJobDefinition: {
        StaticHyperParameters: staticHp,
        RoleArn: e.roleArn,
        OutputDataConfig: { S3OutputPath: e.outputPath },
        StoppingCondition: { MaxRuntimeInSeconds: e.maxRuntimeInSeconds ?? 86400 },
        ResourceConfig: { InstanceCount: e.instanceCount ?? 1, InstanceType: e.instanceType, VolumeSizeInGB: e.volumeSizeInGB ?? 30 },
        AlgorithmSpecification: {
          TrainingInputMode: e.inputMode ?? 'File',
          MetricDefinitions: e.metricDefinitions?.map((m) => ({ Name: m.name, Regex: m.regex })),
          TrainingImage: e.imageUri,
        },
        InputDataConfig: Object.entries(this.options.inputs).map(([channel, c]) => ({
          DataSource: { S3DataSource: { S3DataType: c.s3DataType ?? 'S3Prefix', S3Uri: c.s3Uri, S3DataDistributionType: c.distribution ?? 'FullyReplicated' } },
          ContentType: c.contentType,
          InputMode: c.inputMode,
          ChannelName: channel,
        })),
        Environment: e.environment,
      },
    };
  }
}
