/**
 * Conditions of a ConditionStep, rendered with the service's type and field names.
 *
 * Binary comparisons carry `LeftValue`/`RightValue`; `In` carries `QueryValue`/`Values` and `Not` its `Condition`
 * under `Arguments` (the service's form; the loader also reads the Python SDK's unwrapped form).
 */
import type { BinaryConditionType, Json } from '../definition/types.ts';
import { type Expression, type ExpressionReference, isExpression } from './expressions.ts';

type Operand = string | number | boolean | Expression;

export interface Condition {
  readonly type: string;
  render(): Json;
  references(): readonly ExpressionReference[];
}

const renderOperand = (v: Operand): Json => (isExpression(v) ? v.render() : v);
const refsOf = (values: readonly Operand[]): ExpressionReference[] =>
  values.flatMap((v) => (isExpression(v) ? v.references() : []));

class BinaryCondition implements Condition {
  constructor(
    readonly type: BinaryConditionType,
    readonly left: Operand,
    readonly right: Operand,
  ) {}
  render(): Json {
    return { Type: this.type, LeftValue: renderOperand(this.left), RightValue: renderOperand(this.right) };
  }
  references(): readonly ExpressionReference[] {
    return refsOf([this.left, this.right]);
  }
}

class InCondition implements Condition {
  readonly type = 'In';
  constructor(
    readonly value: Operand,
    readonly values: readonly Operand[],
  ) {}
  render(): Json {
    return { Type: 'In', Arguments: { QueryValue: renderOperand(this.value), Values: this.values.map(renderOperand) } };
  }
  references(): readonly ExpressionReference[] {
    return refsOf([this.value, ...this.values]);
  }
}

class NotCondition implements Condition {
  readonly type = 'Not';
  constructor(readonly condition: Condition) {}
  render(): Json {
    return { Type: 'Not', Arguments: { Condition: this.condition.render() } };
  }
  references(): readonly ExpressionReference[] {
    return this.condition.references();
  }
}

class OrCondition implements Condition {
  readonly type = 'Or';
  constructor(readonly conditions: readonly Condition[]) {}
  render(): Json {
    return { Type: 'Or', Conditions: this.conditions.map((c) => c.render()) };
  }
  references(): readonly ExpressionReference[] {
    return this.conditions.flatMap((c) => c.references());
  }
}

/** Operands whose types are compatible at compile time: numbers with numbers, strings with strings … */
type Comparable<L> = L extends Expression<infer T>
  ? T extends 'Integer' | 'Float'
    ? number | Expression<'Integer' | 'Float' | 'Any'>
    : T extends 'String'
      ? string | Expression<'String' | 'Any'>
      : T extends 'Boolean'
        ? boolean | Expression<'Boolean' | 'Any'>
        : Operand
  : L extends number
    ? number | Expression<'Integer' | 'Float' | 'Any'>
    : L extends string
      ? string | Expression<'String' | 'Any'>
      : L extends boolean
        ? boolean | Expression<'Boolean' | 'Any'>
        : Operand;

export const ConditionEquals = <L extends Operand>(left: L, right: Comparable<L>): Condition =>
  new BinaryCondition('Equals', left, right as Operand);
export const ConditionNotEquals = <L extends Operand>(left: L, right: Comparable<L>): Condition =>
  new BinaryCondition('NotEquals', left, right as Operand);
export const ConditionGreaterThan = <L extends Operand>(left: L, right: Comparable<L>): Condition =>
  new BinaryCondition('GreaterThan', left, right as Operand);
export const ConditionGreaterThanOrEqualTo = <L extends Operand>(left: L, right: Comparable<L>): Condition =>
  new BinaryCondition('GreaterThanOrEqualTo', left, right as Operand);
export const ConditionLessThan = <L extends Operand>(left: L, right: Comparable<L>): Condition =>
  new BinaryCondition('LessThan', left, right as Operand);
export const ConditionLessThanOrEqualTo = <L extends Operand>(left: L, right: Comparable<L>): Condition =>
  new BinaryCondition('LessThanOrEqualTo', left, right as Operand);
export const ConditionIn = <L extends Operand>(value: L, values: readonly Comparable<L>[]): Condition =>
  new InCondition(value, values as readonly Operand[]);
export const ConditionNot = (condition: Condition): Condition => new NotCondition(condition);
export const ConditionOr = (...conditions: readonly Condition[]): Condition => new OrCondition(conditions);
