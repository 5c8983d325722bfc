/**
 * Expressions of a definition parsed once: every value that holds a `Get`, `Std:Join` or `Std:JsonGet` becomes a
 * typed `Expr`. A value without any reference is one literal; a value with references inside is a template: the
 * value as written plus the positions of its references (`holes`). The engine substitutes by filling the holes; it
 * never looks for references in JSON again. (One flat list of positions per value, rather than a tree that mirrors
 * the JSON, keeps a 10,000-step definition's compiled form small.)
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
  | { readonly kind: 'parameter'; readonly name: string; readonly json: Json }
  | { readonly kind: 'execution'; readonly name: string; readonly json: Json }
  | {
      readonly kind: 'stepProperty';
      readonly step: string;
      readonly propertyPath: string;
      /** undefined: the path does not parse (reported by the checks). */
      readonly segments: readonly PathSegment[] | undefined;
      readonly json: Json;
    }
  | {
      readonly kind: 'jsonGet';
      readonly step: string;
      readonly file: string;
      readonly jsonPath: string;
      /** undefined: the JSON path does not parse (an unresolved reference when it runs). */
      readonly segments: readonly PathSegment[] | undefined;
      readonly json: Json;
    };

/** A reference and the JSON path where it stands, as the checks see it (the compiled form keeps positions only). */
export interface LocatedReference {
  readonly ref: ReferenceExpr;
  readonly path: string;
}

/** What parsing reports: malformed references, and every reference found with its path. */
export interface ParseOutput {
  readonly issues: Issue[];
  readonly references: LocatedReference[];
}

/** Where a reference stands inside a template: object keys and list indices from the template's root. */
export type HolePosition = readonly (string | number)[];

export interface Hole {
  readonly at: HolePosition;
  /** A reference or a function (never a literal, never a template). */
  readonly expr: Expr;
}

export type Expr =
  /** A value with no reference inside: used as it is. */
  | { readonly kind: 'literal'; readonly value: Json }
  | ReferenceExpr
  | { readonly kind: 'join'; readonly on: string; readonly values: readonly Expr[] }
  /** A list or object with references inside: the value as written, and where each reference stands. */
  | { readonly kind: 'template'; readonly value: Json; readonly holes: readonly Hole[] };

const JSON_GET_SHAPE = 'Std:JsonGet needs PropertyFile {"Get": "Steps.<step>.PropertyFiles.<name>"} and a Path';

/**
 * Parses a value of a definition. Malformed references go to `out.issues` with the path where they stand; every
 * reference found goes to `out.references` with its path, for the checks.
 */
export function parseExpr(value: Json | undefined, path: string, out: ParseOutput): Expr {
  if (value === undefined) return { kind: 'literal', value: null };
  const root = parseRoot(value, path, out);
  if (root !== undefined) return root;
  const holes: Hole[] = [];
  parseInside(value, { base: path, keys: [] }, holes, out);
  // slice(): an exact-size copy (a pushed-to array keeps spare room, and a large definition keeps thousands).
  return holes.length === 0 ? { kind: 'literal', value } : { kind: 'template', value, holes: holes.slice() };
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

function found(ref: ReferenceExpr, path: string, out: ParseOutput): ReferenceExpr {
  out.references.push({ ref, path });
  return ref;
}

const FUNCTIONS: ReadonlySet<string> = new Set(['Get', 'Std:JsonGet', 'Std:Join']);

/** The value itself as a reference or function (`{"Get": …}` …), else undefined. */
function parseRoot(value: Json, path: string, out: ParseOutput): Expr | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && FUNCTIONS.has(keys[0] as string) ? parseFunction(value, keys[0] as string, path, out) : undefined;
}

function parseFunction(value: { [key: string]: Json }, key: string, path: string, out: ParseOutput): Expr {
  if (key === 'Get') return parseGetExpr(value, path, out);
  if (key === 'Std:JsonGet') return parseJsonGet(value, path, out);
  return parseJoin(value, path, out);
}

/** Adds a hole for every reference or function inside a list or object. */
function parseInside(value: Json, at: Cursor, holes: Hole[], out: ParseOutput): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.keys.push(i);
      visit(value[i] as Json, at, holes, out);
      at.keys.pop();
    }
    return;
  }
  if (!isPlainObject(value)) return;
  for (const k in value) {
    at.keys.push(k);
    visit(value[k] as Json, at, holes, out);
    at.keys.pop();
  }
}

function visit(value: Json, at: Cursor, holes: Hole[], out: ParseOutput): void {
  if (typeof value !== 'object' || value === null) return;
  if (!Array.isArray(value)) {
    const keys = Object.keys(value);
    const key = keys[0] as string;
    if (keys.length === 1 && FUNCTIONS.has(key)) {
      const expr = parseFunction(value, key, pathOf(at), out);
      // A malformed one (reported) stays as written.
      if (expr.kind !== 'literal') holes.push({ at: at.keys.slice(), expr });
      return;
    }
  }
  parseInside(value, at, holes, out);
}

function parseGetExpr(json: { [key: string]: Json }, path: string, out: ParseOutput): Expr {
  const text = json.Get;
  if (typeof text !== 'string') {
    out.issues.push({ path, message: 'Get must be a string' });
    return literal(json);
  }
  const parsed = parseGet(text);
  switch (parsed.kind) {
    case 'malformed':
      out.issues.push({ path, message: parsed.reason });
      return literal(json);
    case 'propertyFile':
      out.issues.push({ path, message: 'a property file can only be read with Std:JsonGet' });
      return literal(json);
    case 'parameter':
    case 'execution':
      return found({ kind: parsed.kind, name: parsed.name, json }, path, out);
    case 'step':
      return found({ kind: 'stepProperty', step: parsed.step, propertyPath: parsed.propertyPath, segments: parsePropertyPath(parsed.propertyPath), json }, path, out);
    default: {
      const never: never = parsed;
      return never;
    }
  }
}

function parseJsonGet(json: { [key: string]: Json }, path: string, out: ParseOutput): Expr {
  const fn = json['Std:JsonGet'];
  const file = isPlainObject(fn) ? fn.PropertyFile : undefined;
  const jsonPath = isPlainObject(fn) ? fn.Path : undefined;
  const fileExpr = isPlainObject(file) ? file.Get : file;
  const parsed = typeof fileExpr === 'string' ? parseGet(fileExpr) : undefined;
  if (parsed?.kind !== 'propertyFile' || typeof jsonPath !== 'string') {
    out.issues.push({ path, message: JSON_GET_SHAPE });
    return literal(json);
  }
  const segments = parsePropertyPath(jsonPath.replace(/^\$\.?/, ''));
  return found({ kind: 'jsonGet', step: parsed.step, file: parsed.file, jsonPath, segments, json }, path, out);
}

function parseJoin(json: { [key: string]: Json }, path: string, out: ParseOutput): Expr {
  const fn = json['Std:Join'];
  if (!isPlainObject(fn) || !Array.isArray(fn.Values)) {
    out.issues.push({ path, message: 'Std:Join needs a list of Values' });
    return literal(json);
  }
  const values = fn.Values.map((v, i) => parseExpr(v, `${path}.Std:Join.Values[${i}]`, out));
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
    case 'template':
      for (const hole of expr.holes) referencesOf(hole.expr, out);
      return out;
    default: {
      const never: never = expr;
      return never;
    }
  }
}
