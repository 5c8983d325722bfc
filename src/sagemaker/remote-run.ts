/**
 * The SageMaker backend: stages step code and local input files to S3 (content-addressed, skipped when present),
 * creates or updates the pipeline, starts an execution and follows it through ListPipelineExecutionSteps, reporting
 * the same events as a local run, and ends with the same execution record shape.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeModelCommand,
  DescribeModelPackageCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  CreatePipelineCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  UpdatePipelineCommand,
  type PipelineExecutionStep,
} from '@aws-sdk/client-sagemaker';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CodeAsset } from '../compile/compile.ts';
import type { LoadedDefinition } from '../definition/loader.ts';
import type { JsonObject } from '../definition/types.ts';
import type { EventSink } from '../engine/events.ts';
import type { ExecutionRecord, StepRecord } from '../engine/records.ts';
import { ErrorCode, SagepipeError, errorMessage } from '../errors.ts';
import type { AwsSettings } from './aws-settings.ts';

export interface Clients {
  readonly sageMaker: SageMakerClient;
  readonly s3: S3Client;
}

export function createClients(settings: AwsSettings): Clients {
  return {
    sageMaker: new SageMakerClient({ region: settings.region, ...(settings.sageMakerEndpoint ? { endpoint: settings.sageMakerEndpoint } : {}) }),
    s3: new S3Client({ region: settings.region, ...(settings.s3Endpoint ? { endpoint: settings.s3Endpoint, forcePathStyle: true } : {}) }),
  };
}

/** Turns the AWS SDK's errors into one line saying what to set or fix. */
export function awsError(error: unknown, doing: string): SagepipeError {
  const name = (error as { name?: string }).name ?? '';
  const message = errorMessage(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new SagepipeError(ErrorCode.UsageError, `${doing}: no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause: error });
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || /not authorized/i.test(message)) {
    return new SagepipeError(ErrorCode.UsageError, `${doing}: permission denied: ${message} (see docs/sagemaker.md for the permissions needed)`, { cause: error });
  }
  if (/ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(message)) {
    return new SagepipeError(ErrorCode.UsageError, `${doing}: cannot reach the endpoint (${message}): check --endpoint-url / AWS_ENDPOINT_URL_*`, { cause: error });
  }
  return new SagepipeError(ErrorCode.JobFailed, `${doing}: ${name ? `${name}: ` : ''}${message}`, { cause: error });
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

/** Dates in AWS SDK output become ISO strings, as in local records; response metadata is dropped. */
export function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k, v]) => k !== '$metadata' && v !== undefined).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error as { name?: string }).name === 'NotFound') return false;
    throw awsError(error, `checking s3://${bucket}/${key}`);
  }
}

async function put(s3: S3Client, uri: string, body: Uint8Array): Promise<boolean> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new SagepipeError(ErrorCode.S3UriInvalid, `'${uri}' is not an s3:// URI`);
  const [, bucket, key] = m as unknown as [string, string, string];
  if (await objectExists(s3, bucket, key)) return false;
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  } catch (error) {
    throw awsError(error, `uploading ${uri}`);
  }
  return true;
}

export interface RemoteRunRequest {
  readonly name: string;
  readonly loaded: LoadedDefinition;
  readonly assets: readonly CodeAsset[];
  readonly parameters: Readonly<Record<string, string>>;
  /** ParallelismConfiguration, on the pipeline and the execution. */
  readonly maxParallelExecutionSteps?: number;
  /** SelectiveExecutionConfig: run only `steps`, the others' results taken from the source execution. */
  readonly selective?: { readonly sourceExecutionArn: string; readonly steps: readonly string[] };
  readonly displayName?: string;
  readonly cwd: string;
  readonly sink: EventSink;
  /** @default 2000 ms against AWS, 200 ms against a custom endpoint */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  readonly notice: (text: string) => void;
}

/** A parameter value that names an existing local file is uploaded and replaced by its S3 URI. */
function localFile(value: string, cwd: string): string | undefined {
  if (value.startsWith('s3://')) return undefined;
  const path = value.startsWith('file://') ? fileURLToPath(value) : isAbsolute(value) ? value : resolve(cwd, value);
  return existsSync(path) && statSync(path).isFile() ? path : undefined;
}

