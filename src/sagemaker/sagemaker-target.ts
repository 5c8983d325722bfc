/**
 * The SageMaker target: the same ExecutionTarget as the local one, over the SageMaker API (or a compatible endpoint
 * such as `sagepipe serve`). Selective execution and parallelism go to the service as SelectiveExecutionConfig and
 * ParallelismConfiguration; what SageMaker does not offer (step logs outside CloudWatch) is refused with a reason.
 */
import type { JsonObject, PipelineDefinition } from '../definition/types.ts';
import type { EngineEvent, EventSink } from '../engine/events.ts';
import { EventStream, type ExecutionHandle } from '../engine/handle.ts';
import { checkSelectedSteps } from '../engine/selective.ts';
import type { ExecutionRecord } from '../engine/records.ts';
import type {
  ApprovalRequest,
  ApprovalStatus,
  CallbackAnswer,
  CallbackOutcome,
  DeployRequest,
  ExecutionSummary,
  ExecutionTarget,
  ModelPackageRecord,
  PipelineRecord,
  PipelineSummary,
  StopOutcome,
  TargetStartRequest,
} from '../engine/target.ts';
import {
  deletePipelineRemote,
  describeModelPackageRemote,
  getPipelineRemote,
  listModelGroupsRemote,
  listModelPackagesRemote,
  listPipelinesRemote,
  putPipelineRemote,
} from './remote-catalog.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { AwsSettings } from './aws-settings.ts';
import { approveRemote, deleteEndpointRemote, deployRemote, describeEndpointRemote, invokeRemote, listEndpointsRemote } from './remote-endpoints.ts';
import { answerCallbackRemote, definitionForExecution, describeRemote, executionArn, listRemote, pipelineOf, startRetryRemote, stopRemote } from './remote-executions.ts';
import { type Clients, createClients, followExecution, readS3Object, startOnSageMaker } from './remote-run.ts';

export interface SageMakerTargetOptions {
  readonly settings: AwsSettings;
  /** @default clients made from the settings */
  readonly clients?: Clients;
  /** How an execution id (not an ARN) is resolved to an ARN. @default ids are refused; give ARNs */
  readonly pipelineName?: string;
  /** @default 2000 ms against AWS, 200 ms against a custom endpoint */
  readonly pollMs?: number;
  /** Where local files named by String parameters resolve (they are uploaded). */
  readonly cwd: string;
  /** Receives the events of every execution (each handle has its own too). @default none */
  readonly sink?: EventSink;
  /** Things worth telling a user (what was staged, a bucket created). @default dropped */
  readonly notice?: (text: string) => void;
}

export class SageMakerTarget implements ExecutionTarget {
  readonly kind = 'sagemaker' as const;
  readonly clients: Clients;
  private readonly pollMs: number;

  constructor(private readonly options: SageMakerTargetOptions) {
    this.clients = options.clients ?? createClients(options.settings);
    this.pollMs = options.pollMs ?? (options.settings.sageMakerEndpoint ? 200 : 2000);
  }

  private arnOf(execution: string, pipelineName = this.options.pipelineName): Promise<string> {
    return executionArn(this.clients, execution, pipelineName);
  }

  private follow(arn: string, stream: EventStream<EngineEvent>, sink: EventSink, pipelineName: string, loaded: Parameters<typeof followExecution>[3]): ExecutionHandle {
    const controller = new AbortController();
    const done = followExecution(this.clients, arn, pipelineName, loaded, sink, this.pollMs, controller.signal).finally(() => stream.end());
    done.catch(() => undefined);
    return { executionArn: arn, executionId: arn.split('/').pop() as string, done, events: stream, stop: () => controller.abort() };
  }

  private streams(): { stream: EventStream<EngineEvent>; sink: EventSink } {
    const stream = new EventStream<EngineEvent>();
    return {
      stream,
      sink: (event) => {
        stream.push(event);
        this.options.sink?.(event);
      },
    };
  }

  async start(request: TargetStartRequest): Promise<ExecutionHandle> {
    const { stream, sink } = this.streams();
    const selective = request.selective
      ? { sourceExecutionArn: await this.arnOf(request.selective.sourceExecution, request.pipelineName), steps: request.selective.steps }
      : undefined;
    if (selective) checkSelectedSteps(request.loaded, selective.steps);
    const arn = await startOnSageMaker(this.options.settings, this.clients, {
      name: request.pipelineName,
      loaded: request.loaded,
      assets: (request.assets ?? []).map((a) => ({ ...a, localPath: a.s3Uri })),
      parameters: Object.fromEntries(Object.entries(request.parameters ?? {}).map(([k, v]) => [k, String(v)])),
      cwd: this.options.cwd,
      sink,
      notice: this.options.notice ?? (() => undefined),
      ...(request.maxParallelExecutionSteps === undefined ? {} : { maxParallelExecutionSteps: request.maxParallelExecutionSteps }),
      ...(selective ? { selective } : {}),
      ...(request.displayName ? { displayName: request.displayName } : {}),
    });
    const handle = this.follow(arn, stream, sink, request.pipelineName, request.loaded);
    if (request.signal?.aborted) handle.stop();
    else request.signal?.addEventListener('abort', () => handle.stop(), { once: true });
    return handle;
  }

