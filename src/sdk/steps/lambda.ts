/**
 * `LambdaStep`: invokes a Lambda function with the step's inputs as its event; its declared outputs are read from
 * what the function returns. Locally, the function is a handler file named in the project config.
 */
import { outputParametersShape } from '../../definition/property-shapes.ts';
import type { CacheConfig } from '../policies.ts';
import { type OutputDeclarations, type OutputRefs, outputRefs, renderOutputs } from './outputs.ts';
import { type ArgumentTree, Step, type StepOptions } from './step.ts';

export interface LambdaStepOptions<O extends OutputDeclarations> extends StepOptions {
  readonly functionArn: string;
  /** The event: values may be parameters and other steps' properties. */
  readonly inputs?: Readonly<Record<string, ArgumentTree>>;
  readonly outputs?: O;
  readonly cacheConfig?: CacheConfig;
}

export class LambdaStep<O extends OutputDeclarations = Record<never, never>> extends Step<typeof outputParametersShape> {
  readonly type = 'Lambda' as const;
  /** Typed references to the declared outputs (`step.outputs.count`: an Integer). */
  readonly outputs: OutputRefs<O>;
  constructor(readonly options: LambdaStepOptions<O>) {
    super(options, outputParametersShape);
    this.outputs = outputRefs(this, options.outputs ?? ({} as O));
  }
  arguments(): ArgumentTree {
    return this.options.inputs ?? {};
  }
  override extraFields(): Record<string, unknown> {
    return {
      ...(this.options.cacheConfig ? { CacheConfig: this.options.cacheConfig.toDefinition() } : {}),
      FunctionArn: this.options.functionArn,
      OutputParameters: renderOutputs(this.options.outputs ?? {}),
    };
  }
}
