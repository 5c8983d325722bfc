/** Pipeline parameters: typed inputs of an execution, referenced as `{"Get": "Parameters.<name>"}`. */
import type { ParameterDefinition, ParameterType } from '../definition/types.ts';
import { ExpressionBase, type ExpressionReference } from './expressions.ts';
import type { Json } from '../definition/types.ts';

type DefaultOf<T extends ParameterType> = T extends 'String'
  ? string
  : T extends 'Integer' | 'Float'
    ? number
    : boolean;

export abstract class Parameter<T extends ParameterType> extends ExpressionBase<T> {
  abstract override readonly valueType: T;
  constructor(
    readonly name: string,
    readonly defaultValue: DefaultOf<T> | undefined,
    readonly description: string | undefined,
  ) {
    super();
  }
  override render(): Json {
    return { Get: `Parameters.${this.name}` };
  }
  override references(): readonly ExpressionReference[] {
    return [{ kind: 'parameter', name: this.name, target: this }];
  }
  /** The parameter's entry in the definition's `Parameters` list. */
  toDefinition(): ParameterDefinition {
    return {
      Name: this.name,
      Type: this.valueType,
      ...(this.defaultValue === undefined ? {} : { DefaultValue: this.defaultValue }),
      ...(this.description === undefined ? {} : { Description: this.description }),
    };
  }
}

export interface ParameterOptions<V> {
  readonly name: string;
  readonly defaultValue?: V;
  readonly description?: string;
}

export class ParameterString extends Parameter<'String'> {
  readonly valueType = 'String' as const;
  readonly enumValues: readonly string[] | undefined;
  constructor(options: ParameterOptions<string> & { readonly enumValues?: readonly string[] }) {
    super(options.name, options.defaultValue, options.description);
    this.enumValues = options.enumValues;
  }
  override toDefinition(): ParameterDefinition {
    const base = super.toDefinition();
    return this.enumValues === undefined ? base : { ...base, EnumValues: [...this.enumValues] };
  }
}

export class ParameterInteger extends Parameter<'Integer'> {
  readonly valueType = 'Integer' as const;
  constructor(options: ParameterOptions<number>) {
    super(options.name, options.defaultValue, options.description);
  }
}

export class ParameterFloat extends Parameter<'Float'> {
  readonly valueType = 'Float' as const;
  constructor(options: ParameterOptions<number>) {
    super(options.name, options.defaultValue, options.description);
  }
}

export class ParameterBoolean extends Parameter<'Boolean'> {
  readonly valueType = 'Boolean' as const;
  constructor(options: ParameterOptions<boolean>) {
    super(options.name, options.defaultValue, options.description);
  }
}

export type AnyParameter = ParameterString | ParameterInteger | ParameterFloat | ParameterBoolean;
