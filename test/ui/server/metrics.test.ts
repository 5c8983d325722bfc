import { describe, expect, it } from 'vitest';
import { trainingSeries } from '../../../src/ui/server/metrics.ts';

describe('training metric lines', () => {
  it('GIVEN an XGBoost log WHEN parsed THEN each metric becomes a series of (round, value), other lines ignored', () => {
    const log = [
      '[23:58:29] src/tree/updater_prune.cc:74: tree pruning end, 1 roots',
      '[0]\ttrain-logloss:0.55181\tvalidation-logloss:0.55499',
      'Step 3/8 : COPY x',
      '[1]\ttrain-logloss:0.47192\tvalidation-logloss:0.47845',
      '[2]\ttrain-rmse:1e-3',
    ].join('\n');
    expect(trainingSeries(log)).toEqual({
      'train-logloss': [
        [0, 0.55181],
        [1, 0.47192],
      ],
      'validation-logloss': [
        [0, 0.55499],
        [1, 0.47845],
      ],
      'train-rmse': [[2, 0.001]],
    });
  });

  it('GIVEN no round lines WHEN parsed THEN there are no series', () => {
    expect(trainingSeries('building image\n[12:00:00] not a round\n')).toEqual({});
  });
});
