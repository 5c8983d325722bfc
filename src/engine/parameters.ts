/** Parameter values of an execution: defaults applied, each value checked against its type and enum first. */
import { ErrorCode, type Issue, SagepipeError } from '../errors.ts';
import type { ParameterDefinition } from '../definition/types.ts';

export type ParameterValue = string | number | boolean;

/** Resolves given values (strings from a command line, or typed values) against the definition's parameters. */
export function resolveParameters(
  definitions: ReadonlyMap<string, ParameterDefinition>,
  given: Readonly<Record<string, string | number | boolean>>,
): Map<string, ParameterValue> {
  const issues: Issue[] = [];
  const values = new Map<string, ParameterValue>();
  for (const name of Object.keys(given)) {
    if (!definitions.has(name)) {
      issues.push({ path: name, message: `unknown parameter '${name}' (parameters: ${[...definitions.keys()].join(', ') || 'none'})` });
    }
  }
  for (const def of definitions.values()) {
    const raw = given[def.Name];
    if (raw === undefined) {
      if (def.DefaultValue === undefined) issues.push({ path: def.Name, message: `parameter '${def.Name}' has no default: give a value` });
      else values.set(def.Name, def.DefaultValue);
      continue;
    }
    const v = coerce(def, raw);
    if ('error' in v) issues.push({ path: def.Name, message: v.error });
    else values.set(def.Name, v.value);
  }
  if (issues.length > 0) {
    throw new SagepipeError(ErrorCode.ParameterInvalid, `invalid parameter value${issues.length === 1 ? '' : 's'}`, { issues });
  }
  return values;
}

function coerce(def: ParameterDefinition, raw: string | number | boolean): { value: ParameterValue } | { error: string } {
  const text = String(raw);
  switch (def.Type) {
    case 'Integer': {
      const n = typeof raw === 'number' ? raw : /^[-+]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
      if (!Number.isInteger(n)) return { error: `parameter '${def.Name}' is an Integer: '${text}' is not a whole number` };
      return { value: n };
    }
    case 'Float': {
      const n = typeof raw === 'number' ? raw : text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(n)) return { error: `parameter '${def.Name}' is a Float: '${text}' is not a number` };
      return { value: n };
    }
    case 'Boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (/^(true|false)$/i.test(text)) return { value: text.toLowerCase() === 'true' };
      return { error: `parameter '${def.Name}' is a Boolean: '${text}' is not true or false` };
    }
    case 'String': {
      if (def.EnumValues && !def.EnumValues.includes(text)) {
        return { error: `parameter '${def.Name}' must be one of ${def.EnumValues.join(', ')}: got '${text}'` };
      }
      return { value: text };
    }
    default:
      return { error: `parameter '${def.Name}' has unknown type '${String(def.Type)}'` };
  }
}
