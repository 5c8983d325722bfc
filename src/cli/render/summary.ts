/** The end-of-run summary: status, time, failures, evaluation metrics from property files, what was registered. */
import type { Json, JsonObject } from '../../definition/types.ts';
import { flattenMetrics } from '../../engine/property-files.ts';
import type { ExecutionRecord } from '../../engine/records.ts';

export { flattenMetrics, readPropertyFiles } from '../../engine/property-files.ts';

export function summaryLines(record: ExecutionRecord, files: readonly { step: string; file: string; content: Json }[]): string[] {
  const lines: string[] = [];
  const ms = record.EndTime && record.StartTime ? Date.parse(record.EndTime) - Date.parse(record.StartTime) : undefined;
  const icon = record.PipelineExecutionStatus === 'Succeeded' ? '✔' : record.PipelineExecutionStatus === 'Stopped' ? '■' : '✖';
  // The image-build phase, said apart: a first run's minutes of building are not the pipeline's time.
  const builds = record.ImageBuilds ?? [];
  const buildMs = builds.reduce((sum, b) => sum + (Date.parse(b.EndTime) - Date.parse(b.StartTime)), 0);
  const buildNote = builds.length === 0 ? '' : `, of which ${(buildMs / 1000).toFixed(1)} s building ${builds.length === 1 ? 'an image' : `${builds.length} images`}`;
  lines.push('');
  lines.push(`${icon} ${record.PipelineName} ${record.PipelineExecutionStatus}${ms === undefined ? '' : ` in ${(ms / 1000).toFixed(1)} s${buildNote}`} — execution ${record.PipelineExecutionId}`);
  if (record.FailureReason) lines.push(`  reason: ${record.FailureReason}`);
  for (const s of record.Steps) {
    if (s.StepStatus === 'Failed' && s.FailureReason) lines.push(`  ${s.StepName} failed: ${s.FailureReason}`);
  }
  const cached = record.Steps.filter((s) => s.CacheHitResult).map((s) => s.StepName);
  if (cached.length > 0) lines.push(`  cached: ${cached.join(', ')}`);
  for (const f of files) {
    const metrics = flattenMetrics(f.content).filter(([k]) => !k.includes('confusion_matrix'));
    if (metrics.length === 0) continue;
    lines.push(`  ${f.step} ${f.file}: ${metrics.map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ')}`);
  }
  for (const s of record.Steps) {
    const arn = s.Properties?.ModelPackageArn;
    if (s.StepType === 'RegisterModel' && typeof arn === 'string') {
      lines.push(`  registered ${s.Properties?.ModelPackageGroupName} version ${s.Properties?.ModelPackageVersion} (${s.Properties?.ModelApprovalStatus})`);
    }
    if (s.StepType === 'Model' && typeof s.Properties?.ModelName === 'string') lines.push(`  created model ${s.Properties.ModelName}`);
  }
  if (record.NotExecutedSteps.length > 0) lines.push(`  not executed: ${record.NotExecutedSteps.map((n) => n.StepName).join(', ')}`);
  return lines;
}

/** The record as `--json` prints it: DescribePipelineExecution's fields plus Steps with their Properties. */
export function recordForJson(record: ExecutionRecord): JsonObject {
  return JSON.parse(
    JSON.stringify({ ...record, Steps: record.Steps.map(({ CacheArguments: _drop, ...rest }) => rest) }),
  ) as JsonObject;
}