  async retry(execution: string): Promise<ExecutionHandle> {
    const arn = await this.arnOf(execution);
    const { stream, sink } = this.streams();
    const loaded = await startRetryRemote(this.clients, arn, sink);
    return this.follow(arn, stream, sink, pipelineOf(arn), loaded);
  }

  async stop(execution: string): Promise<StopOutcome> {
    const arn = await this.arnOf(execution);
    await stopRemote(this.clients, arn);
    return { kind: 'requested', executionArn: arn, detail: `asked SageMaker to stop ${arn}` };
  }

  async sendCallback(token: string, answer: CallbackAnswer): Promise<CallbackOutcome> {
    return answerCallbackRemote(this.clients, token, answer);
  }

  async describe(execution: string): Promise<ExecutionRecord> {
    return describeRemote(this.clients, await this.arnOf(execution));
  }

  async definition(execution: string): Promise<PipelineDefinition> {
    return (await definitionForExecution(this.clients, await this.arnOf(execution))).definition;
  }

  async list(filter: { readonly pipelineName?: string } = {}): Promise<{ executions: ExecutionSummary[]; unreadable: string[] }> {
    return { executions: await listRemote(this.clients, filter.pipelineName ?? this.options.pipelineName), unreadable: [] };
  }

  async logs(): Promise<never> {
    throw new SagepipeError(ErrorCode.UsageError, 'step logs of SageMaker executions are in CloudWatch Logs (/aws/sagemaker/ProcessingJobs, /aws/sagemaker/TrainingJobs): sagepipe does not read them');
  }

  readObject(uri: string): Promise<Uint8Array> {
    return readS3Object(this.clients.s3, uri);
  }

  getPipeline(name: string): Promise<PipelineRecord | undefined> {
    return getPipelineRemote(this.clients, name);
  }

  putPipeline(record: PipelineRecord): Promise<void> {
    return putPipelineRemote(this.clients, record);
  }

  deletePipeline(name: string): Promise<void> {
    return deletePipelineRemote(this.clients, name);
  }

  listPipelines(): Promise<PipelineSummary[]> {
    return listPipelinesRemote(this.clients);
  }

  listModelGroups(): Promise<string[]> {
    return listModelGroupsRemote(this.clients);
  }

  listModelPackages(group: string): Promise<ModelPackageRecord[]> {
    return listModelPackagesRemote(this.clients, group);
  }

  describeModelPackage(ref: string): Promise<ModelPackageRecord> {
    return describeModelPackageRemote(this.clients, ref);
  }

  async setApproval(ref: string, status: ApprovalStatus, options: ApprovalRequest = {}): Promise<JsonObject> {
    if (options.force) throw new SagepipeError(ErrorCode.UsageError, '--force is the local registry\'s guard for approving a Rejected version: SageMaker has no such rule; leave it out');
    return approveRemote(this.clients, ref, status, options.description);
  }

  async deployEndpoint(ref: string, options: DeployRequest = {}): Promise<JsonObject> {
    if (!options.name) throw new SagepipeError(ErrorCode.UsageError, 'with --target sagemaker, name the endpoint with --name');
    if (options.port !== undefined) throw new SagepipeError(ErrorCode.UsageError, '--port places a local endpoint on this machine: SageMaker endpoints have none; leave it out');
    if (options.endpointConfigName) throw new SagepipeError(ErrorCode.UsageError, 'the SageMaker target makes its endpoint configuration itself (<name>-config): leave endpointConfigName out');
    if (options.allowUnapproved) throw new SagepipeError(ErrorCode.UsageError, '--allow-unapproved lifts the local approval check: SageMaker deploys any version; leave it out');
    return deployRemote(this.clients, this.options.settings, ref, options.name, this.pollMs);
  }

  describeEndpoint(name: string): Promise<JsonObject> {
    return describeEndpointRemote(this.clients, name);
  }

  listEndpoints(): Promise<JsonObject[]> {
    return listEndpointsRemote(this.clients);
  }

  deleteEndpoint(name: string): Promise<void> {
    return deleteEndpointRemote(this.clients, name);
  }

  async invokeEndpoint(name: string, body: Uint8Array, contentType: string, accept?: string): Promise<{ contentType: string; body: string }> {
    return { contentType: accept ?? contentType, body: await invokeRemote(this.options.settings, name, body, contentType, accept) };
  }
}
