/**
 * Answering a Callback step's token (SendPipelineExecutionStepSuccess / SendPipelineExecutionStepFailure): the
 * answer is written to the execution's folder, where the process running the execution finds it. Callable from any
 * process — the CLI, `serve`, a test.
 */
import { definitionSteps } from '../definition/checks.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { CallbackResponse, ExecutionRecord, StepRecord } from './records.ts';
import type { ExecutionStore } from './store.ts';

export async function answerCallback(store: ExecutionStore, token: string, response: CallbackResponse): Promise<{ execution: ExecutionRecord; step: StepRecord }> {
  const found = await store.findCallback(token);
  if (!found) throw new SagepipeError(ErrorCode.ResourceNotFound, `no Callback step is waiting on token '${token}' (executions describe shows a waiting step's token)`, { path: token });
  if (found.step.StepStatus !== 'Executing') {
    throw new SagepipeError(ErrorCode.InvalidState, `the Callback step '${found.step.StepName}' of execution ${found.execution.PipelineExecutionId} is ${found.step.StepStatus}: its token can no longer be answered`, { path: token });
  }
  if (response.Status === 'Success') {
    const { definition } = await store.load(found.execution.PipelineExecutionId);
    const declared = definitionSteps(definition).find((s) => s.step.Name === found.step.StepName)?.step.OutputParameters;
    const names = (declared ?? []).map((o) => o.OutputName);
    const unknown = response.OutputParameters.filter((o) => !names.includes(o.Name)).map((o) => o.Name);
    if (unknown.length > 0) {
      throw new SagepipeError(ErrorCode.UsageError, `step '${found.step.StepName}' declares no output ${unknown.map((u) => `'${u}'`).join(', ')} (declared: ${names.join(', ') || 'none'})`, { path: token });
    }
  }
  await store.writeCallbackResponse(found.execution.PipelineExecutionId, token, response);
  return found;
}
