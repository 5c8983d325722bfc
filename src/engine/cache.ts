/**
 * Step caching as SageMaker does it: a step whose evaluated arguments equal those of an earlier successful run of
 * the same pipeline's step, within ExpireAfter, reuses that run's properties. Execution variables are left
 * unevaluated in the key, so per-execution output paths do not defeat the cache.
 */
import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../definition/types.ts';
import type { ExecutionRecord, StepRecord } from './records.ts';

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Json)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function cacheKey(stepType: string, args: JsonObject): string {
  return createHash('sha256').update(canonicalJson({ Type: stepType, Arguments: args })).digest('hex');
}

export interface CacheCandidate {
  readonly execution: ExecutionRecord;
  readonly step: StepRecord;
}

export type CacheDecision =
  | { readonly hit: true; readonly source: CacheCandidate }
  | { readonly hit: false; readonly reason: string };

export function decideCache(key: string, args: JsonObject, candidates: readonly CacheCandidate[], now: number, expireAfterMs: number | undefined): CacheDecision {
  const same = candidates.filter((c) => c.step.CacheKey === key);
  const fresh = same.find((c) => expireAfterMs === undefined || now - Date.parse(c.step.EndTime ?? c.execution.CreationTime) <= expireAfterMs);
  if (fresh) return { hit: true, source: fresh };
  if (same.length > 0) {
    const newest = same[0] as CacheCandidate;
    return { hit: false, reason: `the run with the same arguments (execution ${newest.execution.PipelineExecutionId}, ended ${newest.step.EndTime}) is older than ExpireAfter` };
  }
  const latest = candidates[0];
  if (!latest) return { hit: false, reason: 'no earlier successful run of this step' };
  const diffs = diffJson(latest.step.CacheArguments ?? {}, args, 'Arguments');
  const shown = diffs.slice(0, 3).join('; ');
  return { hit: false, reason: `arguments differ from execution ${latest.execution.PipelineExecutionId}: ${shown}${diffs.length > 3 ? ` (+${diffs.length - 3} more)` : ''}` };
}

/** Paths where two JSON values differ, with both values. */
export function diffJson(before: Json, after: Json, path: string, out: string[] = []): string[] {
  if (canonicalJson(before) === canonicalJson(after)) return out;
  const isObj = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      diffJson(before[k] ?? null, after[k] ?? null, `${path}.${k}`, out);
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => diffJson(b, after[i] as Json, `${path}[${i}]`, out));
    return out;
  }
  const short = (v: Json) => {
    const t = JSON.stringify(v);
    return t.length > 80 ? `${t.slice(0, 77)}...` : t;
  };
  out.push(`${path} was ${short(before)}, now ${short(after)}`);
  return out;
}
