/**
 * `LambdaStep`: invokes a Lambda function with the step's inputs as its event; its declared outputs are read from
 * what the function returns. Locally, the function is a handler file named in the project config.
 */
import { type OutputDeclarations, OutputParameterStep, type OutputStepOptions } from './outputs.ts';

export interface LambdaStepOptions<O extends OutputDeclarations> extends OutputStepOptions<O> {
  readonly functionArn: string;
}

export class LambdaStep<O extends OutputDeclarations = Record<never, never>> extends OutputParameterStep<O, LambdaStepOptions<O>> {
  readonly type = 'Lambda' as const;
  constructor(options: LambdaStepOptions<O>) {
    super(options);
  }
  protected targetFields(): Record<string, unknown> {
    return { FunctionArn: this.options.functionArn };
  }
}
