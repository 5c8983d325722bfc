/**
 * Declared outputs of Lambda and Callback steps: `OutputParameters` in the definition, typed references in the SDK,
 * and the step both are built on (inputs as the arguments, outputs as references, an optional cache config).
 */
import { type ScalarType, outputParametersShape } from '../../definition/property-shapes.ts';
import type { CacheConfig } from '../policies.ts';
import { PropertyRef, type StepLike } from '../properties.ts';
import { type ArgumentTree, Step, type StepOptions } from './step.ts';

/** Output names and their types (`{ approver: 'String', score: 'Float' }`). */
export type OutputDeclarations = Readonly<Record<string, ScalarType>>;

export type OutputRefs<O extends OutputDeclarations> = { readonly [K in keyof O]: PropertyRef<O[K]> };

export function outputRefs<O extends OutputDeclarations>(step: StepLike, outputs: O): OutputRefs<O> {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, type]) => [name, new PropertyRef(step, [{ kind: 'field', name: 'OutputParameters' }, { kind: 'key', key: name }], type)]),
  ) as OutputRefs<O>;
}

export function renderOutputs(outputs: OutputDeclarations): { OutputName: string; OutputType: ScalarType }[] {
  return Object.entries(outputs).map(([OutputName, OutputType]) => ({ OutputName, OutputType }));
}

export interface OutputStepOptions<O extends OutputDeclarations> extends StepOptions {
  /** Sent to what the step calls: values may be parameters and other steps' properties. */
  readonly inputs?: Readonly<Record<string, ArgumentTree>>;
  readonly outputs?: O;
  readonly cacheConfig?: CacheConfig;
}

/** A step whose properties are its declared `OutputParameters` (Lambda, Callback). */
export abstract class OutputParameterStep<O extends OutputDeclarations, Options extends OutputStepOptions<O>> extends Step<typeof outputParametersShape> {
  /** Typed references to the declared outputs (`step.outputs.count`: an Integer). */
  readonly outputs: OutputRefs<O>;
  protected constructor(readonly options: Options) {
    super(options, outputParametersShape);
    this.outputs = outputRefs(this, options.outputs ?? ({} as O));
  }
  arguments(): ArgumentTree {
    return this.options.inputs ?? {};
  }
  /** What the step calls (`FunctionArn`, `SqsQueueUrl`), rendered between the cache config and the outputs. */
  protected abstract targetFields(): Record<string, unknown>;
  override extraFields(): Record<string, unknown> {
    return {
      ...(this.options.cacheConfig ? { CacheConfig: this.options.cacheConfig.toDefinition() } : {}),
      ...this.targetFields(),
      OutputParameters: renderOutputs(this.options.outputs ?? {}),
    };
  }
}
