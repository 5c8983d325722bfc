/**
 * Conditions normalized from their wire forms into a typed tree whose operands are parsed expressions: binary
 * comparisons with LeftValue/RightValue; `In` with QueryValue/Values at the top or under `Arguments`; `Not` with
 * `Expression` (Python SDK), `Condition`, or `Arguments.Condition`; `Or` with `Conditions`.
 */
import type { Issue } from '../errors.ts';
import { type Expr, type ParseOutput, parseExpr } from './expressions.ts';
import { isPlainObject } from './references.ts';
import { BINARY_CONDITION_TYPES, type BinaryConditionType, type Json } from './types.ts';

/** `path`: where the condition stands, named in shape, type and comparison errors. */
export type CompiledCondition =
  | { readonly type: BinaryConditionType; readonly left: Expr; readonly right: Expr; readonly path: string }
  | { readonly type: 'In'; readonly queryValue: Expr; readonly values: readonly Expr[]; readonly path: string }
  | { readonly type: 'Not'; readonly condition: CompiledCondition; readonly path: string }
  | { readonly type: 'Or'; readonly conditions: readonly CompiledCondition[]; readonly path: string };

/** Shape problems and malformed references in the operands go to `out.issues`, the references to `out.references`. */
export function normalizeConditions(list: readonly Json[], path: string, out: ParseOutput = { issues: [], references: [] }): { conditions: CompiledCondition[]; issues: Issue[] } {
  const conditions: CompiledCondition[] = [];
  list.forEach((c, i) => {
    const n = normalizeCondition(c, `${path}[${i}]`, out);
    if (n) conditions.push(n);
  });
  return { conditions, issues: out.issues };
}

function normalizeCondition(raw: Json, path: string, out: ParseOutput): CompiledCondition | undefined {
  if (!isPlainObject(raw) || typeof raw.Type !== 'string') {
    out.issues.push({ path, message: 'a condition must be an object with a Type' });
    return undefined;
  }
  const nested = isPlainObject(raw.Arguments);
  const args = nested ? (raw.Arguments as { [key: string]: Json }) : raw;
  // Where an operand really stands, for the paths of the references in it.
  const at = (key: string) => `${path}${nested ? '.Arguments' : ''}.${key}`;
  const type = raw.Type;
  if ((BINARY_CONDITION_TYPES as readonly string[]).includes(type)) {
    if (!('LeftValue' in args) || !('RightValue' in args)) {
      out.issues.push({ path, message: `${type} needs LeftValue and RightValue` });
      return undefined;
    }
    return {
      type: type as BinaryConditionType,
      left: parseExpr(args.LeftValue, at('LeftValue'), out),
      right: parseExpr(args.RightValue, at('RightValue'), out),
      path,
    };
  }
  switch (type) {
    case 'In': {
      const queryKey = 'QueryValue' in args ? 'QueryValue' : 'Value';
      const valuesKey = 'Values' in args ? 'Values' : 'In';
      const query = args[queryKey];
      const values = args[valuesKey];
      if (query === undefined || !Array.isArray(values)) {
        out.issues.push({ path, message: 'In needs QueryValue and a list of Values' });
        return undefined;
      }
      return {
        type: 'In',
        queryValue: parseExpr(query, at(queryKey), out),
        values: values.map((v, i) => parseExpr(v, `${at(valuesKey)}[${i}]`, out)),
        path,
      };
    }
    case 'Not': {
      const inner = args.Condition ?? args.Expression;
      if (inner === undefined) {
        out.issues.push({ path, message: 'Not needs the Condition it negates' });
        return undefined;
      }
      const condition = normalizeCondition(inner, `${path}.Condition`, out);
      return condition ? { type: 'Not', condition, path } : undefined;
    }
    case 'Or': {
      if (!Array.isArray(args.Conditions)) {
        out.issues.push({ path, message: 'Or needs a list of Conditions' });
        return undefined;
      }
      const { conditions } = normalizeConditions(args.Conditions, `${path}.Conditions`, out);
      return { type: 'Or', conditions, path };
    }
    default:
      out.issues.push({ path, message: `unknown condition type '${type}'` });
      return undefined;
  }
}
