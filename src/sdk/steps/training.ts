/** `TrainingStep`: a CreateTrainingJob request built from an estimator and its input channels. */
import { trainingJobShape } from '../../definition/property-shapes.ts';
import { type Expression, type IntegerValue, Join, type StringValue, isExpression } from '../expressions.ts';
import { type ArgumentTree, CachingStep, type CachingStepOptions } from './step.ts';

export interface MetricDefinition {
  readonly name: string;
  /** A regular expression over the job's log whose first group is the metric's value. */
  readonly regex: string;
}

export interface EstimatorOptions {
  readonly imageUri: StringValue;
  readonly instanceType: StringValue;
  /** @default 1 */
  readonly instanceCount?: IntegerValue;
  /** @default 30 */
  readonly volumeSizeInGB?: IntegerValue;
  /** @default 86400 */
  readonly maxRuntimeInSeconds?: IntegerValue;
  /** Rendered as strings, as CreateTrainingJob requires. */
  readonly hyperparameters?: Readonly<Record<string, string | number | boolean | Expression>>;
  /** Where `<job name>/output/model.tar.gz` is written. */
  readonly outputPath: StringValue;
  readonly metricDefinitions?: readonly MetricDefinition[];
  readonly roleArn: StringValue;
  /** @default 'File' */
  readonly inputMode?: 'File' | 'Pipe' | 'FastFile';
  readonly environment?: Readonly<Record<string, StringValue>>;
}

export interface TrainingChannelOptions {
  readonly s3Uri: StringValue;
  readonly contentType?: string;
  /** @default 'FullyReplicated' */
  readonly distribution?: 'FullyReplicated' | 'ShardedByS3Key';
  readonly inputMode?: 'File' | 'Pipe' | 'FastFile';
  /** @default 'S3Prefix' */
  readonly s3DataType?: 'S3Prefix' | 'ManifestFile';
}

export interface TrainingStepOptions extends CachingStepOptions {
  readonly estimator: EstimatorOptions;
  /** Channels by name (`train`, `validation` …). */
  readonly inputs: Readonly<Record<string, TrainingChannelOptions>>;
}

export class TrainingStep extends CachingStep<typeof trainingJobShape> {
  readonly type = 'Training' as const;
  readonly options: TrainingStepOptions;
  constructor(options: TrainingStepOptions) {
    super(options, trainingJobShape);
    this.options = options;
  }

  arguments(): ArgumentTree {
    const e = this.options.estimator;
    const hyperparameters = Object.fromEntries(
      Object.entries(e.hyperparameters ?? {}).map(([k, v]) => [k, renderHyperparameter(v)]),
    );
    return {
      AlgorithmSpecification: {
        TrainingImage: e.imageUri,
        TrainingInputMode: e.inputMode ?? 'File',
        MetricDefinitions: e.metricDefinitions?.map((m) => ({ Name: m.name, Regex: m.regex })),
      },
      OutputDataConfig: { S3OutputPath: e.outputPath },
      StoppingCondition: { MaxRuntimeInSeconds: e.maxRuntimeInSeconds ?? 86400 },
      ResourceConfig: {
        VolumeSizeInGB: e.volumeSizeInGB ?? 30,
        InstanceCount: e.instanceCount ?? 1,
        InstanceType: e.instanceType,
      },
      RoleArn: e.roleArn,
      InputDataConfig: Object.entries(this.options.inputs).map(([channel, c]) => ({
        DataSource: {
          S3DataSource: {
            S3DataType: c.s3DataType ?? 'S3Prefix',
            S3Uri: c.s3Uri,
            S3DataDistributionType: c.distribution ?? 'FullyReplicated',
          },
        },
        ContentType: c.contentType,
        InputMode: c.inputMode,
        ChannelName: channel,
      })),
      HyperParameters: Object.keys(hyperparameters).length > 0 ? hyperparameters : undefined,
      Environment: e.environment,
    };
  }
}

/** Strings stay; numbers and booleans become strings; a non-string variable is wrapped in a Join, as the Python SDK does. */
function renderHyperparameter(value: string | number | boolean | Expression): ArgumentTree {
  if (isExpression(value)) return value.valueType === 'String' ? value : Join('', [value]);
  return String(value);
}
