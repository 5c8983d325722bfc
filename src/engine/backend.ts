/**
 * The one narrow interface between the engine and whatever runs jobs (the local runner's Docker and process
 * runtimes, SageMaker itself). Requests are the step's evaluated `Arguments`, i.e. the SageMaker API request;
 * results are shaped like the matching Describe* response, which become the step's properties.
 */
import { ErrorCode, type Issue, SagepipeError } from '../errors.ts';
import type { LoadedDefinition } from '../definition/loader.ts';
import type { JsonObject, PipelineDefinition } from '../definition/types.ts';

export interface JobContext {
  readonly executionId: string;
  readonly executionArn: string;
  readonly pipelineName: string;
  readonly stepName: string;
  /** 1 for the first attempt, 2 for the first retry … */
  readonly attempt: number;
  /** The job name to use (`pipelines-<execution>-<step>-<suffix>`), unique per attempt. */
  readonly jobName: string;
  /** Aborted when the execution is stopped: end the job and reject. */
  readonly signal: AbortSignal;
  /** Reports one line of the job's output. */
  log(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface JobResult {
  /** Describe*-shaped properties (DescribeProcessingJob, DescribeTrainingJob, DescribeModel, DescribeModelPackage). */
  readonly properties: JsonObject;
}

/** An image a step will run, as the backend resolved it before the execution started. */
export interface ImagePlan {
  readonly StepName: string;
  /** The image URI the step names. */
  readonly Requested: string;
  /** What runs it here. */
  readonly Local: string;
  /** Set when a stand-in or a mapping replaced an AWS image, with where versions differ. */
  readonly Substitution?: string;
}

/** What a backend checked before any step ran. */
export interface RunPreparation {
  readonly images: readonly ImagePlan[];
}

/** An image a backend made available before the first step because it was missing (built, for the local runner). */
export interface ImageBuild {
  readonly Image: string;
  /** The steps that run it. */
  readonly StepNames: readonly string[];
  readonly StartTime: string;
  readonly EndTime: string;
  readonly Status: 'Succeeded' | 'Failed';
  /** Why it could not be built; the steps that run it then fail with this reason. */
  readonly FailureReason?: string;
}

/** How a backend reports the image-build phase to the engine (which turns it into events). */
export interface ImageBuildReporter {
  /** An image is missing and is being built, for these steps. */
  started(image: string, steps: readonly string[]): void;
  /** A line of its build's progress. */
  log(image: string, line: string): void;
  /** It is built, or could not be (`failureReason`). */
  finished(image: string, durationMs: number, failureReason: string | undefined): void;
}

export interface JobBackend {
  /**
   * Checks what can be checked before the first step starts (the images every step names, resolved at once) and
   * throws a SagepipeError for what cannot run. Optional: backends with nothing to check leave it out.
   */
  prepare?(definition: PipelineDefinition, parameters: ReadonlyMap<string, string | number | boolean>, steps?: ReadonlySet<string>): Promise<RunPreparation>;
  /**
   * The image-build phase, after the execution started and before its first step: makes the images `prepare`
   * planned available (the local runner builds sagepipe's own when missing), so no step's time includes a build.
   * Never throws for a build that fails: it reports it, and the steps that run that image fail with the reason.
   */
  provisionImages?(images: readonly ImagePlan[], report: ImageBuildReporter): Promise<void>;
  runProcessingJob(request: JsonObject, context: JobContext): Promise<JobResult>;
  runTrainingJob(request: JsonObject, context: JobContext): Promise<JobResult>;
  createModel(request: JsonObject, context: JobContext): Promise<JobResult>;
  createModelPackage(request: JsonObject, context: JobContext): Promise<JobResult>;
  /** CreateTransformJob: batch inference with a model; properties shaped like DescribeTransformJob. */
  runTransformJob(request: JsonObject, context: JobContext): Promise<JobResult>;
  /** Invokes a Lambda step's function with its evaluated arguments as the event; resolves to what it returned. */
  invokeLambda(invocation: LambdaInvocation, context: JobContext): Promise<JsonObject>;
  /** Reads an object of the artifact store (for `Std:JsonGet` on property files). */
  readObject(s3Uri: string): Promise<Uint8Array>;
  /**
   * Problems that would make a step fail before doing anything (an image this backend cannot run …), found from the
   * definition alone; `steps` are the ones that will run (default all). The engine refuses to start when any are
   * returned, and `validate --local` reports them.
   */
  checkDefinition?(loaded: LoadedDefinition, steps?: ReadonlySet<string>): Promise<readonly Issue[]>;
}

export interface LambdaInvocation {
  readonly functionArn: string;
  /** The step's evaluated `Arguments`. */
  readonly event: JsonObject;
}

/**
 * What kind of failure a job had, in the service's terms: retry policies name these. `ClientError` and
 * `AlgorithmError` (a bad request, the job's own code failing) are never retried.
 */
export type FailureKind =
  | 'Step.SERVICE_FAULT'
  | 'Step.THROTTLING'
  | 'SageMaker.JOB_INTERNAL_ERROR'
  | 'SageMaker.CAPACITY_ERROR'
  | 'SageMaker.RESOURCE_LIMIT'
  | 'ClientError'
  | 'AlgorithmError'
  | 'Stopped';

const JOB_FAILURE = Symbol.for('sagepipe.jobFailure');

/** A job that did not succeed, with its reason (`FailureReason`) and kind. */
export class JobFailure extends SagepipeError {
  readonly [JOB_FAILURE] = true;
  constructor(
    readonly kind: FailureKind,
    reason: string,
    /** Describe*-shaped properties of the failed job, when it got that far. */
    readonly properties?: JsonObject,
  ) {
    super(ErrorCode.JobFailed, reason);
  }
}

export function isJobFailure(value: unknown): value is JobFailure {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[JOB_FAILURE] === true;
}
