/**
 * Expressions of a definition parsed once: every value position that may hold a `Get`, `Std:Join` or `Std:JsonGet`
 * becomes a typed `Expr` tree, and subtrees without any reference collapse to one literal. The engine substitutes
 * by walking this tree; it never looks for references in JSON again.
 *
 * Parsing and checking are one pass: a malformed reference is reported here (with its path), for the loader and the
 * SDK alike, and stands in the tree as its literal JSON so the rest of the definition can still be checked.
 */
import type { Issue } from '../errors.ts';
import { type PathSegment, parsePropertyPath } from './property-shapes.ts';
import { isPlainObject, parseGet } from './references.ts';
import type { Json } from './types.ts';

/** A reference to a value known only when the execution runs. `json` is its wire form, named in errors. */
export type ReferenceExpr =
  | { readonly kind: 'parameter'; readonly name: string; readonly path: string; readonly json: Json }
  | { readonly kind: 'execution'; readonly name: string; readonly path: string; readonly json: Json }
  | {
      readonly kind: 'stepProperty';
      readonly step: string;
      readonly propertyPath: string;
      /** undefined: the path does not parse (reported by the checks). */
      readonly segments: readonly PathSegment[] | undefined;
      readonly path: string;
      readonly json: Json;
    }
  | {
      readonly kind: 'jsonGet';
      readonly step: string;
      readonly file: string;
      readonly jsonPath: string;
      /** undefined: the JSON path does not parse (an unresolved reference when it runs). */
      readonly segments: readonly PathSegment[] | undefined;
      readonly path: string;
      readonly json: Json;
    };

export type Expr =
  /** A value with no reference inside: used as it is. */
  | { readonly kind: 'literal'; readonly value: Json }
  | ReferenceExpr
  | { readonly kind: 'join'; readonly on: string; readonly values: readonly Expr[] }
  /** A list with references in some items (`holes`, by index); the other items are used as they are. */
  | { readonly kind: 'array'; readonly value: readonly Json[]; readonly holes: readonly (readonly [number, Expr])[] }
  /** An object with references under some keys (`holes`); the other fields are used as they are. */
  | { readonly kind: 'object'; readonly value: { readonly [key: string]: Json }; readonly holes: readonly (readonly [string, Expr])[] };

const JSON_GET_SHAPE = 'Std:JsonGet needs PropertyFile {"Get": "Steps.<step>.PropertyFiles.<name>"} and a Path';

/** Parses a value of a definition; malformed references go to `issues` with the path where they stand. */
export function parseExpr(value: Json | undefined, path: string, issues: Issue[]): Expr {
  if (value === undefined) return { kind: 'literal', value: null };
  return parseAt(value, { base: path, keys: [] }, issues) ?? { kind: 'literal', value };
}

/**
 * Where the walk stands: the keys below `base`, pushed and popped as it goes. Definitions are mostly literal, so the
 * path string is built only where a reference or a problem is found, and nothing is allocated for literal parts.
 */
interface Cursor {
  readonly base: string;
  readonly keys: (string | number)[];
}

function pathOf(at: Cursor): string {
  let path = at.base;
  for (const k of at.keys) path += typeof k === 'number' ? `[${k}]` : `.${k}`;
  return path;
}

const literal = (value: Json): Expr => ({ kind: 'literal', value });

