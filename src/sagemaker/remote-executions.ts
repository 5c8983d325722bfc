/** Executions on SageMaker (or a compatible endpoint): list, describe, stop, retry — with the local record shapes. */
import {
  DescribePipelineCommand,
  DescribePipelineDefinitionForExecutionCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  RetryPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { type LoadedDefinition, loadDefinitionText } from '../definition/loader.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import type { EventSink } from '../engine/events.ts';
import type { ExecutionRecord } from '../engine/records.ts';
import type { CallbackAnswer } from '../engine/target.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import { type Clients, awsError, describeRemoteExecution, followExecution } from './remote-run.ts';

export interface RemoteSummary {
  readonly PipelineName: string;
  readonly PipelineExecutionArn: string;
  readonly PipelineExecutionStatus: string;
  readonly StartTime: string | undefined;
  readonly FailureReason: string | undefined;
}

/** An execution ARN from an ARN, or from an id and `--pipeline`. */
export async function executionArn(clients: Clients, idOrArn: string, pipeline: string | undefined): Promise<string> {
  if (idOrArn.startsWith('arn:')) return idOrArn;
  if (!pipeline) throw new SagepipeError(ErrorCode.UsageError, `with --target sagemaker, give the execution ARN, or the id with --pipeline <name>`);
  try {
    const p = await clients.sageMaker.send(new DescribePipelineCommand({ PipelineName: pipeline }));
    return `${p.PipelineArn}/execution/${idOrArn}`;
  } catch (error) {
    throw awsError(error, `describing pipeline ${pipeline}`);
  }
}

export async function listRemote(clients: Clients, pipeline: string | undefined): Promise<RemoteSummary[]> {
  try {
    const names = pipeline ? [pipeline] : ((await clients.sageMaker.send(new ListPipelinesCommand({}))).PipelineSummaries ?? []).map((p) => p.PipelineName as string);
    const out: RemoteSummary[] = [];
    for (const name of names) {
      const page = await clients.sageMaker.send(new ListPipelineExecutionsCommand({ PipelineName: name }));
      for (const e of page.PipelineExecutionSummaries ?? []) {
        out.push({
          PipelineName: name,
          PipelineExecutionArn: e.PipelineExecutionArn as string,
          PipelineExecutionStatus: e.PipelineExecutionStatus as string,
          StartTime: e.StartTime?.toISOString(),
          FailureReason: e.PipelineExecutionFailureReason,
        });
      }
    }
    return out.sort((a, b) => (b.StartTime ?? '').localeCompare(a.StartTime ?? ''));
  } catch (error) {
    throw awsError(error, 'listing pipeline executions');
  }
}

async function definitionOf(clients: Clients, arn: string) {
  const d = await clients.sageMaker.send(new DescribePipelineDefinitionForExecutionCommand({ PipelineExecutionArn: arn }));
  return loadDefinitionText(d.PipelineDefinition ?? '{}', { source: `definition of ${arn}` });
}

const pipelineOf = (arn: string) => arn.split('/execution/')[0]?.split('/').pop() ?? '';

export async function describeRemote(clients: Clients, arn: string): Promise<ExecutionRecord> {
  try {
    return await describeRemoteExecution(clients, arn, pipelineOf(arn), await definitionOf(clients, arn));
  } catch (error) {
    if (error instanceof SagepipeError) throw error;
    throw awsError(error, `describing ${arn}`);
  }
}

export async function stopRemote(clients: Clients, arn: string): Promise<void> {
  try {
    await clients.sageMaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn }));
  } catch (error) {
    throw awsError(error, `stopping ${arn}`);
  }
}

export async function retryRemote(
  clients: Clients,
  arn: string,
  sink: EventSink,
  pollMs: number,
  signal?: AbortSignal,
): Promise<{ record: ExecutionRecord; definition: PipelineDefinition }> {
  const loaded = await startRetryRemote(clients, arn, sink);
  return { record: await followExecution(clients, arn, pipelineOf(arn), loaded, sink, pollMs, signal), definition: loaded.definition };
}

/** RetryPipelineExecution after checking the status; returns the definition it runs (after `executionStarted`). */
export async function startRetryRemote(clients: Clients, arn: string, sink: EventSink): Promise<LoadedDefinition> {
  let loaded;
  try {
    const status = (await clients.sageMaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus;
    if (status !== 'Failed' && status !== 'Stopped') throw new SagepipeError(ErrorCode.InvalidState, `execution ${arn} is ${status}: only Failed or Stopped executions can be retried`);
    loaded = await definitionOf(clients, arn);
    await clients.sageMaker.send(new RetryPipelineExecutionCommand({ PipelineExecutionArn: arn }));
  } catch (error) {
    if (error instanceof SagepipeError) throw error;
    throw awsError(error, `retrying ${arn}`);
  }
  sink({ type: 'executionStarted', executionId: arn.split('/').pop() as string, executionArn: arn, pipelineName: pipelineOf(arn), steps: loaded.graph.order.map((n) => ({ name: n, type: loaded.graph.nodes.get(n)?.type ?? '' })), retry: true });
  return loaded;
}

/** SendPipelineExecutionStepSuccess / SendPipelineExecutionStepFailure on SageMaker (or a compatible endpoint). */
export async function answerCallbackRemote(
  clients: Clients,
  token: string,
  answer: CallbackAnswer,
): Promise<{ executionArn?: string }> {
  const { SendPipelineExecutionStepFailureCommand, SendPipelineExecutionStepSuccessCommand } = await import('@aws-sdk/client-sagemaker');
  try {
    const out = answer.success
      ? await clients.sageMaker.send(new SendPipelineExecutionStepSuccessCommand({ CallbackToken: token, OutputParameters: [...answer.outputs] }))
      : await clients.sageMaker.send(new SendPipelineExecutionStepFailureCommand({ CallbackToken: token, FailureReason: answer.reason }));
    return out.PipelineExecutionArn ? { executionArn: out.PipelineExecutionArn } : {};
  } catch (error) {
    throw awsError(error, `answering callback ${token}`);
  }
}

/** The definition an execution ran. */
export async function definitionForExecution(clients: Clients, arn: string): Promise<LoadedDefinition> {
  try {
    return await definitionOf(clients, arn);
  } catch (error) {
    if (error instanceof SagepipeError) throw error;
    throw awsError(error, `reading the definition of ${arn}`);
  }
}

export { pipelineOf };
