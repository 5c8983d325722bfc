/**
 * The one narrow interface between the engine and whatever runs jobs (the local runner's Docker and process
 * runtimes, SageMaker itself). Requests are the step's evaluated `Arguments`, i.e. the SageMaker API request;
 * results are shaped like the matching Describe* response, which become the step's properties.
 */
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { GraphNode } from '../definition/graph.ts';
import type { JsonObject } from '../definition/types.ts';
import type { Issue } from '../errors.ts';

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

export interface JobBackend {
  runProcessingJob(request: JsonObject, context: JobContext): Promise<JobResult>;
  runTrainingJob(request: JsonObject, context: JobContext): Promise<JobResult>;
  createModel(request: JsonObject, context: JobContext): Promise<JobResult>;
  createModelPackage(request: JsonObject, context: JobContext): Promise<JobResult>;
  /** CreateTransformJob: batch inference with a model; properties shaped like DescribeTransformJob. */
  runTransformJob(request: JsonObject, context: JobContext): Promise<JobResult>;
  /** Invokes a Lambda step's function with its evaluated arguments as the event; resolves to what it returned. */
  invokeLambda(invocation: LambdaInvocation, context: JobContext): Promise<JsonObject>;
  /** Problems only the backend can see, found before an execution starts (e.g. a Lambda function it cannot run). */
  preflight?(steps: readonly GraphNode[]): Issue[];
  /** Reads an object of the artifact store (for `Std:JsonGet` on property files). */
  readObject(s3Uri: string): Promise<Uint8Array>;
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
