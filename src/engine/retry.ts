/**
 * RetryPolicies: a failed attempt is retried when a policy names its failure kind, until the policy's MaxAttempts
 * retries (default 5) or ExpireAfterMin minutes since the first attempt run out. The wait before retry n is
 * IntervalSeconds × BackoffRate^(n-1).
 */
import type { ResolvedRetryPolicy } from '../definition/policies.ts';
import type { FailureKind } from './backend.ts';

export function retryDelay(
  policies: readonly ResolvedRetryPolicy[],
  kind: FailureKind,
  retriesSoFar: number,
  msSinceFirstAttempt: number,
): number | undefined {
  const policy = policies.find((p) => p.exceptionTypes.includes(kind));
  if (!policy) return undefined;
  const delay = policy.intervalMs * policy.backoffRate ** retriesSoFar;
  switch (policy.limit.kind) {
    case 'expiry':
      return msSinceFirstAttempt + delay <= policy.limit.ms ? delay : undefined;
    case 'retries':
      return retriesSoFar < policy.limit.max ? delay : undefined;
    default: {
      const never: never = policy.limit;
      throw new Error(`unknown retry limit ${JSON.stringify(never)}`);
    }
  }
}
