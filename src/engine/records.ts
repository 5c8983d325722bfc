/**
 * Execution records, shaped after DescribePipelineExecution with `Steps` as the entries of
 * ListPipelineExecutionSteps (each with its resolved `Properties`). Status values are the service's.
 */
import type { JsonObject, PipelineDefinition } from '../definition/types.ts';
import type { ImageBuild, ImagePlan } from './backend.ts';

export const ExecutionStatus = {
  Executing: 'Executing',
  Stopping: 'Stopping',
  Stopped: 'Stopped',
  Failed: 'Failed',
  Succeeded: 'Succeeded',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/** A step has the execution's statuses, and `Starting` before it runs. */
export const StepStatus = { Starting: 'Starting', ...ExecutionStatus } as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

export interface StepRecord {
  readonly StepName: string;
  readonly StepDisplayName?: string;
  readonly StepType: string;
  StepStatus: StepStatus;
  StartTime?: string;
  EndTime?: string;
  FailureReason?: string;
  AttemptCount: number;
  /** Set when the step reused an earlier run's results (SageMaker's field). */
  CacheHitResult?: { SourcePipelineExecutionArn: string };
  /** Links to what the step ran, as ListPipelineExecutionSteps reports them. */
  Metadata: JsonObject;
  /** The step's properties (Describe*-shaped), which later steps' references read. */
  Properties?: JsonObject;
  /** sagepipe: the key of the step's evaluated arguments, and those arguments, for caching and miss explanations. */
  CacheKey?: string;
  CacheArguments?: JsonObject;
  /** sagepipe: why the cache was not used, when caching is enabled. */
  CacheMissReason?: string;
  /** sagepipe: a Callback step's evaluated arguments (what the service sends with the token). */
  CallbackArguments?: JsonObject;
  /** sagepipe: the step's log file, relative to the execution's folder. */
  LogFile?: string;
}

export interface NotExecutedStep {
  readonly StepName: string;
  readonly Reason: string;
}

export interface ExecutionRecord {
  readonly PipelineArn: string;
  readonly PipelineName: string;
  readonly PipelineExecutionArn: string;
  /** sagepipe: the execution id (the last segment of the ARN). */
  readonly PipelineExecutionId: string;
  readonly PipelineExecutionDisplayName: string;
  PipelineExecutionStatus: ExecutionStatus;
  FailureReason?: string;
  readonly CreationTime: string;
  LastModifiedTime: string;
  StartTime?: string;
  EndTime?: string;
  readonly PipelineParameters: readonly { Name: string; Value: string }[];
  readonly ParallelismConfiguration: { MaxParallelExecutionSteps: number };
  readonly SelectiveExecutionConfig?: {
    readonly SourcePipelineExecutionArn: string;
    readonly SelectedSteps: readonly { StepName: string }[];
  };
  /** Steps that ran (or are running), in the order they started. */
  Steps: StepRecord[];
  /** sagepipe: steps that did not run, with why (the other branch of a condition, a failed dependency …). */
  NotExecutedSteps: NotExecutedStep[];
  /** sagepipe: how many times the execution was retried. */
  RetryCount: number;
  /** sagepipe: the images the steps run, resolved before the first step (stand-ins for AWS's images included). */
  Images?: ImagePlan[];
  /** sagepipe: images that were missing and were built before the first step (a phase of its own, in no step's time). */
  ImageBuilds?: ImageBuild[];
  /** sagepipe: the process running the execution, so a stop from elsewhere can reach it (or find it gone). */
  RunnerPid?: number;
  /** sagepipe: that process's start time and host, so a reused pid or another machine's process is not mistaken for it. */
  RunnerStartTime?: string;
  /** sagepipe: the step scripts the execution was started with (on disk, and where their bundles were staged). */
  CodeSources?: readonly { readonly Path: string; readonly S3Uri: string }[];
  RunnerHost?: string;
}

export interface StoredExecution {
  readonly record: ExecutionRecord;
  readonly definition: PipelineDefinition;
}

export const isTerminal = (s: ExecutionStatus): boolean => s === 'Succeeded' || s === 'Failed' || s === 'Stopped';

/** How a Callback step was completed (SendPipelineExecutionStepSuccess / SendPipelineExecutionStepFailure). */
export type CallbackResponse =
  | { readonly Status: 'Success'; readonly OutputParameters: readonly { readonly Name: string; readonly Value: string }[] }
  | { readonly Status: 'Failure'; readonly FailureReason: string };
