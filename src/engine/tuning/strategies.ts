/**
 * The search strategies of a tuning job: which hyperparameters the next trial gets, given the trials so far.
 * Values are in "lower is better" form (a Maximize objective is negated before it gets here).
 *
 * - Random: independent uniform draws in each range's scaled space.
 * - Grid: every combination, in order, once.
 * - Bayesian: sequential model-based optimisation — a Gaussian process fitted to the finished trials (trials still
 *   running count at the posterior mean, the "kriging believer", so parallel trials spread out) and the candidate
 *   with the highest expected improvement among random and near-best points; random draws until enough trials have
 *   finished to fit.
 * - Hyperband: random configurations, with early stopping (see early-stopping.ts) doing the successive halving.
 */
import { GaussianProcess, expectedImprovement } from './gaussian-process.ts';
import type { Random } from './random.ts';
import { type ParameterRange, fromUnit, gridPoints, toUnit } from './ranges.ts';

export type Strategy = 'Random' | 'Grid' | 'Bayesian' | 'Hyperband';
export type Point = Readonly<Record<string, string>>;

export interface Observation {
  readonly point: Point;
  /** The objective, lower is better; undefined while the trial runs or when it failed. */
  readonly value: number | undefined;
}

export interface SearchStrategy {
  /** The next trial's hyperparameters; undefined when the strategy has nothing more to try (Grid). */
  next(observations: readonly Observation[]): Point | undefined;
}

const CANDIDATES = 400;

function randomPoint(ranges: readonly ParameterRange[], random: Random): Point {
  return Object.fromEntries(ranges.map((r) => [r.name, fromUnit(r, random())]));
}

export function createStrategy(strategy: Strategy, ranges: readonly ParameterRange[], random: Random): SearchStrategy {
  switch (strategy) {
    case 'Random':
    case 'Hyperband':
      return { next: () => randomPoint(ranges, random) };
    case 'Grid': {
      const points = gridPoints(ranges);
      let i = 0;
      return { next: () => points[i++] };
    }
    case 'Bayesian':
      return new BayesianSearch(ranges, random);
    default: {
      const never: never = strategy;
      throw new Error(`unknown strategy ${String(never)}`);
    }
  }
}

export class BayesianSearch implements SearchStrategy {
  /** Random trials before the model is trusted: enough points to fit the kernel's length scale. */
  readonly initial: number;
  constructor(
    private readonly ranges: readonly ParameterRange[],
    private readonly random: Random,
  ) {
    this.initial = Math.max(2, Math.min(5, ranges.length + 1));
  }

  private encode(p: Point): number[] {
    return this.ranges.map((r) => toUnit(r, p[r.name] ?? ''));
  }

  next(observations: readonly Observation[]): Point {
    const done = observations.filter((o): o is { point: Point; value: number } => o.value !== undefined && Number.isFinite(o.value));
    if (done.length < this.initial) return randomPoint(this.ranges, this.random);
    let xs = done.map((o) => this.encode(o.point));
    let ys = done.map((o) => o.value);
    const model = GaussianProcess.fit(xs, ys);
    const pending = observations.filter((o) => o.value === undefined).map((o) => this.encode(o.point));
    if (pending.length > 0) {
      xs = [...xs, ...pending];
      ys = [...ys, ...pending.map((x) => model.predict(x).mean)];
    }
    const believer = pending.length > 0 ? GaussianProcess.fit(xs, ys) : model;
    const best = Math.min(...done.map((o) => o.value));
    const incumbent = this.encode((done.find((o) => o.value === best) as { point: Point }).point);
    const seen = new Set(observations.map((o) => JSON.stringify(o.point)));
    let chosen: Point | undefined;
    let chosenEi = -1;
    for (let i = 0; i < CANDIDATES; i++) {
      // Half global, half around the best point so far.
      const u = i % 2 === 0 ? this.ranges.map(() => this.random()) : incumbent.map((c) => Math.min(1, Math.max(0, c + (this.random() - 0.5) * 0.2)));
      const point = Object.fromEntries(this.ranges.map((r, j) => [r.name, fromUnit(r, u[j] as number)]));
      if (seen.has(JSON.stringify(point))) continue;
      const ei = expectedImprovement(believer.predict(this.encode(point)), best);
      if (ei > chosenEi) {
        chosen = point;
        chosenEi = ei;
      }
    }
    return chosen ?? randomPoint(this.ranges, this.random);
  }
}
