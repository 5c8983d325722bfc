/** Parses the string of a `Get` (expressions.ts parses whole values with it). */
import type { Json } from './types.ts';

export type ParsedGet =
  | { readonly kind: 'parameter'; readonly name: string }
  | { readonly kind: 'execution'; readonly name: string }
  | { readonly kind: 'step'; readonly step: string; readonly propertyPath: string }
  | { readonly kind: 'propertyFile'; readonly step: string; readonly file: string };

/** Parses the string of a `Get`: `Parameters.X`, `Execution.X`, `Steps.X.<path>` or `Steps.X.PropertyFiles.N`. */
export function parseGet(expression: string): ParsedGet | { kind: 'malformed'; reason: string } {
  const m = /^(Parameters|Execution|Steps)\.([A-Za-z0-9_-]+)(.*)$/.exec(expression);
  if (!m) return { kind: 'malformed', reason: `'${expression}' is not Parameters.<name>, Execution.<name> or Steps.<name>.<path>` };
  const [, root, name, rest] = m as unknown as [string, string, string, string];
  if (root === 'Parameters' || root === 'Execution') {
    if (rest !== '') return { kind: 'malformed', reason: `'${expression}' has a path after the ${root === 'Parameters' ? 'parameter' : 'execution variable'} name` };
    return { kind: root === 'Parameters' ? 'parameter' : 'execution', name };
  }
  const fileMatch = /^\.PropertyFiles\.([A-Za-z0-9_-]+)$/.exec(rest);
  if (fileMatch) return { kind: 'propertyFile', step: name, file: fileMatch[1] as string };
  if (!rest.startsWith('.') || rest.length < 2) return { kind: 'malformed', reason: `'${expression}' names a step but no property` };
  return { kind: 'step', step: name, propertyPath: rest.slice(1) };
}

export function isPlainObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
