/**
 * What an ended execution's property files say: each succeeded step's declared PropertyFiles read from its outputs
 * (through whatever reads the target's S3), and their numbers flattened into metrics. The CLI's summary and the
 * library's results both use this.
 */
import { definitionSteps } from '../definition/checks.ts';
import type { Json, JsonObject, PipelineDefinition } from '../definition/types.ts';
import type { ExecutionRecord } from './records.ts';

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

/** Reads each property file the succeeded steps declared (`readObject` fetches from S3). */
export interface PropertyFileContent {
  readonly step: string;
  readonly file: string;
  readonly content: Json;
}

export async function readPropertyFiles(
  record: ExecutionRecord,
  definition: PipelineDefinition,
  readObject: (uri: string) => Promise<Uint8Array>,
): Promise<PropertyFileContent[]> {
  const out: PropertyFileContent[] = [];
  for (const { step: def } of definitionSteps(definition)) {
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

