/**
 * Conditions normalized from their wire forms: binary comparisons with LeftValue/RightValue; `In` with
 * QueryValue/Values at the top or under `Arguments`; `Not` with `Expression` (Python SDK), `Condition`, or
 * `Arguments.Condition`; `Or` with `Conditions`.
 */
import type { Issue } from '../errors.ts';
import { isPlainObject } from './references.ts';
import { BINARY_CONDITION_TYPES, type BinaryConditionType, type Json } from './types.ts';

export type NormalizedCondition =
  | { readonly type: BinaryConditionType; readonly left: Json; readonly right: Json; readonly path: string }
  | { readonly type: 'In'; readonly queryValue: Json; readonly values: readonly Json[]; readonly path: string }
  | { readonly type: 'Not'; readonly condition: NormalizedCondition; readonly path: string }
  | { readonly type: 'Or'; readonly conditions: readonly NormalizedCondition[]; readonly path: string };

export function normalizeConditions(list: readonly Json[], path: string): { conditions: NormalizedCondition[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const conditions: NormalizedCondition[] = [];
  list.forEach((c, i) => {
    const n = normalizeCondition(c, `${path}[${i}]`, issues);
    if (n) conditions.push(n);
  });
  return { conditions, issues };
}

function normalizeCondition(raw: Json, path: string, issues: Issue[]): NormalizedCondition | undefined {
  if (!isPlainObject(raw) || typeof raw.Type !== 'string') {
    issues.push({ path, message: 'a condition must be an object with a Type' });
    return undefined;
  }
  const args = isPlainObject(raw.Arguments) ? raw.Arguments : raw;
  const type = raw.Type;
  if ((BINARY_CONDITION_TYPES as readonly string[]).includes(type)) {
    if (!('LeftValue' in args) || !('RightValue' in args)) {
      issues.push({ path, message: `${type} needs LeftValue and RightValue` });
      return undefined;
    }
    return { type: type as BinaryConditionType, left: args.LeftValue as Json, right: args.RightValue as Json, path };
  }
  switch (type) {
    case 'In': {
      const query = 'QueryValue' in args ? args.QueryValue : args.Value;
      const values = 'Values' in args ? args.Values : args.In;
      if (query === undefined || !Array.isArray(values)) {
        issues.push({ path, message: 'In needs QueryValue and a list of Values' });
        return undefined;
      }
      return { type: 'In', queryValue: query, values, path };
    }
    case 'Not': {
      const inner = args.Condition ?? args.Expression;
      if (inner === undefined) {
        issues.push({ path, message: 'Not needs the Condition it negates' });
        return undefined;
      }
      const condition = normalizeCondition(inner, `${path}.Condition`, issues);
      return condition ? { type: 'Not', condition, path } : undefined;
    }
    case 'Or': {
      if (!Array.isArray(args.Conditions)) {
        issues.push({ path, message: 'Or needs a list of Conditions' });
        return undefined;
      }
      const nested = normalizeConditions(args.Conditions, `${path}.Conditions`);
      issues.push(...nested.issues);
      return { type: 'Or', conditions: nested.conditions, path };
    }
    default:
      issues.push({ path, message: `unknown condition type '${type}'` });
      return undefined;
  }
}
