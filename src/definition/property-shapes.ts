/**
 * The shapes of step properties: what `Steps.<name>.<path>` may refer to for each step type, after the Describe*
 * response of what the step ran (DescribeProcessingJob, DescribeTrainingJob, DescribeModel, DescribeModelPackage).
 *
 * One source of truth for the SDK (typed property references are derived from these shapes at the type level) and
 * for the loader (paths in hand-written definitions are checked against them).
 */
import type { StepType } from './types.ts';

export type ScalarType = 'String' | 'Integer' | 'Float' | 'Boolean';

export interface ScalarShape<T extends ScalarType = ScalarType> {
  readonly kind: 'scalar';
  readonly type: T;
}
export interface ObjectShape<F extends Record<string, Shape> = Record<string, Shape>> {
  readonly kind: 'object';
  readonly fields: F;
}
/** A list selectable by index (`[0]`) or, when `key` is set, by that field's value (`['train']`). */
export interface ListShape<I extends Shape = Shape> {
  readonly kind: 'list';
  readonly item: I;
  readonly key: string | undefined;
}
/** A string-keyed map (`HyperParameters['eta']`). */
export interface MapShape<I extends Shape = Shape> {
  readonly kind: 'map';
  readonly item: I;
}
export type Shape = ScalarShape | ObjectShape | ListShape | MapShape;

const scalar = <T extends ScalarType>(type: T): ScalarShape<T> => ({ kind: 'scalar', type });
const obj = <F extends Record<string, Shape>>(fields: F): ObjectShape<F> => ({ kind: 'object', fields });
const list = <I extends Shape>(item: I, key?: string): ListShape<I> => ({ kind: 'list', item, key });
const map = <I extends Shape>(item: I): MapShape<I> => ({ kind: 'map', item });
const str = scalar('String');
const int = scalar('Integer');
const float = scalar('Float');
const bool = scalar('Boolean');

const s3Input = obj({
  S3Uri: str,
  LocalPath: str,
  S3DataType: str,
  S3InputMode: str,
  S3DataDistributionType: str,
  S3CompressionType: str,
});
const resourceConfig = obj({ InstanceType: str, InstanceCount: int, VolumeSizeInGB: int, VolumeKmsKeyId: str });
const stoppingCondition = obj({ MaxRuntimeInSeconds: int });

export const processingJobShape = obj({
  ProcessingJobName: str,
  ProcessingJobArn: str,
  ProcessingJobStatus: str,
  ExitMessage: str,
  FailureReason: str,
  RoleArn: str,
  CreationTime: str,
  ProcessingStartTime: str,
  ProcessingEndTime: str,
  LastModifiedTime: str,
  Environment: map(str),
  AppSpecification: obj({ ImageUri: str, ContainerEntrypoint: list(str), ContainerArguments: list(str) }),
  ProcessingInputs: list(obj({ InputName: str, AppManaged: bool, S3Input: s3Input }), 'InputName'),
  ProcessingOutputConfig: obj({
    KmsKeyId: str,
    Outputs: list(
      obj({ OutputName: str, AppManaged: bool, S3Output: obj({ S3Uri: str, LocalPath: str, S3UploadMode: str }) }),
      'OutputName',
    ),
  }),
  ProcessingResources: obj({ ClusterConfig: resourceConfig }),
  StoppingCondition: stoppingCondition,
  NetworkConfig: obj({ EnableNetworkIsolation: bool, EnableInterContainerTrafficEncryption: bool }),
});

export const trainingJobShape = obj({
  TrainingJobName: str,
  TrainingJobArn: str,
  TrainingJobStatus: str,
  SecondaryStatus: str,
  FailureReason: str,
  RoleArn: str,
  CreationTime: str,
  TrainingStartTime: str,
  TrainingEndTime: str,
  LastModifiedTime: str,
  TrainingTimeInSeconds: int,
  BillableTimeInSeconds: int,
  ModelArtifacts: obj({ S3ModelArtifacts: str }),
  HyperParameters: map(str),
  AlgorithmSpecification: obj({
    TrainingImage: str,
    TrainingInputMode: str,
    MetricDefinitions: list(obj({ Name: str, Regex: str }), 'Name'),
  }),
  InputDataConfig: list(
    obj({
      ChannelName: str,
      ContentType: str,
      CompressionType: str,
      InputMode: str,
      DataSource: obj({ S3DataSource: obj({ S3Uri: str, S3DataType: str, S3DataDistributionType: str }) }),
    }),
    'ChannelName',
  ),
  OutputDataConfig: obj({ S3OutputPath: str, KmsKeyId: str }),
  ResourceConfig: resourceConfig,
  StoppingCondition: stoppingCondition,
  FinalMetricDataList: list(obj({ MetricName: str, Value: float, Timestamp: str }), 'MetricName'),
});

