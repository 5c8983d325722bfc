/**
 * Pipeline variables: values only known when an execution runs (parameters, execution variables, step properties,
 * functions of those). Each is an inert object that knows what it refers to and renders its JSON form
 * (`{"Get": …}`, `{"Std:Join": …}`, `{"Std:JsonGet": …}`) only when the definition is synthesized.
 */
import type { ExecutionVariableName, Json } from '../definition/types.ts';

const EXPRESSION = Symbol.for('sagepipe.expression');

/** The value type an expression evaluates to; `Any` for values read from files (JsonGet). */
export type ValueType = 'String' | 'Integer' | 'Float' | 'Boolean' | 'Any';

/** What an expression depends on, gathered while synthesizing the definition. */
export interface ExpressionReference {
  readonly kind: 'parameter' | 'step' | 'propertyFile';
  /** Parameter name, or the referenced step's name. */
  readonly name: string;
  /** The step object behind a step reference (to check it is in the pipeline). */
  readonly target?: unknown;
  /** For property files: the file's name. */
  readonly propertyFile?: string;
  /** For step property references whose path is not valid for that step type. */
  readonly invalidPath?: string;
  /** For step property references: the property path (`ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`). */
  readonly path?: string;
}

export interface Expression<T extends ValueType = ValueType> {
  readonly [EXPRESSION]: true;
  /** Compile-time only: the type this expression evaluates to. */
  readonly valueType: T;
  /** The JSON form in the definition. */
  render(): Json;
  /** Parameters, steps and property files this expression reads. */
  references(): readonly ExpressionReference[];
}

export function isExpression(value: unknown): value is Expression {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[EXPRESSION] === true;
}

export abstract class ExpressionBase<T extends ValueType> implements Expression<T> {
  readonly [EXPRESSION] = true as const;
  abstract readonly valueType: T;
  abstract render(): Json;
  abstract references(): readonly ExpressionReference[];
  /** Guards against `${expr}` in a template string: the value is not known until the execution runs. */
  toString(): string {
    throw new TypeError(
      `A pipeline variable (${JSON.stringify(this.render())}) cannot be used as a string while the pipeline is built: use Join() to build strings from it.`,
    );
  }
  toJSON(): Json {
    return this.render();
  }
}

/** A value of type T, or a pipeline variable that evaluates to one. */
export type Value<T extends ValueType> = (T extends 'String'
  ? string
  : T extends 'Integer' | 'Float'
    ? number
    : T extends 'Boolean'
      ? boolean
      : string | number | boolean) | Expression<T> | Expression<'Any'>;

export type StringValue = Value<'String'>;
export type IntegerValue = Value<'Integer'>;
export type FloatValue = Value<'Float'> | Expression<'Integer'>;
export type BooleanValue = Value<'Boolean'>;

/** `{"Get": "Execution.<name>"}` */
export class ExecutionVariable<T extends ValueType = 'String'> extends ExpressionBase<T> {
  constructor(
    readonly name: ExecutionVariableName,
    readonly valueType: T,
  ) {
    super();
  }
  render(): Json {
    return { Get: `Execution.${this.name}` };
  }
  references(): readonly ExpressionReference[] {
    return [];
  }
}

/** The execution variables SageMaker provides to every step. */
export const ExecutionVariables = {
  PipelineExecutionId: new ExecutionVariable('PipelineExecutionId', 'String'),
  PipelineExecutionArn: new ExecutionVariable('PipelineExecutionArn', 'String'),
  StartDateTime: new ExecutionVariable('StartDateTime', 'String'),
  CurrentDateTime: new ExecutionVariable('CurrentDateTime', 'String'),
  PipelineName: new ExecutionVariable('PipelineName', 'String'),
  PipelineArn: new ExecutionVariable('PipelineArn', 'String'),
} as const;

export interface JoinOptions {
  /** @default '' */
  readonly on?: string;
  readonly values: readonly (string | number | boolean | Expression)[];
}

/** `Std:Join`: concatenates values with a separator when the execution runs. */
export class JoinFunction extends ExpressionBase<'String'> {
  readonly valueType = 'String' as const;
  readonly on: string;
  readonly values: readonly (string | number | boolean | Expression)[];
  constructor(options: JoinOptions) {
    super();
    this.on = options.on ?? '';
    this.values = options.values;
  }
  render(): Json {
    return { 'Std:Join': { On: this.on, Values: this.values.map((v) => (isExpression(v) ? v.render() : v)) } };
  }
  references(): readonly ExpressionReference[] {
    return this.values.flatMap((v) => (isExpression(v) ? v.references() : []));
  }
}

export function Join(options: JoinOptions): JoinFunction;
export function Join(on: string, values: readonly (string | number | boolean | Expression)[]): JoinFunction;
export function Join(
  onOrOptions: string | JoinOptions,
  values?: readonly (string | number | boolean | Expression)[],
): JoinFunction {
  return typeof onOrOptions === 'string'
    ? new JoinFunction({ on: onOrOptions, values: values ?? [] })
    : new JoinFunction(onOrOptions);
}
