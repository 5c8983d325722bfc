/**
 * An execution's metrics for charts: the evaluation report (each property file a succeeded step wrote, flattened to
 * name → number) and the per-round lines training jobs print (`[12]\ttrain-logloss:0.31\tvalidation-logloss:0.33`).
 */
import type { Json } from '../../definition/types.ts';
import { flattenMetrics, readPropertyFiles } from '../../engine/property-files.ts';
import type { StoredExecution } from '../../engine/records.ts';

export interface TrainingSeries {
  readonly step: string;
  /** metric name → [round, value] in round order. */
  readonly series: Record<string, [number, number][]>;
}

export interface ExecutionMetrics {
  readonly report: { step: string; file: string; metrics: [string, number][] }[];
  readonly training: TrainingSeries[];
}

const ROUND_LINE = /^\[(\d+)\]\t(.+)$/;
const PAIR = /([A-Za-z][\w.-]*?):(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g;

/** Parses XGBoost-style evaluation lines; other lines are ignored. */
export function trainingSeries(log: string): Record<string, [number, number][]> {
  const series: Record<string, [number, number][]> = {};
  for (const line of log.split('\n')) {
    const m = ROUND_LINE.exec(line.trimEnd());
    if (!m) continue;
    const round = Number(m[1]);
    for (const pair of (m[2] ?? '').matchAll(PAIR)) {
      const name = pair[1] as string;
      (series[name] ??= []).push([round, Number(pair[2])]);
    }
  }
  return series;
}

export async function executionMetrics(
  stored: StoredExecution,
  readObject: (uri: string) => Promise<Uint8Array>,
  readLog: (executionId: string, step: string) => Promise<string>,
): Promise<ExecutionMetrics> {
  const files = await readPropertyFiles(stored.record, stored.definition, readObject);
  const report = files.map((f) => ({ step: f.step, file: f.file, metrics: flattenMetrics(f.content as Json).filter(([k]) => !k.includes('confusion_matrix')) }));
  const training: TrainingSeries[] = [];
  for (const step of stored.record.Steps) {
    if (step.StepType !== 'Training') continue;
    // A cache hit ran no job here: its lines are in the log of the execution it came from.
    const source = step.CacheHitResult ? (step.CacheHitResult.SourcePipelineExecutionArn.split('/').pop() ?? '') : stored.record.PipelineExecutionId;
    const series = trainingSeries(await readLog(source, step.StepName).catch(() => ''));
    if (Object.keys(series).length > 0) training.push({ step: step.StepName, series });
  }
  return { report, training };
}
