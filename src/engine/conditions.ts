/**
 * Evaluation of ConditionStep conditions with the service's comparison rules: numbers compare as numbers (a numeric
 * string read from a property file counts as one), strings compare as strings, booleans only for (in)equality;
 * comparing values of different kinds is an error, not `false`.
 */
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { CompiledCondition } from '../definition/conditions.ts';
import type { BinaryConditionType, Json } from '../definition/types.ts';
import { type EvaluationScope, evaluate } from './evaluate.ts';

export async function evaluateConditions(conditions: readonly CompiledCondition[], scope: EvaluationScope): Promise<boolean> {
  for (const c of conditions) if (!(await evaluateCondition(c, scope))) return false;
  return true;
}

export async function evaluateCondition(c: CompiledCondition, scope: EvaluationScope): Promise<boolean> {
  switch (c.type) {
    case 'Not':
      return !(await evaluateCondition(c.condition, scope));
    case 'Or':
      for (const inner of c.conditions) if (await evaluateCondition(inner, scope)) return true;
      return false;
    case 'In': {
      const q = await evaluate(c.queryValue, scope);
      for (const v of c.values) if (compare('Equals', q, await evaluate(v, scope), c.path) === true) return true;
      return false;
    }
    case 'Equals':
    case 'NotEquals':
    case 'GreaterThan':
    case 'GreaterThanOrEqualTo':
    case 'LessThan':
    case 'LessThanOrEqualTo':
      return compare(c.type, await evaluate(c.left, scope), await evaluate(c.right, scope), c.path);
    default: {
      const never: never = c;
      return never;
    }
  }
}

type Kind = 'number' | 'string' | 'boolean';

function kindOf(v: Json, path: string): Kind {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return typeof v as Kind;
  throw new SagepipeError(ErrorCode.ReferenceUnresolved, `${path}: cannot compare ${JSON.stringify(v)}: only numbers, strings and booleans compare`, { path });
}

export function compare(type: BinaryConditionType, left: Json, right: Json, path: string): boolean {
  let lk = kindOf(left, path);
  let rk = kindOf(right, path);
  let l: Json = left;
  let r: Json = right;
  // A number against a numeric string (e.g. a value in a property file written as text) compares as numbers.
  if (lk === 'number' && rk === 'string' && r !== '' && !Number.isNaN(Number(r))) {
    r = Number(r);
    rk = 'number';
  } else if (lk === 'string' && rk === 'number' && l !== '' && !Number.isNaN(Number(l))) {
    l = Number(l);
    lk = 'number';
  }
  if (lk !== rk) {
    throw new SagepipeError(ErrorCode.ReferenceUnresolved, `${path}: ${type} cannot compare ${lk} ${JSON.stringify(left)} with ${rk} ${JSON.stringify(right)}`, { path });
  }
  switch (type) {
    case 'Equals':
      return l === r;
    case 'NotEquals':
      return l !== r;
    default:
      if (lk === 'boolean') throw new SagepipeError(ErrorCode.ReferenceUnresolved, `${path}: ${type} does not apply to booleans`, { path });
  }
  const a = l as number | string;
  const b = r as number | string;
  switch (type) {
    case 'GreaterThan':
      return a > b;
    case 'GreaterThanOrEqualTo':
      return a >= b;
    case 'LessThan':
      return a < b;
    case 'LessThanOrEqualTo':
      return a <= b;
    default: {
      const never: never = type;
      return never;
    }
  }
}
