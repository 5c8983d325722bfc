import { describe, expect, it } from 'vitest';
import { extractMetrics } from '../../local-runner/metrics.ts';

describe('metric definitions over a training log', () => {
  it('GIVEN regexes written for AWS images (#011) WHEN applied to tab-separated lines THEN the last value of each metric is kept', () => {
    const lines = ['[0]\ttrain-logloss:0.54\tvalidation-logloss:0.55', 'noise', '[1]\ttrain-logloss:0.31\tvalidation-logloss:0.33'];
    const at = new Date('2026-01-01T00:00:00Z');
    const metrics = extractMetrics(
      [
        { Name: 'train:logloss', Regex: '.*\\[[0-9]+\\].*#011train-logloss:([-+]?[0-9]*\\.?[0-9]+).*' },
        { Name: 'validation:logloss', Regex: '#011validation-logloss:([0-9.]+)' },
        { Name: 'never', Regex: 'absent:([0-9]+)' },
        { Name: 'broken', Regex: '([' },
      ],
      lines,
      at,
    );
    expect(metrics).toEqual([
      { MetricName: 'train:logloss', Value: 0.31, Timestamp: at.toISOString() },
      { MetricName: 'validation:logloss', Value: 0.33, Timestamp: at.toISOString() },
    ]);
  });
});
