/**
 * Hyperparameter ranges of a tuning job (`ParameterRanges`), parsed once into a typed form, and the mapping between
 * a point of the unit cube (what the search strategies work in) and hyperparameter values, with SageMaker's scaling
 * types: Linear, Logarithmic (needs min > 0), ReverseLogarithmic (needs max < 1, continuous only); Auto → Linear.
 */
import type { Json, JsonObject } from '../../definition/types.ts';

export type ScalingType = 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';

export type ParameterRange =
  | { readonly kind: 'Integer'; readonly name: string; readonly min: number; readonly max: number; readonly scaling: ScalingType }
  | { readonly kind: 'Continuous'; readonly name: string; readonly min: number; readonly max: number; readonly scaling: ScalingType }
  | { readonly kind: 'Categorical'; readonly name: string; readonly values: readonly string[] };

const asObject = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
const asList = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.map(asObject) : []);

/** Parses `ParameterRanges`; throws an Error naming the range at fault. */
export function parseRanges(value: Json | undefined): ParameterRange[] {
  const ranges = asObject(value);
  const out: ParameterRange[] = [];
  for (const kind of ['Integer', 'Continuous'] as const) {
    for (const r of asList(ranges[`${kind}ParameterRanges`])) {
      const name = String(r.Name);
      const min = Number(r.MinValue);
      const max = Number(r.MaxValue);
      if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new Error(`range '${name}': MinValue ${String(r.MinValue)} and MaxValue ${String(r.MaxValue)} must be numbers with MinValue <= MaxValue`);
      if (kind === 'Integer' && (!Number.isInteger(min) || !Number.isInteger(max))) throw new Error(`integer range '${name}': MinValue and MaxValue must be integers`);
      const given = typeof r.ScalingType === 'string' ? r.ScalingType : 'Auto';
      const scaling: ScalingType = given === 'Auto' ? 'Linear' : (given as ScalingType);
      if (scaling === 'Logarithmic' && min <= 0) throw new Error(`range '${name}': Logarithmic scaling needs MinValue > 0`);
      if (scaling === 'ReverseLogarithmic' && (kind === 'Integer' || min < 0 || max >= 1)) {
        throw new Error(`range '${name}': ReverseLogarithmic scaling needs a continuous range within [0, 1)`);
      }
      out.push({ kind, name, min, max, scaling });
    }
  }
  for (const r of asList(ranges.CategoricalParameterRanges)) {
    const values = Array.isArray(r.Values) ? r.Values.map(String) : [];
    if (values.length === 0) throw new Error(`categorical range '${String(r.Name)}' has no Values`);
    out.push({ kind: 'Categorical', name: String(r.Name), values });
  }
  if (out.length === 0) throw new Error('ParameterRanges holds no range');
  return out;
}

/** A value of the range from a coordinate in [0, 1]. */
export function fromUnit(range: ParameterRange, u: number): string {
  const t = Math.min(1, Math.max(0, u));
  if (range.kind === 'Categorical') return range.values[Math.min(range.values.length - 1, Math.floor(t * range.values.length))] as string;
  let x: number;
  switch (range.scaling) {
    case 'Linear':
      x = range.min + t * (range.max - range.min);
      break;
    case 'Logarithmic':
      x = Math.exp(Math.log(range.min) + t * (Math.log(range.max) - Math.log(range.min)));
      break;
    case 'ReverseLogarithmic':
      x = 1 - Math.exp(Math.log(1 - range.max) + (1 - t) * (Math.log(1 - range.min) - Math.log(1 - range.max)));
      break;
  }
  if (range.kind === 'Integer') return String(Math.min(range.max, Math.max(range.min, Math.round(x))));
  return String(Number(x.toPrecision(6)));
}

/** The coordinate in [0, 1] of a value (the inverse of `fromUnit`, at a category's centre). */
export function toUnit(range: ParameterRange, value: string): number {
  if (range.kind === 'Categorical') return (Math.max(0, range.values.indexOf(value)) + 0.5) / range.values.length;
  const x = Number(value);
  if (range.max === range.min) return 0.5;
  switch (range.scaling) {
    case 'Linear':
      return (x - range.min) / (range.max - range.min);
    case 'Logarithmic':
      return (Math.log(x) - Math.log(range.min)) / (Math.log(range.max) - Math.log(range.min));
    case 'ReverseLogarithmic':
      return 1 - (Math.log(1 - x) - Math.log(1 - range.max)) / (Math.log(1 - range.min) - Math.log(1 - range.max));
  }
}

/** Every combination of the ranges' values (Grid search): categorical values and every integer in integer ranges. */
export function gridPoints(ranges: readonly ParameterRange[]): Record<string, string>[] {
  let points: Record<string, string>[] = [{}];
  for (const r of ranges) {
    if (r.kind === 'Continuous') throw new Error(`Grid search cannot enumerate continuous range '${r.name}' (use categorical or integer ranges)`);
    const values = r.kind === 'Categorical' ? r.values : Array.from({ length: r.max - r.min + 1 }, (_, i) => String(r.min + i));
    points = points.flatMap((p) => values.map((v) => ({ ...p, [r.name]: v })));
  }
  return points;
}