export async function runOnSageMaker(settings: AwsSettings, clients: Clients, request: RemoteRunRequest): Promise<ExecutionRecord> {
  const arn = await startOnSageMaker(settings, clients, request);
  return followExecution(clients, arn, request.name, request.loaded, request.sink, request.pollMs ?? (settings.sageMakerEndpoint ? 200 : 2000), request.signal);
}

/** Stages, creates or updates the pipeline and starts an execution; returns its ARN (after `executionStarted`). */
export async function startOnSageMaker(settings: AwsSettings, clients: Clients, request: Omit<RemoteRunRequest, 'signal' | 'pollMs'>): Promise<string> {
  const { sageMaker, s3 } = clients;
  // The bucket: created when missing (as the Python SDK does for its default bucket).
  try {
    await s3.send(new HeadBucketCommand({ Bucket: settings.bucket }));
  } catch (headError) {
    const status = (headError as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    // Only a missing bucket is created; no credentials, no permission or no connection is said as it is.
    if (status !== 404 && (headError as { name?: string }).name !== 'NotFound') throw awsError(headError, `checking bucket ${settings.bucket}`);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: settings.bucket }));
      request.notice(`created bucket ${settings.bucket}`);
    } catch (error) {
      throw awsError(error, `bucket ${settings.bucket} does not exist and could not be created (set --bucket)`);
    }
  }
  for (const asset of request.assets) if (await put(s3, asset.s3Uri, asset.content)) request.notice(`staged ${asset.s3Uri}`);

  const parameters: Record<string, string> = { ...request.parameters };
  for (const def of request.loaded.parameters.values()) {
    const value = parameters[def.Name] ?? (typeof def.DefaultValue === 'string' ? def.DefaultValue : undefined);
    const file = value === undefined || def.Type !== 'String' ? undefined : localFile(value, request.cwd);
    if (!file) continue;
    const content = readFileSync(file);
    const uri = `s3://${settings.bucket}/sagepipe/inputs/${createHash('sha256').update(content).digest('hex')}/${basename(file)}`;
    if (await put(s3, uri, content)) request.notice(`staged ${file} as ${uri}`);
    parameters[def.Name] = uri;
  }

  const definition = JSON.stringify(request.loaded.definition);
  const parallelism = request.maxParallelExecutionSteps ? { ParallelismConfiguration: { MaxParallelExecutionSteps: request.maxParallelExecutionSteps } } : {};
  try {
    // Create, and update when it exists — what the Python SDK's upsert() does. (Asking DescribePipeline first relies
    // on its ResourceNotFound, which other implementations, moto among them, answer as ValidationException.)
    const fields = { PipelineName: request.name, PipelineDefinition: definition, RoleArn: settings.roleArn, ...parallelism };
    try {
      await sageMaker.send(new CreatePipelineCommand(fields));
    } catch (error) {
      const e = error as { name?: string; message?: string };
      const exists = e.name === 'ResourceInUse' || (e.name === 'ValidationException' && /already exists/i.test(e.message ?? ''));
      if (!exists) throw error;
      await sageMaker.send(new UpdatePipelineCommand(fields));
    }
  } catch (error) {
    throw awsError(error, `creating or updating pipeline ${request.name}`);
  }
  let arn: string;
  try {
    const started = await sageMaker.send(
      new StartPipelineExecutionCommand({
        PipelineName: request.name,
        PipelineParameters: Object.entries(parameters).map(([Name, Value]) => ({ Name, Value })),
        ...parallelism,
        ...(request.displayName ? { PipelineExecutionDisplayName: request.displayName } : {}),
        ...(request.selective
          ? { SelectiveExecutionConfig: { SourcePipelineExecutionArn: request.selective.sourceExecutionArn, SelectedSteps: request.selective.steps.map((StepName) => ({ StepName })) } }
          : {}),
      }),
    );
    arn = started.PipelineExecutionArn as string;
  } catch (error) {
    throw awsError(error, `starting pipeline ${request.name}`);
  }
  const id = arn.split('/').pop() as string;
  request.sink({ type: 'executionStarted', executionId: id, executionArn: arn, pipelineName: request.name, steps: request.loaded.graph.order.map((n) => ({ name: n, type: request.loaded.graph.nodes.get(n)?.type ?? '' })), retry: false });
  return arn;
}

