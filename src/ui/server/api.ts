/** The JSON shapes the UI server sends, built from records (small: the list view stays fast with 1,000 executions). */
import type { ExecutionRecord } from '../../engine/records.ts';
import { keyMetrics } from '../../engine/model-metrics.ts';
import type { ModelPackage } from '../../../local-runner/registry/file-registry.ts';
import type { Json } from '../../definition/types.ts';

export interface ExecutionSummary {
  readonly id: string;
  readonly arn: string;
  readonly pipeline: string;
  readonly displayName: string;
  readonly status: string;
  readonly created: string;
  readonly start?: string;
  readonly end?: string;
  readonly durationMs?: number;
  readonly parameters: readonly { Name: string; Value: string }[];
  readonly failureReason?: string;
  readonly steps: number;
  readonly cacheHits: number;
}

export function durationMs(r: Pick<ExecutionRecord, 'StartTime' | 'EndTime'>, now = Date.now()): number | undefined {
  if (!r.StartTime) return undefined;
  return (r.EndTime ? Date.parse(r.EndTime) : now) - Date.parse(r.StartTime);
}

export function summarize(r: ExecutionRecord): ExecutionSummary {
  const ms = durationMs(r);
  return {
    id: r.PipelineExecutionId,
    arn: r.PipelineExecutionArn,
    pipeline: r.PipelineName,
    displayName: r.PipelineExecutionDisplayName,
    status: r.PipelineExecutionStatus,
    created: r.CreationTime,
    ...(r.StartTime ? { start: r.StartTime } : {}),
    ...(r.EndTime ? { end: r.EndTime } : {}),
    ...(ms === undefined ? {} : { durationMs: ms }),
    parameters: r.PipelineParameters,
    ...(r.FailureReason ? { failureReason: r.FailureReason } : {}),
    steps: r.Steps.length,
    cacheHits: r.Steps.filter((s) => s.CacheHitResult).length,
  };
}

export interface VersionSummary {
  readonly group: string;
  readonly version: number;
  readonly arn: string;
  readonly status: string;
  readonly created: string;
  readonly description?: string;
  readonly metrics: [string, number][];
  readonly history: Json;
  readonly execution?: string;
  readonly modelDataUrl?: string;
}

export function versionSummary(p: ModelPackage): VersionSummary {
  const generatedBy = String((p.MetadataProperties as { GeneratedBy?: string } | undefined)?.GeneratedBy ?? '');
  const container = ((p.InferenceSpecification as { Containers?: { ModelDataUrl?: string }[] } | undefined)?.Containers ?? [])[0];
  return {
    group: p.ModelPackageGroupName,
    version: p.ModelPackageVersion,
    arn: p.ModelPackageArn,
    status: p.ModelApprovalStatus,
    created: p.CreationTime,
    ...(typeof p.ApprovalDescription === 'string' ? { description: p.ApprovalDescription } : {}),
    metrics: keyMetrics(p),
    history: (p['sagepipe:ApprovalHistory'] as Json | undefined) ?? [],
    ...(generatedBy ? { execution: generatedBy.split('/').pop() ?? generatedBy } : {}),
    ...(container?.ModelDataUrl ? { modelDataUrl: container.ModelDataUrl } : {}),
  };
}
