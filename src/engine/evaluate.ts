/**
 * Substitution of a step's parsed expressions (definition/expressions.ts): `Get` (Parameters, Execution, Steps),
 * `Std:Join` and `Std:JsonGet`, at the positions the loader found. The property files the expression reads are
 * fetched first (concurrently), then the tree is evaluated in one synchronous walk. A reference that cannot be
 * resolved is an error naming the reference. Literal parts are returned as they are in the definition: callers
 * must not mutate the result.
 */
import { ErrorCode, SagepipeError } from '../errors.ts';
import { type Expr, type Hole, type ReferenceExpr, referencesOf } from '../definition/expressions.ts';
import { isPlainObject } from '../definition/references.ts';
import type { Json } from '../definition/types.ts';
import { jsonGetSegments } from './json-path.ts';
import { lookupSegments } from './property-lookup.ts';

export interface EvaluationScope {
  readonly parameters: ReadonlyMap<string, string | number | boolean>;
  /** The value of `Execution.<name>`. */
  execution(name: string): string | undefined;
  /** The properties of a step that succeeded in this execution (or was taken from another), else undefined. */
  stepProperties(step: string): Json | undefined;
  /** The parsed content of a property file of a step. */
  readPropertyFile(step: string, file: string): Promise<Json>;
}

type JsonGetExpr = Extract<ReferenceExpr, { kind: 'jsonGet' }>;
const NO_DOCUMENTS: ReadonlyMap<JsonGetExpr, Json> = new Map();

function unresolved(expression: Json, reason: string): SagepipeError {
  return new SagepipeError(ErrorCode.ReferenceUnresolved, `cannot resolve ${JSON.stringify(expression)}: ${reason}`);
}

export async function evaluate(expr: Expr, scope: EvaluationScope): Promise<Json> {
  if (expr.kind === 'literal') return expr.value;
  const reads = referencesOf(expr).filter((e): e is JsonGetExpr => e.kind === 'jsonGet');
  if (reads.length === 0) return evaluateWith(expr, scope, NO_DOCUMENTS);
  const documents = new Map<JsonGetExpr, Json>();
  await Promise.all(
    reads.map(async (e) => {
      try {
        documents.set(e, await scope.readPropertyFile(e.step, e.file));
      } catch (error) {
        throw unresolved(e.json, error instanceof Error ? error.message : String(error));
      }
    }),
  );
  return evaluateWith(expr, scope, documents);
}

function evaluateWith(expr: Expr, scope: EvaluationScope, documents: ReadonlyMap<JsonGetExpr, Json>): Json {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'parameter': {
      const v = scope.parameters.get(expr.name);
      if (v === undefined) throw unresolved(expr.json, `parameter '${expr.name}' has no value`);
      return v;
    }
    case 'execution': {
      const v = scope.execution(expr.name);
      if (v === undefined) throw unresolved(expr.json, `unknown execution variable '${expr.name}'`);
      return v;
    }
    case 'stepProperty': {
      const props = scope.stepProperties(expr.step);
      if (props === undefined) throw unresolved(expr.json, `step '${expr.step}' has not succeeded in this execution`);
      if (!expr.segments) throw unresolved(expr.json, `malformed property path '${expr.propertyPath}'`);
      const r = lookupSegments(props, expr.segments);
      if ('error' in r) throw unresolved(expr.json, r.error);
      return r.value;
    }
    case 'jsonGet': {
      const document = documents.get(expr) as Json;
      if (!expr.segments) throw unresolved(expr.json, `property file ${expr.file}: malformed path '${expr.jsonPath}'`);
      const result = jsonGetSegments(document, expr.segments);
      if ('error' in result) throw unresolved(expr.json, `property file ${expr.file}: ${result.error}`);
      return result.value;
    }
    case 'join':
      return expr.values.map((v) => joinPart(evaluateWith(v, scope, documents))).join(expr.on);
    case 'template':
      return fillTemplate(expr.value, expr.holes, (e) => evaluateWith(e, scope, documents));
    default: {
      const never: never = expr;
      return never;
    }
  }
}

/**
 * A copy of `value` with each hole filled: only the lists and objects on the way to a hole are copied, the rest is
 * shared with the definition.
 */
function fillTemplate(value: Json, holes: readonly Hole[], valueOf: (expr: Expr) => Json): Json {
  const copied = new Set<Json>();
  const copy = (v: Json): Json => {
    const c: Json = Array.isArray(v) ? v.slice() : isPlainObject(v) ? { ...v } : v;
    copied.add(c);
    return c;
  };
  const root = copy(value);
  for (const { at, expr } of holes) {
    let parent = root;
    for (let i = 0; i < at.length - 1; i++) {
      const key = at[i] as string | number;
      const child = childOf(parent, key);
      const next = copied.has(child) ? child : copy(child);
      setChild(parent, key, next);
      parent = next;
    }
    setChild(parent, at[at.length - 1] as string | number, valueOf(expr));
  }
  return root;
}

function childOf(parent: Json, key: string | number): Json {
  if (Array.isArray(parent)) return parent[key as number] as Json;
  return isPlainObject(parent) ? (parent[key as string] as Json) : null;
}

function setChild(parent: Json, key: string | number, value: Json): void {
  if (Array.isArray(parent)) parent[key as number] = value;
  else if (isPlainObject(parent)) parent[key as string] = value;
}

function joinPart(v: Json): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
