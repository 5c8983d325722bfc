/**
 * The JSONPath-like paths `Std:JsonGet` supports: dotted fields, `[0]` indices and `['key']` selection, with an
 * optional leading `$.` (e.g. `metrics.accuracy.value`, `a.b[0].c`). The loader parses them (expressions.ts).
 */
import type { PathSegment } from '../definition/property-shapes.ts';
import type { Json } from '../definition/types.ts';

export function jsonGetSegments(document: Json, segments: readonly PathSegment[]): { value: Json } | { error: string } {
  let value: Json = document;
  let at = '$';
  for (const s of segments) {
    if (s.kind === 'index') {
      if (!Array.isArray(value)) return { error: `${at} is not a list` };
      if (s.index >= value.length) return { error: `${at} has ${value.length} items, no [${s.index}]` };
      value = value[s.index] as Json;
      at += `[${s.index}]`;
      continue;
    }
    const name = s.kind === 'field' ? s.name : s.key;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !(name in value)) {
      return { error: `${at} has no field '${name}'` };
    }
    value = value[name] as Json;
    at += `.${name}`;
  }
  return { value };
}
