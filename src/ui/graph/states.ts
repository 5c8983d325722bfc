/** A step's state for the picture, from an execution record (steps that ran, and those that did not). */
import type { ExecutionRecord } from '../../engine/records.ts';
import type { DagNodeState } from './svg.ts';

export function nodeStates(record: Pick<ExecutionRecord, 'Steps' | 'NotExecutedSteps'>): Record<string, DagNodeState> {
  const out: Record<string, DagNodeState> = {};
  for (const s of record.Steps) out[s.StepName] = { status: s.StepStatus, ...(s.CacheHitResult ? { cacheHit: true } : {}) };
  for (const n of record.NotExecutedSteps) out[n.StepName] = { status: 'NotExecuted', notExecuted: n.Reason };
  return out;
}
