import { describe, expect, it } from 'vitest';
import { EarlyStopper } from '../../../src/engine/tuning/early-stopping.ts';
import { GaussianProcess, expectedImprovement } from '../../../src/engine/tuning/gaussian-process.ts';
import { seededRandom } from '../../../src/engine/tuning/random.ts';
import { fromUnit, gridPoints, parseRanges, toUnit } from '../../../src/engine/tuning/ranges.ts';
import { BayesianSearch, type Observation, createStrategy } from '../../../src/engine/tuning/strategies.ts';

const ranges = parseRanges({ ContinuousParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1', ScalingType: 'Linear' }] });
const f = (x: number) => (x - 0.62) ** 2;

describe('parameter ranges', () => {
  it('GIVEN logarithmic scaling WHEN mapping the unit interval THEN the midpoint is the geometric mean and it round-trips', () => {
    const [r] = parseRanges({ ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.001', MaxValue: '1', ScalingType: 'Logarithmic' }] });
    expect(Number(fromUnit(r!, 0.5))).toBeCloseTo(Math.sqrt(0.001), 5);
    expect(toUnit(r!, fromUnit(r!, 0.3))).toBeCloseTo(0.3, 4);
  });

  it('GIVEN reverse-logarithmic scaling WHEN mapping THEN values crowd towards the maximum', () => {
    const [r] = parseRanges({ ContinuousParameterRanges: [{ Name: 'b', MinValue: '0.9', MaxValue: '0.999', ScalingType: 'ReverseLogarithmic' }] });
    expect(Number(fromUnit(r!, 0.5))).toBeGreaterThan((0.9 + 0.999) / 2);
    expect(toUnit(r!, fromUnit(r!, 0.7))).toBeCloseTo(0.7, 3);
  });

  it('GIVEN invalid ranges WHEN parsed THEN the range is named', () => {
    expect(() => parseRanges({ ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0', MaxValue: '1', ScalingType: 'Logarithmic' }] })).toThrow(/'eta': Logarithmic scaling needs MinValue > 0/);
    expect(() => parseRanges({ IntegerParameterRanges: [{ Name: 'd', MinValue: '5', MaxValue: '2' }] })).toThrow(/'d'/);
  });

  it('GIVEN an integer range WHEN sampled THEN values are whole and within bounds', () => {
    const [r] = parseRanges({ IntegerParameterRanges: [{ Name: 'd', MinValue: '2', MaxValue: '4' }] });
    const seen = new Set([0, 0.2, 0.5, 0.8, 1].map((u) => fromUnit(r!, u)));
    expect([...seen].sort()).toEqual(['2', '3', '4']);
  });

  it('GIVEN a continuous range WHEN asked for a grid THEN it is refused', () => {
    expect(() => gridPoints(ranges)).toThrow(/cannot enumerate continuous range 'x'/);
  });
});

describe('Bayesian search', () => {
  it('GIVEN a fitted Gaussian process WHEN predicting at an observed point THEN it reproduces the value with little uncertainty', () => {
    const xs = [[0.1], [0.4], [0.9]];
    const gp = GaussianProcess.fit(xs, xs.map(([x]) => f(x!)));
    const p = gp.predict([0.4]);
    expect(p.mean).toBeCloseTo(f(0.4), 2);
    expect(p.sd).toBeLessThan(gp.predict([0.65]).sd);
    expect(expectedImprovement({ mean: 0, sd: 1 }, 0)).toBeGreaterThan(expectedImprovement({ mean: 0, sd: 0.1 }, 0));
  });

  it('GIVEN trials spread over the range WHEN asking for the next THEN it proposes near the minimum, not at random', () => {
    const search = new BayesianSearch(ranges, seededRandom(7));
    const observations: Observation[] = [0.05, 0.3, 0.5, 0.75, 0.95].map((x) => ({ point: { x: String(x) }, value: f(x) }));
    const proposals = [1, 2, 3].map(() => Number(search.next(observations).x));
    for (const x of proposals) expect(Math.abs(x - 0.62)).toBeLessThan(0.15);
  });

  it('GIVEN a budget of 12 trials WHEN Bayesian and Random search the same bowl THEN Bayesian ends closer to the minimum', () => {
    const best = (strategy: 'Bayesian' | 'Random') => {
      const s = createStrategy(strategy, ranges, seededRandom(11));
      const obs: Observation[] = [];
      for (let i = 0; i < 12; i++) {
        const p = s.next(obs) as { x: string };
        obs.push({ point: p, value: f(Number(p.x)) });
      }
      return Math.min(...obs.map((o) => o.value as number));
    };
    expect(best('Bayesian')).toBeLessThan(best('Random'));
    expect(best('Bayesian')).toBeLessThan(1e-3);
  });
});

describe('early stopping', () => {
  it('GIVEN the median rule WHEN a trial is worse than the median of three others at the same step THEN it is stopped', () => {
    const s = new EarlyStopper({ kind: 'median' });
    for (const t of ['a', 'b', 'c']) s.report(t, 0.3);
    expect(s.report('d', 0.2)).toBe(false);
    expect(s.report('e', 0.9)).toBe(true);
  });

  it('GIVEN the rule off WHEN a trial is poor THEN it continues', () => {
    const s = new EarlyStopper({ kind: 'off' });
    for (const t of ['a', 'b', 'c']) s.report(t, 0.1);
    expect(s.report('d', 5)).toBe(false);
  });
});
