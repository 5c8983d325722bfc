/** The loader resolves each step's caching and retry policies once, defaults filled and durations in ms. */
import { describe, expect, it } from 'vitest';
import { definition, processingStep } from '../engine/helpers.ts';

describe('resolved step policies', () => {
  it('GIVEN CacheConfig and RetryPolicies with and without defaults WHEN loaded THEN the graph node carries them resolved', () => {
    const step = {
      ...processingStep('a', { cache: true }),
      RetryPolicies: [
        { ExceptionType: ['Step.SERVICE_FAULT'] },
        { ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 3, BackoffRate: 1.5, ExpireAfterMin: 10 },
      ],
    };
    const node = definition([step, processingStep('b')]).graph.nodes;
    expect(node.get('a')?.policies).toEqual({
      cache: { enabled: true, expireAfterMs: 30 * 24 * 3600 * 1000 },
      retry: [
        { exceptionTypes: ['Step.SERVICE_FAULT'], intervalMs: 1000, backoffRate: 2, limit: { kind: 'retries', max: 5 } },
        { exceptionTypes: ['SageMaker.CAPACITY_ERROR'], intervalMs: 3000, backoffRate: 1.5, limit: { kind: 'expiry', ms: 600_000 } },
      ],
    });
    expect(node.get('b')?.policies).toEqual({ cache: { enabled: false }, retry: [] });
  });
});
