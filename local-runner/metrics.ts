/**
 * MetricDefinitions over a training job's log, as SageMaker applies them to CloudWatch: a tab is seen as `#011` (so
 * regexes written for AWS's images match), the first group is the value, and the last match of each metric wins.
 */
import type { JsonObject } from '../src/definition/types.ts';

export function extractMetrics(definitions: readonly JsonObject[], lines: readonly string[], at: Date): JsonObject[] {
  const collector = new MetricsCollector(definitions);
  for (const line of lines) collector.feed(line);
  return collector.result(at);
}

/** The same, line by line as the job writes them: only the last value of each metric is kept, never the log. */
export class MetricsCollector {
  private readonly metrics: { name: string; re: RegExp; value: number | undefined }[] = [];
  constructor(definitions: readonly JsonObject[]) {
    for (const d of definitions) {
      const name = typeof d.Name === 'string' ? d.Name : undefined;
      const pattern = typeof d.Regex === 'string' ? d.Regex : undefined;
      if (!name || !pattern) continue;
      try {
        this.metrics.push({ name, re: new RegExp(pattern), value: undefined });
      } catch {
        // An invalid regex matches nothing, as on SageMaker.
      }
    }
  }

  feed(raw: string): void {
    if (this.metrics.length === 0) return;
    const line = raw.replace(/\t/g, '#011');
    for (const m of this.metrics) {
      const match = m.re.exec(line);
      const v = match?.[1] === undefined ? Number.NaN : Number(match[1]);
      if (Number.isFinite(v)) m.value = v;
    }
  }

  result(at: Date): JsonObject[] {
    return this.metrics.flatMap((m) => (m.value === undefined ? [] : [{ MetricName: m.name, Value: m.value, Timestamp: at.toISOString() }]));
  }
}
