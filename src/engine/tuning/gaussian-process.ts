/**
 * A small Gaussian-process regressor for Bayesian tuning: squared-exponential kernel on the unit cube, observations
 * standardised, length scale chosen by marginal likelihood from a few candidates, exact inference by Cholesky.
 * Tuning jobs have tens of trials, so O(n³) is nothing.
 */

export interface Posterior {
  readonly mean: number;
  readonly sd: number;
}

const NOISE = 1e-4;
const LENGTH_SCALES = [0.1, 0.2, 0.35, 0.6, 1.0];

function kernel(a: readonly number[], b: readonly number[], length: number): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.exp(-d / (2 * length * length));
}

/** Lower-triangular L with L·Lᵀ = A; undefined when A is not positive definite. */
function cholesky(a: number[][]): number[][] | undefined {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = (a[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) sum -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      if (i === j) {
        if (sum <= 0) return undefined;
        (l[i] as number[])[j] = Math.sqrt(sum);
      } else (l[i] as number[])[j] = sum / ((l[j] as number[])[j] as number);
    }
  }
  return l;
}

function solveLower(l: number[][], b: readonly number[]): number[] {
  const x: number[] = [];
  for (let i = 0; i < b.length; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= ((l[i] as number[])[k] as number) * (x[k] as number);
    x.push(s / ((l[i] as number[])[i] as number));
  }
  return x;
}

function solveUpperT(l: number[][], b: readonly number[]): number[] {
  const n = b.length;
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let k = i + 1; k < n; k++) s -= ((l[k] as number[])[i] as number) * (x[k] as number);
    x[i] = s / ((l[i] as number[])[i] as number);
  }
  return x;
}

export class GaussianProcess {
  private constructor(
    private readonly xs: readonly (readonly number[])[],
    private readonly l: number[][],
    private readonly alpha: readonly number[],
    private readonly length: number,
    private readonly yMean: number,
    private readonly yScale: number,
  ) {}

  /** Fits the points and values (at least one). */
  static fit(xs: readonly (readonly number[])[], ys: readonly number[]): GaussianProcess {
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const variance = ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length;
    const scale = Math.sqrt(variance) || 1;
    const z = ys.map((y) => (y - mean) / scale);
    let best: { gp: GaussianProcess; lml: number } | undefined;
    for (const length of LENGTH_SCALES) {
      const k = xs.map((a, i) => xs.map((b, j) => kernel(a, b, length) + (i === j ? NOISE : 0)));
      const l = cholesky(k);
      if (!l) continue;
      const alpha = solveUpperT(l, solveLower(l, z));
      // log marginal likelihood, up to a constant: -½ zᵀα − Σ log Lᵢᵢ
      const lml = -0.5 * z.reduce((s, v, i) => s + v * (alpha[i] as number), 0) - l.reduce((s, row, i) => s + Math.log(row[i] as number), 0);
      if (!best || lml > best.lml) best = { gp: new GaussianProcess(xs, l, alpha, length, mean, scale), lml };
    }
    if (!best) throw new Error('the Gaussian process could not be fitted');
    return best.gp;
  }

  predict(x: readonly number[]): Posterior {
    const k = this.xs.map((p) => kernel(p, x, this.length));
    const mean = k.reduce((s, v, i) => s + v * (this.alpha[i] as number), 0);
    const v = solveLower(this.l, k);
    const variance = Math.max(1e-12, 1 + NOISE - v.reduce((s, a) => s + a * a, 0));
    return { mean: this.yMean + mean * this.yScale, sd: Math.sqrt(variance) * this.yScale };
  }
}

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Φ(z) by the Abramowitz–Stegun approximation (error < 1e-7). */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = normalPdf(z);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - p : p;
}

/** Expected improvement below `best` (minimisation), with a small exploration margin `xi`. */
export function expectedImprovement(p: Posterior, best: number, xi = 0.01): number {
  if (p.sd <= 0) return Math.max(0, best - p.mean - xi);
  const gain = best - p.mean - xi;
  const z = gain / p.sd;
  return gain * normalCdf(z) + p.sd * normalPdf(z);
}