/** Polls an execution to its end, turning step changes into events; returns the record with step properties. */
export async function followExecution(clients: Clients, arn: string, pipelineName: string, loaded: LoadedDefinition, sink: EventSink, pollMs: number, signal?: AbortSignal): Promise<ExecutionRecord> {
  const seen = new Map<string, string>();
  for (;;) {
    const steps = await listSteps(clients.sageMaker, arn);
    for (const s of [...steps].reverse()) {
      const name = s.StepName as string;
      const status = s.StepStatus as string;
      if (seen.get(name) === status) continue;
      if (!seen.has(name) && !s.CacheHitResult) sink({ type: 'stepStarted', step: name, stepType: loaded.graph.nodes.get(name)?.type ?? '', attempt: s.AttemptCount ?? 1, at: iso(s.StartTime) ?? '' });
      seen.set(name, status);
      const ms = s.StartTime && s.EndTime ? s.EndTime.getTime() - s.StartTime.getTime() : 0;
      if (status === 'Succeeded') {
        if (s.CacheHitResult?.SourcePipelineExecutionArn) sink({ type: 'stepCacheHit', step: name, sourceExecutionArn: s.CacheHitResult.SourcePipelineExecutionArn });
        sink({ type: 'stepSucceeded', step: name, durationMs: ms, properties: {}, cached: Boolean(s.CacheHitResult) });
      } else if (status === 'Failed') sink({ type: 'stepFailed', step: name, reason: s.FailureReason ?? 'failed', durationMs: ms });
      else if (status === 'Stopped') sink({ type: 'stepStopped', step: name });
    }
    const execution = await clients.sageMaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    const status = execution.PipelineExecutionStatus as string;
    if (status === 'Succeeded' || status === 'Failed' || status === 'Stopped') {
      const record = await buildRecord(clients, arn, pipelineName, loaded, execution as unknown as Record<string, unknown>, await listSteps(clients.sageMaker, arn));
      for (const n of record.NotExecutedSteps) sink({ type: 'stepNotExecuted', step: n.StepName, reason: n.Reason });
      sink({ type: 'executionFinished', status: record.PipelineExecutionStatus, failureReason: record.FailureReason, record });
      return record;
    }
    if (signal?.aborted) {
      const { StopPipelineExecutionCommand } = await import('@aws-sdk/client-sagemaker');
      await clients.sageMaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn })).catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The record of an execution as it is now (no waiting). */
export async function describeRemoteExecution(clients: Clients, arn: string, pipelineName: string, loaded: LoadedDefinition): Promise<ExecutionRecord> {
  const execution = await clients.sageMaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
  return buildRecord(clients, arn, pipelineName, loaded, execution as unknown as Record<string, unknown>, await listSteps(clients.sageMaker, arn));
}

async function listSteps(client: SageMakerClient, arn: string): Promise<PipelineExecutionStep[]> {
  const out: PipelineExecutionStep[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, NextToken: token }));
    } catch (error) {
      // An endpoint that does not implement the operation (moto_server answers 500 with an HTML page): no step details.
      if (token === undefined && ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0) >= 500) return [];
      throw error;
    }
    out.push(...(page.PipelineExecutionSteps ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

async function stepProperties(clients: Clients, step: PipelineExecutionStep): Promise<JsonObject | undefined> {
  const m = step.Metadata;
  const job = (arn?: string) => arn?.split('/').pop() as string;
  try {
    if (m?.ProcessingJob?.Arn) return plain(await clients.sageMaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: job(m.ProcessingJob.Arn) }))) as JsonObject;
    if (m?.TrainingJob?.Arn) return plain(await clients.sageMaker.send(new DescribeTrainingJobCommand({ TrainingJobName: job(m.TrainingJob.Arn) }))) as JsonObject;
    if (m?.Model?.Arn) return plain(await clients.sageMaker.send(new DescribeModelCommand({ ModelName: job(m.Model.Arn) }))) as JsonObject;
    if (m?.RegisterModel?.Arn) return plain(await clients.sageMaker.send(new DescribeModelPackageCommand({ ModelPackageName: m.RegisterModel.Arn }))) as JsonObject;
    if (m?.Condition?.Outcome) return { Outcome: m.Condition.Outcome };
    if (m?.TransformJob?.Arn) {
      const { DescribeTransformJobCommand } = await import('@aws-sdk/client-sagemaker');
      return plain(await clients.sageMaker.send(new DescribeTransformJobCommand({ TransformJobName: job(m.TransformJob.Arn) }))) as JsonObject;
    }
    if (m?.TuningJob?.Arn) {
      const { DescribeHyperParameterTuningJobCommand } = await import('@aws-sdk/client-sagemaker');
      return plain(await clients.sageMaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: job(m.TuningJob.Arn) }))) as JsonObject;
    }
    const outputs = m?.Lambda?.OutputParameters ?? m?.Callback?.OutputParameters;
    if (outputs) return { OutputParameters: Object.fromEntries(outputs.map((o) => [o.Name ?? '', o.Value ?? ''])) };
  } catch {
    return undefined;
  }
  return undefined;
}

