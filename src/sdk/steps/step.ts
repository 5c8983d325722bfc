/** What every step has: a name, a type, explicit dependencies, and arguments that may hold pipeline variables. */
import type { ObjectShape } from '../../definition/property-shapes.ts';
import type { StepType } from '../../definition/types.ts';
import type { Expression } from '../expressions.ts';
import type { CacheConfig, RetryPolicy } from '../policies.ts';
import { type PropertiesOf, createProperties } from '../properties.ts';

const STEP = Symbol.for('sagepipe.step');

/** A tree of argument values: plain JSON with pipeline variables anywhere; `undefined` fields are left out. */
export type ArgumentTree =
  | string
  | number
  | boolean
  | null
  | undefined
  | Expression
  | readonly ArgumentTree[]
  | { readonly [key: string]: ArgumentTree };

/** Resolves a step's local code file to where it is staged (see `assets/`). */
export interface StagedCode {
  readonly s3Uri: string;
  /** The file name the code has once staged (e.g. `preprocess.mjs` for `preprocess.ts`). */
  readonly fileName: string;
}
export type CodeResolver = (path: string) => StagedCode | undefined;

/** What rendering needs from outside the step: where code is staged, the default bucket. */
export interface RenderContext {
  readonly resolveCode: CodeResolver;
  readonly defaultBucket: string | undefined;
  readonly pipelineName: string;
}

export interface StepOptions {
  /** Unique within the pipeline: letters, digits, `-` and `_`, at most 64 characters. */
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  /** Steps (or step names) that must succeed first, beyond those whose properties this step uses. */
  readonly dependsOn?: readonly (Step | string)[];
}

export interface CachingStepOptions extends StepOptions {
  readonly cacheConfig?: CacheConfig;
  readonly retryPolicies?: readonly RetryPolicy[];
}

export abstract class Step<S extends ObjectShape = ObjectShape> {
  readonly [STEP] = true;
  abstract readonly type: StepType;
  readonly name: string;
  readonly displayName: string | undefined;
  readonly description: string | undefined;
  readonly dependsOn: readonly (Step | string)[];
  readonly properties: PropertiesOf<S>;

  protected constructor(options: StepOptions, shape: S) {
    this.name = options.name;
    this.displayName = options.displayName;
    this.description = options.description;
    this.dependsOn = options.dependsOn ?? [];
    this.properties = createProperties(this, shape);
  }

  /** The step's `Arguments`, with pipeline variables still unrendered. */
  abstract arguments(context: RenderContext): ArgumentTree;

  /** Problems only this step can see (e.g. code it cannot stage). Paths are relative to the step. */
  validate(_context: RenderContext): { path: string; message: string }[] {
    return [];
  }

  /** Fields beside `Arguments` (`CacheConfig`, `RetryPolicies`, `PropertyFiles`), already rendered. */
  extraFields(): Record<string, unknown> {
    return {};
  }
}

export function isStep(value: unknown): value is Step {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STEP] === true;
}

export abstract class CachingStep<S extends ObjectShape> extends Step<S> {
  readonly cacheConfig: CacheConfig | undefined;
  readonly retryPolicies: readonly RetryPolicy[];
  protected constructor(options: CachingStepOptions, shape: S) {
    super(options, shape);
    this.cacheConfig = options.cacheConfig;
    this.retryPolicies = options.retryPolicies ?? [];
  }
  override extraFields(): Record<string, unknown> {
    return {
      ...(this.cacheConfig ? { CacheConfig: this.cacheConfig.toDefinition() } : {}),
      ...(this.retryPolicies.length > 0 ? { RetryPolicies: this.retryPolicies.map((p) => p.toDefinition()) } : {}),
    };
  }
}
