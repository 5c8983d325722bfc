/**
 * Evaluation of expressions at any depth of a step's arguments: `Get` (Parameters, Execution, Steps), `Std:Join`
 * and `Std:JsonGet`. A reference that cannot be resolved is an error naming the reference.
 */
import { ErrorCode, SagepipeError } from '../errors.ts';
import { isPlainObject, parseGet } from '../definition/references.ts';
import type { Json } from '../definition/types.ts';
import { jsonGet } from './json-path.ts';
import { lookupProperty } from './property-lookup.ts';

export interface EvaluationScope {
  readonly parameters: ReadonlyMap<string, string | number | boolean>;
  /** The value of `Execution.<name>`. */
  execution(name: string): string | undefined;
  /** The properties of a step that succeeded in this execution (or was taken from another), else undefined. */
  stepProperties(step: string): Json | undefined;
  /** The parsed content of a property file of a step. */
  readPropertyFile(step: string, file: string): Promise<Json>;
}

function unresolved(expression: Json, reason: string): SagepipeError {
  return new SagepipeError(ErrorCode.ReferenceUnresolved, `cannot resolve ${JSON.stringify(expression)}: ${reason}`);
}

export async function evaluate(value: Json, scope: EvaluationScope): Promise<Json> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => evaluate(v, scope)));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Get' && typeof value.Get === 'string') return evaluateGet(value, value.Get, scope);
  if (keys.length === 1 && keys[0] === 'Std:Join') {
    const fn = value['Std:Join'];
    if (!isPlainObject(fn) || !Array.isArray(fn.Values)) throw unresolved(value, 'Std:Join needs a list of Values');
    const parts = await Promise.all(fn.Values.map((v) => evaluate(v, scope)));
    return parts.map(joinPart).join(typeof fn.On === 'string' ? fn.On : '');
  }
  if (keys.length === 1 && keys[0] === 'Std:JsonGet') {
    const fn = value['Std:JsonGet'];
    const file = isPlainObject(fn) ? fn.PropertyFile : undefined;
    const fileExpr = isPlainObject(file) ? file.Get : file;
    const parsed = typeof fileExpr === 'string' ? parseGet(fileExpr) : undefined;
    if (!isPlainObject(fn) || parsed?.kind !== 'propertyFile' || typeof fn.Path !== 'string') {
      throw unresolved(value, 'Std:JsonGet needs PropertyFile {"Get": "Steps.<step>.PropertyFiles.<name>"} and a Path');
    }
    let document: Json;
    try {
      document = await scope.readPropertyFile(parsed.step, parsed.file);
    } catch (error) {
      throw unresolved(value, error instanceof Error ? error.message : String(error));
    }
    const result = jsonGet(document, fn.Path);
    if ('error' in result) throw unresolved(value, `property file ${parsed.file}: ${result.error}`);
    return result.value;
  }
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await evaluate(v, scope);
  return out;
}

function evaluateGet(expression: Json, get: string, scope: EvaluationScope): Json {
  const parsed = parseGet(get);
  switch (parsed.kind) {
    case 'malformed':
      throw unresolved(expression, parsed.reason);
    case 'parameter': {
      const v = scope.parameters.get(parsed.name);
      if (v === undefined) throw unresolved(expression, `parameter '${parsed.name}' has no value`);
      return v;
    }
    case 'execution': {
      const v = scope.execution(parsed.name);
      if (v === undefined) throw unresolved(expression, `unknown execution variable '${parsed.name}'`);
      return v;
    }
    case 'propertyFile':
      throw unresolved(expression, 'a property file can only be read with Std:JsonGet');
    case 'step': {
      const props = scope.stepProperties(parsed.step);
      if (props === undefined) throw unresolved(expression, `step '${parsed.step}' has not succeeded in this execution`);
      const r = lookupProperty(props, parsed.propertyPath);
      if ('error' in r) throw unresolved(expression, r.error);
      return r.value;
    }
    default: {
      const never: never = parsed;
      return never;
    }
  }
}

function joinPart(v: Json): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
