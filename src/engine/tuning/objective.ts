/**
 * The tuning objective read from a trial's log: the metric definition whose Name is the objective's MetricName
 * (from the training job definition), or, for the built-in XGBoost metrics (`validation:auc`, `train:logloss` …)
 * that the service knows without one, the regex SageMaker uses for its XGBoost image. Tabs read as `#011`, as in
 * CloudWatch, so regexes written for AWS's images match.
 */
import type { JsonObject } from '../../definition/types.ts';

const NUMBER = '([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)';

/** The regex for a built-in XGBoost metric name, if it is one. */
export function builtInMetricRegex(metricName: string): string | undefined {
  const m = /^(train|validation):([a-z0-9@_-]+)$/.exec(metricName);
  return m ? `.*\\[[0-9]+\\].*#011${m[1]}-${m[2]}:${NUMBER}` : undefined;
}

export interface ObjectiveReader {
  readonly metricName: string;
  readonly regex: RegExp;
  /** The metric definition to add to each trial's request when the definition has none (a built-in metric). */
  readonly added: JsonObject | undefined;
  /** The value in a log line, if the line reports the objective. */
  read(line: string): number | undefined;
}

export function objectiveReader(metricName: string, metricDefinitions: readonly JsonObject[]): ObjectiveReader {
  const declared = metricDefinitions.find((d) => d.Name === metricName);
  const pattern = typeof declared?.Regex === 'string' ? declared.Regex : builtInMetricRegex(metricName);
  if (!pattern) {
    throw new Error(`objective metric '${metricName}' has no metric definition in the training job definition (AlgorithmSpecification.MetricDefinitions) and is not a built-in XGBoost metric`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    throw new Error(`objective metric '${metricName}': regex ${pattern} is invalid: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    metricName,
    regex,
    added: declared ? undefined : { Name: metricName, Regex: pattern },
    read(line) {
      const m = regex.exec(line.replace(/\t/g, '#011'));
      const v = m?.[1] === undefined ? Number.NaN : Number(m[1]);
      return Number.isFinite(v) ? v : undefined;
    },
  };
}