/** undefined: no reference below, the value is used as it is. */
function parseAt(value: Json, at: Cursor, issues: Issue[]): Expr | undefined {
  if (Array.isArray(value)) {
    let holes: (readonly [number, Expr])[] | undefined;
    for (let i = 0; i < value.length; i++) {
      at.keys.push(i);
      const e = parseAt(value[i] as Json, at, issues);
      at.keys.pop();
      if (e !== undefined) (holes ??= []).push([i, e]);
    }
    // slice(): an exact-size copy (a pushed-to array keeps spare capacity, and a big definition keeps thousands).
    return holes && { kind: 'array', value, holes: holes.slice() };
  }
  if (!isPlainObject(value)) return undefined;
  if ('Get' in value || 'Std:JsonGet' in value || 'Std:Join' in value) {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const key = keys[0] as string;
      if (key === 'Get') return parseGetExpr(value, pathOf(at), issues);
      if (key === 'Std:JsonGet') return parseJsonGet(value, pathOf(at), issues);
      return parseJoin(value, at, issues);
    }
  }
  let holes: (readonly [string, Expr])[] | undefined;
  for (const k in value) {
    at.keys.push(k);
    const e = parseAt(value[k] as Json, at, issues);
    at.keys.pop();
    if (e !== undefined) (holes ??= []).push([k, e]);
  }
  return holes && { kind: 'object', value, holes: holes.slice() };
}

function parseGetExpr(json: { [key: string]: Json }, path: string, issues: Issue[]): Expr {
  const text = json.Get;
  if (typeof text !== 'string') {
    issues.push({ path, message: 'Get must be a string' });
    return literal(json);
  }
  const parsed = parseGet(text);
  switch (parsed.kind) {
    case 'malformed':
      issues.push({ path, message: parsed.reason });
      return literal(json);
    case 'propertyFile':
      issues.push({ path, message: 'a property file can only be read with Std:JsonGet' });
      return literal(json);
    case 'parameter':
    case 'execution':
      return { kind: parsed.kind, name: parsed.name, path, json };
    case 'step':
      return { kind: 'stepProperty', step: parsed.step, propertyPath: parsed.propertyPath, segments: parsePropertyPath(parsed.propertyPath), path, json };
    default: {
      const never: never = parsed;
      return never;
    }
  }
}

function parseJsonGet(json: { [key: string]: Json }, path: string, issues: Issue[]): Expr {
  const fn = json['Std:JsonGet'];
  const file = isPlainObject(fn) ? fn.PropertyFile : undefined;
  const jsonPath = isPlainObject(fn) ? fn.Path : undefined;
  const fileExpr = isPlainObject(file) ? file.Get : file;
  const parsed = typeof fileExpr === 'string' ? parseGet(fileExpr) : undefined;
  if (parsed?.kind !== 'propertyFile' || typeof jsonPath !== 'string') {
    issues.push({ path, message: JSON_GET_SHAPE });
    return literal(json);
  }
  const segments = parsePropertyPath(jsonPath.replace(/^\$\.?/, ''));
  return { kind: 'jsonGet', step: parsed.step, file: parsed.file, jsonPath, segments, path, json };
}

function parseJoin(json: { [key: string]: Json }, at: Cursor, issues: Issue[]): Expr {
  const fn = json['Std:Join'];
  if (!isPlainObject(fn) || !Array.isArray(fn.Values)) {
    issues.push({ path: pathOf(at), message: 'Std:Join needs a list of Values' });
    return literal(json);
  }
  at.keys.push('Std:Join', 'Values');
  const values = fn.Values.map((v, i) => {
    at.keys.push(i);
    const e = parseAt(v, at, issues) ?? literal(v);
    at.keys.pop();
    return e;
  });
  at.keys.pop();
  at.keys.pop();
  return { kind: 'join', on: typeof fn.On === 'string' ? fn.On : '', values };
}

/** Every reference in an expression, in document order. */
export function referencesOf(expr: Expr, out: ReferenceExpr[] = []): ReferenceExpr[] {
  switch (expr.kind) {
    case 'literal':
      return out;
    case 'parameter':
    case 'execution':
    case 'stepProperty':
    case 'jsonGet':
      out.push(expr);
      return out;
    case 'join':
      for (const v of expr.values) referencesOf(v, out);
      return out;
    case 'array':
    case 'object':
      for (const [, v] of expr.holes) referencesOf(v, out);
      return out;
    default: {
      const never: never = expr;
      return never;
    }
  }
}
