/**
 * Where executions run: one interface, implemented by the local target (the engine on a workspace,
 * `local-runner/local-target.ts`) and the SageMaker target (`src/sagemaker/sagemaker-target.ts`). The CLI, `serve`
 * and the library reach executions only through it. A target that cannot honour a request refuses it with a
 * `SagepipeError` that says why; none ignores what it was asked.
 */
import type { LoadedDefinition } from '../definition/loader.ts';
import type { JsonObject, PipelineDefinition } from '../definition/types.ts';
import type { ExecutionHandle } from './handle.ts';
import type { ExecutionRecord } from './records.ts';

/** Step code to put in S3 before a run (content-addressed, so what is there already is left). */
export interface StagedAsset {
  readonly s3Uri: string;
  readonly content: Uint8Array;
}

export interface TargetStartRequest {
  readonly pipelineName: string;
  readonly loaded: LoadedDefinition;
  /** @default none */
  readonly assets?: readonly StagedAsset[];
  /** Values by parameter name; strings are converted to the parameter's type. */
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  /** ParallelismConfiguration. @default the pipeline's, else the target's default */
  readonly maxParallelExecutionSteps?: number;
  /** SelectiveExecutionConfig: run only `steps`, taking the others' results from `sourceExecution` (id or ARN). */
  readonly selective?: { readonly sourceExecution: string; readonly steps: readonly string[] };
  readonly displayName?: string;
  /**
   * The definition as submitted (whitespace and key order kept), stored as the pipeline's when it changed.
   * @default the loaded definition as JSON
   */
  readonly definitionText?: string;
  /** Aborting stops the execution, as `handle.stop()` does. @default none */
  readonly signal?: AbortSignal;
  /** The local files the step code was bundled from (local target: a retry says when they changed). @default none */
  readonly codeSources?: readonly { readonly Path: string; readonly S3Uri: string }[];
}

export interface ExecutionSummary {
  readonly PipelineName: string;
  readonly PipelineExecutionArn: string;
  readonly PipelineExecutionDisplayName?: string;
  readonly PipelineExecutionStatus: string;
  readonly StartTime: string | undefined;
  readonly EndTime?: string;
  readonly FailureReason: string | undefined;
}

/** What `stop` did: signalled the runner (or service), or found the runner dead and marked the execution Stopped. */
export type StopOutcome =
  | { readonly kind: 'requested'; readonly executionArn: string; readonly detail: string }
  | { readonly kind: 'markedStopped'; readonly executionArn: string };

/** The answer to a waiting Callback step: SendPipelineExecutionStepSuccess (with output parameters) or ...Failure. */
export type CallbackAnswer =
  | { readonly success: true; readonly outputs: readonly { readonly Name: string; readonly Value: string }[] }
  | { readonly success: false; readonly reason: string };

/** Which step a callback answered, where the target can tell (SageMaker's Send* calls return only the execution's ARN). */
export interface CallbackOutcome {
  readonly executionArn?: string;
  readonly executionId?: string;
  readonly step?: string;
}

/** A pipeline as DescribePipeline shows it, with its definition as submitted. */
export interface PipelineRecord {
  readonly PipelineName: string;
  readonly PipelineArn: string;
  PipelineDisplayName: string;
  PipelineDescription?: string;
  /** The definition exactly as submitted. */
  PipelineDefinition: string;
  /** Absent for pipelines that a local run created (they have no role). */
  RoleArn?: string;
  PipelineStatus: 'Active';
  readonly CreationTime: string;
  LastModifiedTime: string;
  LastRunTime?: string;
  ParallelismConfiguration?: { MaxParallelExecutionSteps: number };
  /** Incremented by each change of the definition (ListPipelineVersions). */
  PipelineVersionId?: number;
}

/** ListPipelines' entry: the record without its definition (SageMaker's list does not return it). */
export type PipelineSummary = Omit<PipelineRecord, 'PipelineDefinition'>;

