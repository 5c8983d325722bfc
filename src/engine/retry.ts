/**
 * RetryPolicies: a failed attempt is retried when a policy names its failure kind, until the policy's MaxAttempts
 * retries (default 5) or ExpireAfterMin minutes since the first attempt run out. The wait before retry n is
 * IntervalSeconds × BackoffRate^(n-1).
 */
import type { RetryPolicyDefinition } from '../definition/types.ts';
import type { FailureKind } from './backend.ts';

export function retryDelay(
  policies: readonly RetryPolicyDefinition[] | undefined,
  kind: FailureKind,
  retriesSoFar: number,
  msSinceFirstAttempt: number,
): number | undefined {
  const policy = (policies ?? []).find((p) => {
    const types = Array.isArray(p.ExceptionType) ? p.ExceptionType : [p.ExceptionType as unknown as string];
    return types.includes(kind);
  });
  if (!policy) return undefined;
  const interval = (policy.IntervalSeconds ?? 1) * 1000;
  const delay = interval * (policy.BackoffRate ?? 2) ** retriesSoFar;
  if (policy.ExpireAfterMin !== undefined) {
    return msSinceFirstAttempt + delay <= policy.ExpireAfterMin * 60_000 ? delay : undefined;
  }
  const max = policy.MaxAttempts ?? 5;
  return retriesSoFar < max ? delay : undefined;
}
