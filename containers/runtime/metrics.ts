/** Binary-classification metrics over probabilities and 0/1 labels. */

export interface BinaryMetrics {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly rocAuc: number;
  readonly logLoss: number;
  readonly confusionMatrix: { readonly tn: number; readonly fp: number; readonly fn: number; readonly tp: number };
}

export function binaryMetrics(labels: ArrayLike<number>, probabilities: ArrayLike<number>, threshold = 0.5): BinaryMetrics {
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = (probabilities[i] as number) > threshold ? 1 : 0;
    const actual = labels[i] as number;
    if (predicted === 1 && actual === 1) tp++;
    else if (predicted === 0 && actual === 0) tn++;
    else if (predicted === 1) fp++;
    else fn++;
  }
  const n = labels.length;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    accuracy: n === 0 ? 0 : (tp + tn) / n,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    rocAuc: rocAuc(labels, probabilities),
    logLoss: logLoss(labels, probabilities),
    confusionMatrix: { tn, fp, fn, tp },
  };
}

export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  const eps = 1e-15;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i] as number));
    sum += (labels[i] as number) === 1 ? -Math.log(p) : -Math.log(1 - p);
  }
  return labels.length === 0 ? 0 : sum / labels.length;
}

/** Area under the ROC curve by the rank statistic, with ties given their average rank. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if ((labels[order[k] as number] as number) === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function errorRate(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  return 1 - binaryMetrics(labels, probabilities).accuracy;
}

export function rmse(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += ((labels[i] as number) - (predictions[i] as number)) ** 2;
  return labels.length === 0 ? 0 : Math.sqrt(s / labels.length);
}

export function mae(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += Math.abs((labels[i] as number) - (predictions[i] as number));
  return labels.length === 0 ? 0 : s / labels.length;
}
