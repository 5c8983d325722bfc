/**
 * MetricDefinitions over a training job's log, as SageMaker applies them to CloudWatch: a tab is seen as `#011` (so
 * regexes written for AWS's images match), the first group is the value, and the last match of each metric wins.
 */
import type { JsonObject } from '../src/definition/types.ts';

export function extractMetrics(definitions: readonly JsonObject[], lines: readonly string[], at: Date): JsonObject[] {
  const out: JsonObject[] = [];
  for (const d of definitions) {
    const name = typeof d.Name === 'string' ? d.Name : undefined;
    const pattern = typeof d.Regex === 'string' ? d.Regex : undefined;
    if (!name || !pattern) continue;
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch {
      continue;
    }
    let value: number | undefined;
    for (const raw of lines) {
      const m = re.exec(raw.replace(/\t/g, '#011'));
      const v = m?.[1] === undefined ? Number.NaN : Number(m[1]);
      if (Number.isFinite(v)) value = v;
    }
    if (value !== undefined) out.push({ MetricName: name, Value: value, Timestamp: at.toISOString() });
  }
  return out;
}
