/**
 * The JSONPath subset that CreateTransformJob's DataProcessing accepts, applied to one record:
 * `$` (the whole record), `$[i]`, `$[i,j,…]`, `$[a:b]` (negative indices count from the end) on CSV rows and JSON
 * arrays, and `$.field` / `$.a.b` / `$['field']` on JSON objects. A CSV row is split on commas (no quoting, as the
 * service's CSV handling for filters).
 */
export type RecordFormat = 'csv' | 'json';

export interface ParsedRecord {
  readonly format: RecordFormat;
  readonly value: unknown;
}

export class FilterError extends Error {}

export function parseRecord(text: string, contentType: string | undefined): ParsedRecord {
  const trimmed = text.trim();
  if (contentType?.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { format: 'json', value: JSON.parse(trimmed) };
    } catch {
      // Not JSON after all: a CSV row.
    }
  }
  return { format: 'csv', value: trimmed.split(',') };
}

export function renderRecord(record: ParsedRecord): string {
  if (record.format === 'csv') return (record.value as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  return JSON.stringify(record.value);
}

function indices(selector: string, length: number, expression: string): number[] {
  const norm = (i: number) => (i < 0 ? length + i : i);
  const slice = /^(-?\d*):(-?\d*)$/.exec(selector);
  if (slice) {
    const start = slice[1] === '' ? 0 : norm(Number(slice[1]));
    const end = slice[2] === '' ? length : norm(Number(slice[2]));
    const out: number[] = [];
    for (let i = Math.max(0, start); i < Math.min(length, end); i++) out.push(i);
    return out;
  }
  const list = selector.split(',').map((s) => s.trim());
  if (list.some((s) => !/^-?\d+$/.test(s))) throw new FilterError(`unsupported JSONPath selector [${selector}] in ${expression}`);
  return list.map((s) => {
    const i = norm(Number(s));
    if (i < 0 || i >= length) throw new FilterError(`${expression}: index ${s} is outside a record of ${length} values`);
    return i;
  });
}

/** Applies a filter expression to a record. */
export function applyFilter(expression: string, record: ParsedRecord): ParsedRecord {
  const expr = expression.trim();
  if (expr === '$') return record;
  if (!expr.startsWith('$')) throw new FilterError(`'${expression}' is not a JSONPath expression (it must start with $)`);
  let value: unknown = record.value;
  let rest = expr.slice(1);
  let isSelection = false;
  while (rest.length > 0) {
    const field = /^\.([A-Za-z_][A-Za-z0-9_]*)|^\['([^']*)'\]/.exec(rest);
    if (field) {
      const name = (field[1] ?? field[2]) as string;
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !(name in value)) throw new FilterError(`${expression}: the record has no field '${name}'`);
      value = (value as Record<string, unknown>)[name];
      rest = rest.slice(field[0].length);
      continue;
    }
    const bracket = /^\[([^\]]*)\]/.exec(rest);
    if (bracket) {
      if (!Array.isArray(value)) throw new FilterError(`${expression}: [${bracket[1]}] selects from a list, and the record is not one`);
      const picked = indices(bracket[1] as string, value.length, expression).map((i) => (value as unknown[])[i]);
      const single = /^-?\d+$/.test((bracket[1] as string).trim());
      value = single ? picked[0] : picked;
      isSelection = !single;
      rest = rest.slice(bracket[0].length);
      continue;
    }
    throw new FilterError(`unsupported JSONPath '${expression}' (supported: $, $[i], $[i,j], $[a:b], $.field)`);
  }
  if (record.format === 'csv') return { format: 'csv', value: isSelection ? value : [value] };
  return { format: 'json', value };
}

/** JoinSource Input: the input record with the model's output for it (CSV: appended columns; JSON: SageMakerOutput). */
export function joinRecords(input: ParsedRecord, output: string): ParsedRecord {
  const out = parseRecord(output, undefined);
  if (input.format === 'csv') return { format: 'csv', value: [...(input.value as unknown[]), ...(out.format === 'csv' ? (out.value as unknown[]) : [out.value])] };
  if (Array.isArray(input.value)) return { format: 'json', value: [...input.value, out.value] };
  if (typeof input.value === 'object' && input.value !== null) return { format: 'json', value: { ...(input.value as object), SageMakerOutput: out.value } };
  return { format: 'json', value: [input.value, out.value] };
}
