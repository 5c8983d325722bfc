/** The API's shapes as the page sees them (mirrors src/ui/server/api.ts, kept free of Node types). */
import type { ExecutionRecord } from '../../engine/records.ts';
import type { DagLayout } from '../graph/layout.ts';

export interface ExecutionSummary {
  id: string;
  arn: string;
  pipeline: string;
  displayName: string;
  status: string;
  created: string;
  start?: string;
  end?: string;
  durationMs?: number;
  parameters: { Name: string; Value: string }[];
  failureReason?: string;
  steps: number;
  cacheHits: number;
}

export interface ExecutionList {
  executions: ExecutionSummary[];
  total: number;
  pipelines: string[];
  pipelineSummaries: { name: string; executions: number; latest: { id: string; status: string; created: string } }[];
  corrupt: string[];
}

export interface ExecutionDetail {
  record: ExecutionRecord;
  layout: DagLayout;
  parameters: { Name: string; Type: string; DefaultValue?: unknown }[];
  /** Each step's Arguments as defined (references unevaluated). */
  stepArguments: Record<string, unknown>;
}

export interface ExecutionMetrics {
  report: { step: string; file: string; metrics: [string, number][] }[];
  training: { step: string; series: Record<string, [number, number][]> }[];
}

export interface VersionSummary {
  group: string;
  version: number;
  arn: string;
  status: string;
  created: string;
  description?: string;
  metrics: [string, number][];
  history: { From: string; To: string; Time: string; Description?: string }[];
  execution?: string;
  modelDataUrl?: string;
}

export interface ModelsView {
  groups: { name: string; arn: string; created: string; versions: VersionSummary[] }[];
  endpoints: { EndpointName: string; EndpointStatus: string; Url?: string; Source?: { ModelPackageArn?: string } }[];
}

export type { ExecutionRecord, DagLayout };