async function buildRecord(clients: Clients, arn: string, pipelineName: string, loaded: LoadedDefinition, execution: Record<string, unknown>, steps: PipelineExecutionStep[]): Promise<ExecutionRecord> {
  const ordered = [...steps].sort((a, b) => (a.StartTime?.getTime() ?? 0) - (b.StartTime?.getTime() ?? 0));
  const records: StepRecord[] = [];
  for (const s of ordered) {
    const properties = s.StepStatus === 'Succeeded' ? await stepProperties(clients, s) : undefined;
    records.push({
      StepName: s.StepName as string,
      ...(s.StepDisplayName ? { StepDisplayName: s.StepDisplayName } : {}),
      StepType: loaded.graph.nodes.get(s.StepName as string)?.type ?? '',
      StepStatus: s.StepStatus as StepRecord['StepStatus'],
      ...(s.StartTime ? { StartTime: s.StartTime.toISOString() } : {}),
      ...(s.EndTime ? { EndTime: s.EndTime.toISOString() } : {}),
      ...(s.FailureReason ? { FailureReason: s.FailureReason } : {}),
      AttemptCount: s.AttemptCount ?? 1,
      ...(s.CacheHitResult?.SourcePipelineExecutionArn ? { CacheHitResult: { SourcePipelineExecutionArn: s.CacheHitResult.SourcePipelineExecutionArn } } : {}),
      Metadata: plain(s.Metadata ?? {}) as JsonObject,
      ...(properties ? { Properties: properties } : {}),
    });
  }
  const ran = new Set(records.map((r) => r.StepName));
  const e = plain(execution) as Record<string, unknown>;
  const created = (e.CreationTime as string | undefined) ?? new Date().toISOString();
  return {
    PipelineArn: e.PipelineArn as string,
    PipelineName: pipelineName,
    PipelineExecutionArn: arn,
    PipelineExecutionId: arn.split('/').pop() as string,
    PipelineExecutionDisplayName: (e.PipelineExecutionDisplayName as string | undefined) ?? '',
    PipelineExecutionStatus: e.PipelineExecutionStatus as ExecutionRecord['PipelineExecutionStatus'],
    ...(e.FailureReason ? { FailureReason: e.FailureReason as string } : {}),
    CreationTime: created,
    LastModifiedTime: (e.LastModifiedTime as string | undefined) ?? created,
    StartTime: created,
    EndTime: (e.LastModifiedTime as string | undefined) ?? created,
    PipelineParameters: [],
    ParallelismConfiguration: (e.ParallelismConfiguration as { MaxParallelExecutionSteps: number } | undefined) ?? { MaxParallelExecutionSteps: 0 },
    Steps: records,
    NotExecutedSteps: loaded.graph.order.filter((n) => !ran.has(n)).map((n) => ({ StepName: n, Reason: 'not executed' })),
    RetryCount: 0,
  };
}

/** Reads an object from S3 (for the summary's property files). */
export async function readS3Object(s3: S3Client, uri: string): Promise<Uint8Array> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new Error(`not an s3 URI: ${uri}`);
  const out = await s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
  return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
}