/** A model package version as DescribeModelPackage shows it (the local registry adds `sagepipe:` fields). */
export interface ModelPackageRecord {
  readonly ModelPackageGroupName: string;
  readonly ModelPackageVersion: number;
  readonly ModelPackageArn: string;
  readonly ModelApprovalStatus: string;
  readonly CreationTime: string;
  readonly [field: string]: unknown;
}

export interface ExecutionTarget {
  readonly kind: 'local' | 'sagemaker';
  /** Stages the assets, records the execution, and returns its handle while it runs. */
  start(request: TargetStartRequest): Promise<ExecutionHandle>;
  /** Re-runs a Failed or Stopped execution in place (RetryPipelineExecution). */
  retry(execution: string): Promise<ExecutionHandle>;
  stop(execution: string): Promise<StopOutcome>;
  describe(execution: string): Promise<ExecutionRecord>;
  /** The definition an execution ran. */
  definition(execution: string): Promise<PipelineDefinition>;
  /** Newest first; `unreadable` names records that could not be read. */
  list(filter?: { readonly pipelineName?: string }): Promise<{ readonly executions: readonly ExecutionSummary[]; readonly unreadable: readonly string[] }>;
  /** Each step's log, or one step's. */
  logs(execution: string, step?: string): Promise<readonly { readonly step: string; readonly text: string }[]>;
  /** Answers a waiting Callback step's token (SendPipelineExecutionStepSuccess / SendPipelineExecutionStepFailure). */
  sendCallback(token: string, answer: CallbackAnswer): Promise<CallbackOutcome>;
  /** An object of the target's S3 (step outputs, property files). */
  readObject(uri: string): Promise<Uint8Array>;

  /** The pipeline named `name` (or its ARN), or undefined when there is none. */
  getPipeline(name: string): Promise<PipelineRecord | undefined>;
  /** Creates the pipeline, or replaces the one of that name (CreatePipeline / UpdatePipeline). */
  putPipeline(record: PipelineRecord): Promise<void>;
  deletePipeline(name: string): Promise<void>;
  listPipelines(): Promise<readonly PipelineSummary[]>;

  /** Model package group names, oldest first (ListModelPackageGroups). */
  listModelGroups(): Promise<readonly string[]>;
  /** A group's versions, newest first, each as DescribeModelPackage shows it (metrics included where the target keeps them). */
  listModelPackages(group: string): Promise<readonly ModelPackageRecord[]>;
  /** One version: an ARN, or `group/version`. */
  describeModelPackage(ref: string): Promise<ModelPackageRecord>;
  /** UpdateModelPackage's approval; returns the version as DescribeModelPackage shows it. */
  setApproval(ref: string, status: ApprovalStatus, options?: ApprovalRequest): Promise<JsonObject>;
  /**
   * Deploys a model package (ARN or `group/version`; locally also a model's name) and settles once it is in service
   * (DescribeEndpoint's shape), or rejects with why it failed.
   */
  deployEndpoint(ref: string, options?: DeployRequest): Promise<JsonObject>;
  describeEndpoint(name: string): Promise<JsonObject>;
  listEndpoints(): Promise<readonly JsonObject[]>;
  deleteEndpoint(name: string): Promise<void>;
  invokeEndpoint(name: string, body: Uint8Array, contentType: string, accept?: string): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** ModelApprovalStatus: what UpdateModelPackage sets. */
export type ApprovalStatus = 'Approved' | 'Rejected' | 'PendingManualApproval';

export interface ApprovalRequest {
  /** Kept in the approval history. */
  readonly description?: string;
  /** Approve a Rejected version (the local registry's guard; refused on SageMaker, which has none). @default false */
  readonly force?: boolean;
}

export interface DeployRequest {
  /** @default from the model locally; required on SageMaker */
  readonly name?: string;
  /** A loopback port (local only). */
  readonly port?: number;
  /** Deploy a version that is not Approved (local only: SageMaker deploys what it is given). */
  readonly allowUnapproved?: boolean;
  /** The endpoint configuration it comes from, kept in the local record's Source (local only: SageMaker's target makes its own). */
  readonly endpointConfigName?: string;
}
