/**
 * A step's caching and retry policies, resolved once by the loader with every default filled in (durations in ms),
 * so the engine never re-parses or asks "is this undefined?".
 */
import { parseDuration } from './duration.ts';
import type { StepDefinition } from './types.ts';

export type ResolvedCache = { readonly enabled: false } | { readonly enabled: true; /** undefined: never expires */ readonly expireAfterMs: number | undefined };

export interface ResolvedRetryPolicy {
  /** The failure kinds it retries (`Step.SERVICE_FAULT`, `SageMaker.CAPACITY_ERROR` …). */
  readonly exceptionTypes: readonly string[];
  /** @default 1 s */
  readonly intervalMs: number;
  /** @default 2 */
  readonly backoffRate: number;
  /** ExpireAfterMin when given, else MaxAttempts retries (default 5). */
  readonly limit: { readonly kind: 'retries'; readonly max: number } | { readonly kind: 'expiry'; readonly ms: number };
}

export interface StepPolicies {
  readonly cache: ResolvedCache;
  readonly retry: readonly ResolvedRetryPolicy[];
}

// Shared by every step without caching or retries (most of a large definition): nothing per step to keep.
const NO_CACHE: ResolvedCache = Object.freeze({ enabled: false });
const NO_RETRIES: readonly ResolvedRetryPolicy[] = Object.freeze([]);
const NO_POLICIES: StepPolicies = Object.freeze({ cache: NO_CACHE, retry: NO_RETRIES });

/** For a step the loader has checked (ExpireAfter is a valid duration). */
export function resolvePolicies(step: StepDefinition, path: string): StepPolicies {
  const cache = step.CacheConfig;
  if (!cache?.Enabled && (step.RetryPolicies === undefined || step.RetryPolicies.length === 0)) return NO_POLICIES;
  return {
    cache: cache?.Enabled
      ? { enabled: true, expireAfterMs: cache.ExpireAfter === undefined ? undefined : parseDuration(cache.ExpireAfter, `${path}.CacheConfig.ExpireAfter`) }
      : NO_CACHE,
    retry: (step.RetryPolicies ?? []).map((p) => ({
      exceptionTypes: Array.isArray(p.ExceptionType) ? p.ExceptionType : [p.ExceptionType as unknown as string],
      intervalMs: (p.IntervalSeconds ?? 1) * 1000,
      backoffRate: p.BackoffRate ?? 2,
      limit: p.ExpireAfterMin !== undefined ? { kind: 'expiry', ms: p.ExpireAfterMin * 60_000 } : { kind: 'retries', max: p.MaxAttempts ?? 5 },
    })),
  };
}
