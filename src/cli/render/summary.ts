/** The end-of-run summary: status, time, failures, evaluation metrics from property files, what was registered. */
import type { Json, JsonObject, PipelineDefinition, StepDefinition } from '../../definition/types.ts';
import type { ExecutionRecord } from '../../engine/records.ts';

/** Flattens `{"metrics": {"accuracy": {"value": 0.87}}}` to `accuracy = 0.87`; other numbers keep their path. */
export function flattenMetrics(doc: Json, prefix = ''): [string, number][] {
  if (typeof doc === 'number') return [[prefix, doc]];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const out: [string, number][] = [];
  for (const [k, v] of Object.entries(doc)) {
    const key = k === 'value' && prefix ? prefix : prefix ? `${prefix}.${k}` : k;
    out.push(...flattenMetrics(v as Json, key));
  }
  return out.map(([k, v]) => [k.replace(/^metrics\./, ''), v]);
}

function allSteps(definition: PipelineDefinition): StepDefinition[] {
  const out: StepDefinition[] = [];
  const visit = (steps: readonly StepDefinition[]) => {
    for (const s of steps) {
      out.push(s);
      if (s.Type === 'Condition') {
        visit((s.Arguments.IfSteps ?? []) as unknown as StepDefinition[]);
        visit((s.Arguments.ElseSteps ?? []) as unknown as StepDefinition[]);
      }
    }
  };
  visit(definition.Steps);
  return out;
}

/** Reads each property file the succeeded steps declared (`readObject` fetches from S3). */
export async function readPropertyFiles(
  record: ExecutionRecord,
  definition: PipelineDefinition,
  readObject: (uri: string) => Promise<Uint8Array>,
): Promise<{ step: string; file: string; content: Json }[]> {
  const out: { step: string; file: string; content: Json }[] = [];
  for (const def of allSteps(definition)) {
    const step = record.Steps.find((s) => s.StepName === def.Name && s.StepStatus === 'Succeeded');
    if (!step?.Properties) continue;
    for (const pf of def.PropertyFiles ?? []) {
      const outputs = ((step.Properties.ProcessingOutputConfig as JsonObject | undefined)?.Outputs ?? []) as JsonObject[];
      const output = outputs.find((o) => o.OutputName === pf.OutputName);
      const uri = (output?.S3Output as JsonObject | undefined)?.S3Uri;
      if (typeof uri !== 'string') continue;
      try {
        const text = Buffer.from(await readObject(`${uri.replace(/\/+$/, '')}/${pf.FilePath}`)).toString('utf8');
        out.push({ step: def.Name, file: pf.PropertyFileName, content: JSON.parse(text) as Json });
      } catch {
        // A missing or unreadable file is not the summary's to report.
      }
    }
  }
  return out;
}

export function summaryLines(record: ExecutionRecord, files: readonly { step: string; file: string; content: Json }[]): string[] {
  const lines: string[] = [];
  const ms = record.EndTime && record.StartTime ? Date.parse(record.EndTime) - Date.parse(record.StartTime) : undefined;
  const icon = record.PipelineExecutionStatus === 'Succeeded' ? '✔' : record.PipelineExecutionStatus === 'Stopped' ? '■' : '✖';
  lines.push('');
  lines.push(`${icon} ${record.PipelineName} ${record.PipelineExecutionStatus}${ms === undefined ? '' : ` in ${(ms / 1000).toFixed(1)} s`} — execution ${record.PipelineExecutionId}`);
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
