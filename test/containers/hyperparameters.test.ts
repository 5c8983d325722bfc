import { describe, expect, it } from 'vitest';
import { resolveHyperparameters } from '../../containers/xgboost/hyperparameters.ts';

describe('XGBoost hyperparameters', () => {
  it('GIVEN the reference hyperparameters THEN they resolve to XGBoost parameters and 50 rounds', () => {
    const c = resolveHyperparameters({ objective: 'binary:logistic', num_round: '50', max_depth: '5', subsample: '1', silent: '0', eval_metric: 'logloss', eta: '0.3' });
    expect(c.numRound).toBe(50);
    expect(c.evalMetrics).toEqual(['logloss']);
    expect(c.params).toEqual({ objective: 'binary:logistic', max_depth: '5', subsample: '1', silent: '0', eta: '0.3', eval_metric: 'logloss' });
  });

  it.each([
    [{ num_round: '10', max_depth: 'five' }, "hyperparameter 'max_depth' must be an integer: got 'five'"],
    [{ num_round: '10', subsample: '0' }, "hyperparameter 'subsample' must be greater than 0: got '0'"],
    [{ num_round: '10', objective: 'binary:magic' }, /hyperparameter 'objective' must be one of binary:logistic/],
    [{ num_round: '10', eval_metric: 'map' }, "eval_metric 'map' is not supported (supported: rmse, mae, logloss, error, auc)"],
    [{ max_depth: '3' }, "hyperparameter 'num_round' is required"],
    [{ num_round: '10', colour: 'red' }, "unknown hyperparameter 'colour'"],
    [{ num_round: '10', objective: 'multi:softmax' }, /'num_class' is required with objective 'multi:softmax'/],
  ])('GIVEN %j THEN the error says %s', (raw, message) => {
    expect(() => resolveHyperparameters(raw)).toThrowError(message);
  });

  it('GIVEN reg:squarederror THEN XGBoost gets it by that name (the WebAssembly fallback renames it) and rmse is the default metric', () => {
    const c = resolveHyperparameters({ num_round: '3', objective: 'reg:squarederror' });
    expect(c.params.objective).toBe('reg:squarederror');
    expect(c.params.eval_metric).toBe('rmse');
    expect(c.evalMetrics).toEqual(['rmse']);
  });
});
