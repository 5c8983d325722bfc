/**
 * `sagepipe/sagemaker`: the same runPipeline and execution handle as `sagepipe/local`, against SageMaker — or any
 * SageMaker-compatible endpoint, such as `startLocalSageMaker()` from `sagepipe/testing`.
 *
 * ```ts
 * const run = await runPipeline(pipeline, { roleArn, region: 'eu-west-1', parameters: { Eta: 0.1 } });
 * const result = await run.done;
 * ```
 */
import type { EventSink } from '../engine/events.ts';
import type { ExecutionTarget } from '../engine/target.ts';
import { type AwsSettings, resolveAwsSettings } from '../sagemaker/aws-settings.ts';
import { SageMakerTarget } from '../sagemaker/sagemaker-target.ts';
import { type CompileInputOptions, type PipelineInput, compileInput, startRequest } from './compile-input.ts';
import type { PipelineExecution } from './local.ts';
import { type PipelineResult, pipelineResult } from './results.ts';

export type { PipelineExecution } from './local.ts';
export type { PipelineInput, CompileInputOptions } from './compile-input.ts';
export type { PipelineResult, StepResult, StepOutput } from './results.ts';
export type { EngineEvent } from '../engine/events.ts';
export type { ExecutionRecord, StepRecord, ExecutionStatus, StepStatus } from '../engine/records.ts';
export type { ExecutionTarget, TargetStartRequest, ExecutionSummary, StopOutcome } from '../engine/target.ts';
export type { AwsSettings } from '../sagemaker/aws-settings.ts';

export interface SageMakerOptions {
  /** @default $AWS_REGION, else the config file's */
  readonly region?: string;
  /** The pipeline's execution role. @default $SAGEPIPE_ROLE_ARN or the config file's */
  readonly roleArn?: string;
  /** Where step code and local inputs are staged. @default sagemaker-<region>-<account> */
  readonly bucket?: string;
  readonly account?: string;
  /** A SageMaker/S3-compatible endpoint (e.g. startLocalSageMaker().endpoint). @default AWS */
  readonly endpointUrl?: string;
  /** How often the execution is polled. @default 2000 ms against AWS, 200 ms against an endpoint URL */
  readonly pollMs?: number;
  /** Receives the events of every execution. @default none */
  readonly onEvent?: EventSink;
  /** What was staged, a bucket created … @default dropped */
  readonly onNotice?: (text: string) => void;
}

function settingsOf(options: SageMakerOptions, needsRole: boolean): AwsSettings {
  return resolveAwsSettings(
    {
      ...(options.region ? { region: options.region } : {}),
      ...(options.roleArn ? { roleArn: options.roleArn } : {}),
      ...(options.bucket ? { bucket: options.bucket } : {}),
      ...(options.account ? { account: options.account } : {}),
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    },
    process.env,
    process.cwd(),
    { role: needsRole },
  );
}

function targetOf(options: SageMakerOptions, settings: AwsSettings): SageMakerTarget {
  return new SageMakerTarget({
    settings,
    cwd: process.cwd(),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.onEvent ? { sink: options.onEvent } : {}),
    ...(options.onNotice ? { notice: options.onNotice } : {}),
  });
}

/** The executions on SageMaker, through the same interface as the local workspace's (ARNs, or ids with `pipelineName`). */
export function sageMakerExecutions(options: SageMakerOptions & { readonly pipelineName?: string } = {}): ExecutionTarget {
  const settings = settingsOf(options, false);
  return new SageMakerTarget({ settings, cwd: process.cwd(), ...(options.pipelineName ? { pipelineName: options.pipelineName } : {}), ...(options.pollMs ? { pollMs: options.pollMs } : {}) });
}

export interface RunOnSageMakerOptions extends SageMakerOptions, CompileInputOptions {
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  /** Selective execution: run only `steps`, taking the others' results from the execution `from` (ARN, or id of this pipeline). */
  readonly select?: { readonly steps: readonly string[]; readonly from: string };
  /** ParallelismConfiguration. @default the pipeline's */
  readonly maxParallelExecutionSteps?: number;
  readonly displayName?: string;
}

/** Stages the step code, creates or updates the pipeline, starts an execution and returns it while it runs. */
export async function runPipeline(input: PipelineInput, options: RunOnSageMakerOptions = {}): Promise<PipelineExecution> {
  const settings = settingsOf(options, true);
  const target = targetOf(options, settings);
  const compiled = await compileInput(input, 'sagemaker', {
    ...options,
    context: { account: settings.account, region: settings.region, defaultBucket: settings.bucket, roleArn: settings.roleArn, ...options.context },
  });
  const handle = await target.start(startRequest(compiled, options));
  const done: Promise<PipelineResult> = handle.done.then((record) =>
    pipelineResult(record, compiled.loaded.definition, { readObject: (uri) => target.readObject(uri) }),
  );
  done.catch(() => undefined);
  return { executionArn: handle.executionArn, executionId: handle.executionId, done, events: handle.events, stop: () => handle.stop() };
}
