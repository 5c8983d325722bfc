/**
 * `CallbackStep`: the execution waits until something outside answers the step's token
 * (SendPipelineExecutionStepSuccess with the declared outputs, or SendPipelineExecutionStepFailure). The service
 * sends the token and the inputs to the SQS queue; locally they are shown, and `sagepipe executions callback` answers.
 */
import { outputParametersShape } from '../../definition/property-shapes.ts';
import type { CacheConfig } from '../policies.ts';
import { type OutputDeclarations, type OutputRefs, outputRefs, renderOutputs } from './outputs.ts';
import { type ArgumentTree, Step, type StepOptions } from './step.ts';

export interface CallbackStepOptions<O extends OutputDeclarations> extends StepOptions {
  readonly sqsQueueUrl: string;
  /** Sent with the token: values may be parameters and other steps' properties. */
  readonly inputs?: Readonly<Record<string, ArgumentTree>>;
  readonly outputs?: O;
  readonly cacheConfig?: CacheConfig;
}

export class CallbackStep<O extends OutputDeclarations = Record<never, never>> extends Step<typeof outputParametersShape> {
  readonly type = 'Callback' as const;
  readonly outputs: OutputRefs<O>;
  constructor(readonly options: CallbackStepOptions<O>) {
    super(options, outputParametersShape);
    this.outputs = outputRefs(this, options.outputs ?? ({} as O));
  }
  arguments(): ArgumentTree {
    return this.options.inputs ?? {};
  }
  override extraFields(): Record<string, unknown> {
    return {
      ...(this.options.cacheConfig ? { CacheConfig: this.options.cacheConfig.toDefinition() } : {}),
      SqsQueueUrl: this.options.sqsQueueUrl,
      OutputParameters: renderOutputs(this.options.outputs ?? {}),
    };
  }
}