const containerShape = obj({ Image: str, ModelDataUrl: str, Environment: map(str), ContainerHostname: str });

export const modelShape = obj({
  ModelName: str,
  ModelArn: str,
  ExecutionRoleArn: str,
  CreationTime: str,
  EnableNetworkIsolation: bool,
  PrimaryContainer: containerShape,
  Containers: list(containerShape),
});

const metricsSource = obj({ ContentType: str, S3Uri: str, ContentDigest: str });

export const modelPackageShape = obj({
  ModelPackageName: str,
  ModelPackageGroupName: str,
  ModelPackageVersion: int,
  ModelPackageArn: str,
  ModelPackageDescription: str,
  ModelPackageStatus: str,
  ModelApprovalStatus: str,
  CreationTime: str,
  LastModifiedTime: str,
  InferenceSpecification: obj({
    Containers: list(containerShape),
    SupportedContentTypes: list(str),
    SupportedResponseMIMETypes: list(str),
    SupportedRealtimeInferenceInstanceTypes: list(str),
    SupportedTransformInstanceTypes: list(str),
  }),
  ModelMetrics: obj({
    ModelQuality: obj({ Statistics: metricsSource, Constraints: metricsSource }),
    ModelDataQuality: obj({ Statistics: metricsSource, Constraints: metricsSource }),
  }),
});

export const transformJobShape = obj({
  TransformJobName: str,
  TransformJobArn: str,
  TransformJobStatus: str,
  FailureReason: str,
  ModelName: str,
  MaxConcurrentTransforms: int,
  MaxPayloadInMB: int,
  BatchStrategy: str,
  Environment: map(str),
  TransformInput: obj({
    DataSource: obj({ S3DataSource: obj({ S3DataType: str, S3Uri: str }) }),
    ContentType: str,
    CompressionType: str,
    SplitType: str,
  }),
  TransformOutput: obj({ S3OutputPath: str, Accept: str, AssembleWith: str, KmsKeyId: str }),
  TransformResources: obj({ InstanceType: str, InstanceCount: int, VolumeKmsKeyId: str }),
  DataProcessing: obj({ InputFilter: str, OutputFilter: str, JoinSource: str }),
  CreationTime: str,
  TransformStartTime: str,
  TransformEndTime: str,
});

const objectiveMetric = obj({ Type: str, MetricName: str, Value: float });
const trainingJobSummary = obj({
  TrainingJobDefinitionName: str,
  TrainingJobName: str,
  TrainingJobArn: str,
  TuningJobName: str,
  CreationTime: str,
  TrainingStartTime: str,
  TrainingEndTime: str,
  TrainingJobStatus: str,
  TunedHyperParameters: map(str),
  FailureReason: str,
  FinalHyperParameterTuningJobObjectiveMetric: objectiveMetric,
  ObjectiveStatus: str,
});

export const tuningJobShape = obj({
  HyperParameterTuningJobName: str,
  HyperParameterTuningJobArn: str,
  HyperParameterTuningJobStatus: str,
  FailureReason: str,
  CreationTime: str,
  HyperParameterTuningEndTime: str,
  LastModifiedTime: str,
  HyperParameterTuningJobConfig: obj({
    Strategy: str,
    HyperParameterTuningJobObjective: obj({ Type: str, MetricName: str }),
    ResourceLimits: obj({ MaxNumberOfTrainingJobs: int, MaxParallelTrainingJobs: int }),
    TrainingJobEarlyStoppingType: str,
  }),
  TrainingJobStatusCounters: obj({ Completed: int, InProgress: int, RetryableError: int, NonRetryableError: int, Stopped: int }),
  ObjectiveStatusCounters: obj({ Succeeded: int, Pending: int, Failed: int }),
  BestTrainingJob: trainingJobSummary,
  /** sagepipe, like the service's pipeline property: the trials, best first (what `get_top_model_s3_uri` indexes). */
  TrainingJobSummaries: list(trainingJobSummary),
});

