/**
 * A model package version's headline metrics: its model-quality statistics flattened to name → number (confusion
 * matrices left out). Below the CLI and the UI, which both list versions with them.
 */
import type { Json } from '../definition/types.ts';
import { flattenMetrics } from './property-files.ts';
import type { ModelPackageRecord } from './target.ts';

/** Model-quality statistics (a statistics document), flattened; none for none. */
export const qualityMetrics = (content: Json | undefined): [string, number][] =>
  content === undefined ? [] : flattenMetrics(content).filter(([k]) => !k.includes('confusion_matrix'));

/** The model-quality statistics the local registry keeps with a version. */
export function keyMetrics(p: ModelPackageRecord): [string, number][] {
  return qualityMetrics((p['sagepipe:ModelMetricsContent'] as { ModelQuality?: { Statistics?: Json } } | undefined)?.ModelQuality?.Statistics);
}
