/** Finds and parses the references (`Get`, `Std:JsonGet`) inside definition JSON. */
import type { Json } from './types.ts';

export type DefinitionReference =
  | { readonly kind: 'parameter'; readonly name: string; readonly path: string }
  | { readonly kind: 'execution'; readonly name: string; readonly path: string }
  | { readonly kind: 'step'; readonly step: string; readonly propertyPath: string; readonly path: string }
  | { readonly kind: 'propertyFile'; readonly step: string; readonly file: string; readonly jsonPath: string; readonly path: string }
  | { readonly kind: 'malformed'; readonly expression: string; readonly path: string; readonly reason: string };

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

/** Every reference inside a JSON value, with the path where it stands. */
export function collectReferences(value: Json | undefined, path: string, out: DefinitionReference[] = []): DefinitionReference[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectReferences(v, `${path}[${i}]`, out));
    return out;
  }
  if (!isPlainObject(value)) return out;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Get') {
    const expr = value.Get;
    if (typeof expr !== 'string') {
      out.push({ kind: 'malformed', expression: JSON.stringify(expr), path, reason: 'Get must be a string' });
      return out;
    }
    const parsed = parseGet(expr);
    switch (parsed.kind) {
      case 'malformed':
        out.push({ kind: 'malformed', expression: expr, path, reason: parsed.reason });
        break;
      case 'propertyFile':
        out.push({ kind: 'malformed', expression: expr, path, reason: `a property file can only be read with Std:JsonGet` });
        break;
      case 'parameter':
      case 'execution':
        out.push({ kind: parsed.kind, name: parsed.name, path });
        break;
      case 'step':
        out.push({ kind: 'step', step: parsed.step, propertyPath: parsed.propertyPath, path });
        break;
      default: {
        const never: never = parsed;
        return never;
      }
    }
    return out;
  }
  if (keys.length === 1 && keys[0] === 'Std:JsonGet') {
    const fn = value['Std:JsonGet'];
    const file = isPlainObject(fn) ? fn.PropertyFile : undefined;
    const jsonPath = isPlainObject(fn) ? fn.Path : undefined;
    const fileExpr = isPlainObject(file) ? file.Get : file;
    const parsed = typeof fileExpr === 'string' ? parseGet(fileExpr) : undefined;
    if (parsed?.kind === 'propertyFile' && typeof jsonPath === 'string') {
      out.push({ kind: 'propertyFile', step: parsed.step, file: parsed.file, jsonPath, path });
    } else {
      out.push({
        kind: 'malformed',
        expression: JSON.stringify(value),
        path,
        reason: 'Std:JsonGet needs PropertyFile {"Get": "Steps.<step>.PropertyFiles.<name>"} and a Path',
      });
    }
    return out;
  }
  for (const [k, v] of Object.entries(value)) collectReferences(v, `${path}.${k}`, out);
  return out;
}
