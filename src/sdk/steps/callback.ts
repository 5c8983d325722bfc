/**
 * `CallbackStep`: the execution waits until something outside answers the step's token
 * (SendPipelineExecutionStepSuccess with the declared outputs, or SendPipelineExecutionStepFailure). The service
 * sends the token and the inputs to the SQS queue; locally they are shown, and `sagepipe executions callback` answers.
 */
import { type OutputDeclarations, OutputParameterStep, type OutputStepOptions } from './outputs.ts';

export interface CallbackStepOptions<O extends OutputDeclarations> extends OutputStepOptions<O> {
  readonly sqsQueueUrl: string;
}

export class CallbackStep<O extends OutputDeclarations = Record<never, never>> extends OutputParameterStep<O, CallbackStepOptions<O>> {
  readonly type = 'Callback' as const;
  constructor(options: CallbackStepOptions<O>) {
    super(options);
  }
  protected targetFields(): Record<string, unknown> {
    return { SqsQueueUrl: this.options.sqsQueueUrl };
  }
}
