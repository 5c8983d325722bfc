/**
 * Stopping a local execution from anywhere (the CLI, the UI): ask the process running it to stop, or, when that
 * process is gone (it crashed), mark what it left as Stopped.
 */
import type { ExecutionStore } from '../src/engine/store.ts';
import { ErrorCode, SagepipeError } from '../src/errors.ts';
import { isProcessAlive } from './runtime/runtime.ts';

export type StopOutcome =
  | { readonly kind: 'requested'; readonly executionId: string; readonly pid: number }
  | { readonly kind: 'markedStopped'; readonly executionId: string };

export async function stopLocalExecution(store: ExecutionStore, idOrArn: string, selfPid: number = process.pid): Promise<StopOutcome> {
  const { record } = await store.resolve(idOrArn);
  if (record.PipelineExecutionStatus !== 'Executing' && record.PipelineExecutionStatus !== 'Stopping') {
    throw new SagepipeError(ErrorCode.InvalidState, `execution ${record.PipelineExecutionId} is ${record.PipelineExecutionStatus}, not running`);
  }
  if (record.RunnerPid !== undefined && isProcessAlive(record.RunnerPid) && record.RunnerPid !== selfPid) {
    await store.requestStop(record.PipelineExecutionId);
    return { kind: 'requested', executionId: record.PipelineExecutionId, pid: record.RunnerPid };
  }
  const now = new Date().toISOString();
  for (const s of record.Steps) {
    if (s.StepStatus === 'Executing' || s.StepStatus === 'Starting' || s.StepStatus === 'Stopping') {
      s.StepStatus = 'Stopped';
      s.EndTime = now;
      s.FailureReason = 'the process running it ended';
    }
  }
  record.PipelineExecutionStatus = 'Stopped';
  record.EndTime = now;
  record.LastModifiedTime = now;
  await store.save(record);
  return { kind: 'markedStopped', executionId: record.PipelineExecutionId };
}
