/**
 * Early stopping of tuning trials from their intermediate objective values (one per metric line, e.g. per boosting
 * round), in "lower is better" form:
 * - `median` (TrainingJobEarlyStoppingType Auto): a trial whose best value so far, at step n, is worse than the
 *   median of the other trials' values at step n is stopped (once at least 3 others reached step n).
 * - `hyperband` (Strategy Hyperband): asynchronous successive halving — rungs at MinResource·ηᵏ (η = 3); a trial
 *   reaching a rung continues only while its value is among the top 1/η of values recorded at that rung.
 */
export type EarlyStoppingRule = { readonly kind: 'off' } | { readonly kind: 'median' } | { readonly kind: 'hyperband'; readonly minResource: number; readonly maxResource: number };

const ETA = 3;

export class EarlyStopper {
  private readonly curves = new Map<string, number[]>();
  private readonly rungs = new Map<number, number[]>();
  constructor(private readonly rule: EarlyStoppingRule) {}

  /** Records a trial's next intermediate value; true when the trial should be stopped now. */
  report(trial: string, value: number): boolean {
    const curve = this.curves.get(trial) ?? [];
    curve.push(value);
    this.curves.set(trial, curve);
    const step = curve.length;
    const bestSoFar = Math.min(...curve);
    switch (this.rule.kind) {
      case 'off':
        return false;
      case 'median': {
        const others = [...this.curves].filter(([t, c]) => t !== trial && c.length >= step).map(([, c]) => Math.min(...c.slice(0, step)));
        if (others.length < 3) return false;
        others.sort((a, b) => a - b);
        const median = others[Math.floor(others.length / 2)] as number;
        return bestSoFar > median;
      }
      case 'hyperband': {
        const { minResource, maxResource } = this.rule;
        if (step >= maxResource) return false;
        let rung = minResource;
        while (rung < step) rung *= ETA;
        if (rung !== step) return false;
        const recorded = this.rungs.get(rung) ?? [];
        recorded.push(bestSoFar);
        this.rungs.set(rung, recorded);
        if (recorded.length < ETA) return false;
        const sorted = [...recorded].sort((a, b) => a - b);
        const keep = Math.max(1, Math.floor(sorted.length / ETA));
        return bestSoFar > (sorted[keep - 1] as number);
      }
      default: {
        const never: never = this.rule;
        return never;
      }
    }
  }
}
