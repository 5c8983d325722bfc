/**
 * An ended execution as the library hands it over: each step's status, properties, outputs and metrics, the property
 * files' contents and the registered model package — the same on both targets (only the reading of S3 differs).
 */
import type { Json, JsonObject, PipelineDefinition } from '../definition/types.ts';
import { flattenMetrics, type PropertyFileContent, readPropertyFiles } from '../engine/property-files.ts';
import type { ExecutionRecord, ExecutionStatus, NotExecutedStep, StepStatus } from '../engine/records.ts';

export interface StepOutput {
  readonly s3Uri: string;
  /** The file or folder behind it on this machine (local target only). */
  readonly path?: string;
}

export interface StepResult {
  readonly name: string;
  /** SageMaker's step type: Processing, Training, Condition, Model, RegisterModel, Fail … */
  readonly type: string;
  readonly status: StepStatus;
  readonly failureReason?: string;
  /** Whether it reused an earlier run's results. */
  readonly cached: boolean;
  readonly attempts: number;
  /** Describe*-shaped (DescribeProcessingJob, DescribeTrainingJob …), what later steps' references read. */
  readonly properties: JsonObject;
  /** Processing outputs by OutputName; a training job's model artifact as `model`. */
  readonly outputs: Readonly<Record<string, StepOutput>>;
  /** A training job's FinalMetricDataList, and the numbers of the step's property files (`accuracy` for `{"metrics": {"accuracy": {"value": …}}}`). */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface PipelineResult {
  readonly executionArn: string;
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly failureReason?: string;
  /** The steps that ran, by name. */
  readonly steps: Readonly<Record<string, StepResult>>;
  /** Steps that did not run (the other branch of a condition …), with why. */
  readonly notExecuted: readonly NotExecutedStep[];
  readonly propertyFiles: readonly PropertyFileContent[];
  /** The version a RegisterModel step created, as DescribeModelPackage shows it. */
  readonly modelPackage?: JsonObject;
  /** The whole record: DescribePipelineExecution's fields plus Steps. */
  readonly record: ExecutionRecord;
}

export interface ResultSources {
  readonly readObject: (uri: string) => Promise<Uint8Array>;
  /** The local file behind an S3 URI, where there is one. */
  readonly pathOf?: (uri: string) => string;
  readonly describeModelPackage?: (arn: string) => Promise<JsonObject>;
}

function outputsOf(properties: JsonObject): { name: string; uri: string }[] {
  const outputs = ((properties.ProcessingOutputConfig as JsonObject | undefined)?.Outputs ?? []) as JsonObject[];
  const out = outputs.flatMap((o) => {
    const uri = (o.S3Output as JsonObject | undefined)?.S3Uri;
    return typeof o.OutputName === 'string' && typeof uri === 'string' ? [{ name: o.OutputName, uri }] : [];
  });
  const model = (properties.ModelArtifacts as JsonObject | undefined)?.S3ModelArtifacts;
  if (typeof model === 'string') out.push({ name: 'model', uri: model });
  return out;
}

export async function pipelineResult(record: ExecutionRecord, definition: PipelineDefinition, sources: ResultSources): Promise<PipelineResult> {
  const files = await readPropertyFiles(record, definition, sources.readObject);
  const steps: Record<string, StepResult> = {};
  let modelPackage: JsonObject | undefined;
  for (const s of record.Steps) {
    const properties = s.Properties ?? {};
    const metrics: Record<string, number> = {};
    for (const m of (properties.FinalMetricDataList ?? []) as JsonObject[]) {
      if (typeof m.MetricName === 'string' && typeof m.Value === 'number') metrics[m.MetricName] = m.Value;
    }
    for (const f of files.filter((x) => x.step === s.StepName)) for (const [k, v] of flattenMetrics(f.content as Json)) metrics[k] = v;
    const outputs: Record<string, StepOutput> = {};
    for (const o of outputsOf(properties)) outputs[o.name] = { s3Uri: o.uri, ...(sources.pathOf ? { path: sources.pathOf(o.uri) } : {}) };
    steps[s.StepName] = {
      name: s.StepName,
      type: s.StepType,
      status: s.StepStatus,
      ...(s.FailureReason ? { failureReason: s.FailureReason } : {}),
      cached: Boolean(s.CacheHitResult),
      attempts: s.AttemptCount,
      properties,
      outputs,
      metrics,
    };
    if (s.StepType === 'RegisterModel' && s.StepStatus === 'Succeeded' && typeof properties.ModelPackageArn === 'string') {
      modelPackage = sources.describeModelPackage ? await sources.describeModelPackage(properties.ModelPackageArn) : properties;
    }
  }
  return {
    executionArn: record.PipelineExecutionArn,
    executionId: record.PipelineExecutionId,
    status: record.PipelineExecutionStatus,
    ...(record.FailureReason ? { failureReason: record.FailureReason } : {}),
    steps,
    notExecuted: record.NotExecutedSteps,
    propertyFiles: files,
    ...(modelPackage ? { modelPackage } : {}),
    record,
  };
}