/** Lambda and Callback steps: `OutputParameters['name']`, typed by the step's declared `OutputParameters`. */
export const outputParametersShape = obj({ OutputParameters: map(str) });

export const conditionShape = obj({ Outcome: str });
export const failShape = obj({ ErrorMessage: str });

export const PROPERTY_SHAPES: Readonly<Record<StepType, ObjectShape>> = {
  Processing: processingJobShape,
  Training: trainingJobShape,
  Model: modelShape,
  RegisterModel: modelPackageShape,
  Condition: conditionShape,
  Fail: failShape,
  Transform: transformJobShape,
  Tuning: tuningJobShape,
  Lambda: outputParametersShape,
  Callback: outputParametersShape,
};

/** One segment of a property path: a field, a key (`['train']`) or an index (`[0]`). */
export type PathSegment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number };

/** Parses `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri` into segments; undefined when malformed. */
export function parsePropertyPath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  const re = /\.?([A-Za-z_][A-Za-z0-9_:-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    const m = re.exec(path);
    if (!m || (at === 0 && path.startsWith('.'))) return undefined;
    if (m[1] !== undefined) {
      if (at > 0 && !m[0].startsWith('.')) return undefined;
      segments.push({ kind: 'field', name: m[1] });
    } else if (m[2] !== undefined) segments.push({ kind: 'index', index: Number(m[2]) });
    else segments.push({ kind: 'key', key: (m[3] ?? m[4]) as string });
    at = re.lastIndex;
  }
  // An exact-size copy: the loader keeps every reference's segments.
  return segments.slice();
}

export function renderPropertyPath(segments: readonly PathSegment[]): string {
  return segments
    .map((s, i) => {
      switch (s.kind) {
        case 'field':
          return i === 0 ? s.name : `.${s.name}`;
        case 'key':
          return `['${s.key}']`;
        case 'index':
          return `[${s.index}]`;
        default:
          return assertNever(s);
      }
    })
    .join('');
}

/**
 * Follows a path through a shape. Returns the shape reached, or a message saying which segment does not exist.
 */
/** Where a path went wrong; rendered only for an error (the loader resolves every reference of a large definition). */
const whereOf = (seen: readonly PathSegment[]) => (seen.length === 0 ? 'the step' : renderPropertyPath(seen));

export function resolveShape(root: Shape, segments: readonly PathSegment[]): { shape: Shape } | { error: string } {
  let shape: Shape = root;
  const seen: PathSegment[] = [];
  for (const segment of segments) {
    switch (segment.kind) {
      case 'field': {
        if (shape.kind !== 'object') return { error: `${whereOf(seen)} has no field '${segment.name}'` };
        const next: Shape | undefined = shape.fields[segment.name];
        if (!next) {
          const known = Object.keys(shape.fields).join(', ');
          return { error: `${whereOf(seen)} has no property '${segment.name}' (known: ${known})` };
        }
        shape = next;
        break;
      }
      case 'key':
        if (shape.kind === 'map') shape = shape.item;
        else if (shape.kind === 'list' && shape.key !== undefined) shape = shape.item;
        else return { error: `${whereOf(seen)} cannot be selected by key ['${segment.key}']` };
        break;
      case 'index':
        if (shape.kind !== 'list') return { error: `${whereOf(seen)} is not a list and cannot be indexed with [${segment.index}]` };
        shape = shape.item;
        break;
      default:
        return assertNever(segment);
    }
    seen.push(segment);
  }
  return { shape };
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** The output a property path selects by name (`ProcessingOutputConfig.Outputs['train']…` → `train`), if any. */
export function selectedOutputName(path: string): string | undefined {
  return /^ProcessingOutputConfig\.Outputs\['([^']*)'\]/.exec(path)?.[1];
}
