/**
 * Reads a property path (`ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`) from a step's Describe*-shaped
 * properties. `['key']` on a list selects the item whose name field (OutputName, ChannelName, MetricName …) is key.
 */
import { type PathSegment, parsePropertyPath } from '../definition/property-shapes.ts';
import type { Json } from '../definition/types.ts';

const NAME_FIELDS = ['OutputName', 'InputName', 'ChannelName', 'MetricName', 'Name'];

export function lookupProperty(properties: Json, path: string): { value: Json } | { error: string } {
  const segments = parsePropertyPath(path);
  if (!segments) return { error: `malformed property path '${path}'` };
  return lookupSegments(properties, segments);
}

/** The same, for a path the loader has parsed. */
export function lookupSegments(properties: Json, segments: readonly PathSegment[]): { value: Json } | { error: string } {
  let value: Json = properties;
  let at = '';
  for (const s of segments) {
    switch (s.kind) {
      case 'index':
        if (!Array.isArray(value) || s.index >= value.length) return { error: `${at || 'the step'} has no item [${s.index}]` };
        value = value[s.index] as Json;
        at += `[${s.index}]`;
        break;
      case 'key': {
        if (Array.isArray(value)) {
          const found: Json | undefined = value.find(
            (item) => typeof item === 'object' && item !== null && !Array.isArray(item) && NAME_FIELDS.some((f) => item[f] === s.key),
          );
          if (found === undefined) return { error: `${at} has no item named '${s.key}'` };
          value = found;
        } else if (typeof value === 'object' && value !== null && s.key in value) {
          value = value[s.key] as Json;
        } else return { error: `${at} has no key '${s.key}'` };
        at += `['${s.key}']`;
        break;
      }
      case 'field':
        if (typeof value !== 'object' || value === null || Array.isArray(value) || !(s.name in value) || value[s.name] === undefined) {
          return { error: `${at || 'the step'} has no property '${s.name}'` };
        }
        value = value[s.name] as Json;
        at += at ? `.${s.name}` : s.name;
        break;
      default: {
        const never: never = s;
        return never;
      }
    }
  }
  return { value };
}
