/**
 * Typed step properties: `train.properties.ModelArtifacts.S3ModelArtifacts` is a reference that knows its step and
 * path, carries its value type, and renders `{"Get": "Steps.adultTrain.ModelArtifacts.S3ModelArtifacts"}`.
 *
 * The TypeScript types are derived from the property shapes in `definition/property-shapes.ts`, so a path that does
 * not exist is a type error; plain-JavaScript users get a compile error instead (the reference remembers the bad
 * path and the synthesis reports it).
 */
import {
  type ListShape,
  type MapShape,
  type ObjectShape,
  type PathSegment,
  type ScalarShape,
  type ScalarType,
  type Shape,
  renderPropertyPath,
} from '../definition/property-shapes.ts';
import type { Json } from '../definition/types.ts';
import { ExpressionBase, type ExpressionReference } from './expressions.ts';

/** The minimum a step exposes to its references. */
export interface StepLike {
  readonly name: string;
}

export class PropertyRef<T extends ScalarType = ScalarType> extends ExpressionBase<T> {
  constructor(
    readonly step: StepLike,
    readonly segments: readonly PathSegment[],
    readonly valueType: T,
    /** Set when the path does not exist on the step type (JavaScript callers). */
    readonly invalid?: string,
  ) {
    super();
  }
  get path(): string {
    return renderPropertyPath(this.segments);
  }
  render(): Json {
    return { Get: `Steps.${this.step.name}.${this.path}` };
  }
  references(): readonly ExpressionReference[] {
    return [
      {
        kind: 'step',
        name: this.step.name,
        target: this.step,
        path: this.path,
        ...(this.invalid === undefined ? {} : { invalidPath: `${this.path}: ${this.invalid}` }),
      },
    ];
  }
}

/** The type of the properties object for a shape. */
export type PropertiesOf<S extends Shape> =
  S extends ScalarShape<infer T>
    ? PropertyRef<T>
    : S extends ObjectShape<infer F>
      ? { readonly [K in keyof F]: PropertiesOf<F[K]> }
      : S extends ListShape<infer I>
        ? { readonly [key: string]: PropertiesOf<I>; readonly [index: number]: PropertiesOf<I> }
        : S extends MapShape<infer I>
          ? { readonly [key: string]: PropertiesOf<I> }
          : never;

const NODE = Symbol.for('sagepipe.propertyNode');

/** True for a non-leaf property object (e.g. `properties.ModelArtifacts`), which is not a value by itself. */
export function propertyNodePath(value: unknown): string | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const path = (value as Record<symbol, unknown>)[NODE];
  return typeof path === 'string' ? path : undefined;
}

/** Builds the (memoized) properties tree of a step for its property shape. */
export function createProperties<S extends ObjectShape>(step: StepLike, shape: S): PropertiesOf<S> {
  return node(step, shape, []) as PropertiesOf<S>;
}

function node(step: StepLike, shape: Shape, segments: readonly PathSegment[]): unknown {
  if (shape.kind === 'scalar') return new PropertyRef(step, segments, shape.type);
  const cache = new Map<string, unknown>();
  const child = (key: string): unknown => {
    let value = cache.get(key);
    if (value === undefined) {
      value = resolveChild(step, shape, segments, key);
      cache.set(key, value);
    }
    return value;
  };
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (key === NODE) return `Steps.${step.name}.${renderPropertyPath(segments)}`;
        // Symbols and promise probing (`then`) are not property paths.
        if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return undefined;
        return child(key);
      },
      has(_target, key) {
        return key === NODE;
      },
    },
  );
}

function resolveChild(step: StepLike, shape: Exclude<Shape, ScalarShape>, segments: readonly PathSegment[], key: string): unknown {
  switch (shape.kind) {
    case 'object': {
      const next = shape.fields[key];
      const seg: PathSegment = { kind: 'field', name: key };
      if (next) return node(step, next, [...segments, seg]);
      return new PropertyRef(step, [...segments, seg], 'String', `no property '${key}' on ${describe(segments)}`);
    }
    case 'list': {
      const seg: PathSegment = /^\d+$/.test(key) ? { kind: 'index', index: Number(key) } : { kind: 'key', key };
      if (seg.kind === 'key' && shape.key === undefined) {
        return new PropertyRef(step, [...segments, seg], 'String', `${describe(segments)} is a list: select by index`);
      }
      return node(step, shape.item, [...segments, seg]);
    }
    case 'map':
      return node(step, shape.item, [...segments, { kind: 'key', key }]);
    default: {
      const never: never = shape;
      return never;
    }
  }
}

function describe(segments: readonly PathSegment[]): string {
  return segments.length === 0 ? 'the step' : renderPropertyPath(segments);
}
