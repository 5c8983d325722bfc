/** A model package's headline metrics: its ModelQuality statistics flattened to name → number (confusion matrices left out). */
import type { Json } from '../../src/definition/types.ts';
import { flattenMetrics } from '../../src/engine/property-files.ts';
import type { ModelPackage } from './file-registry.ts';

export function keyMetrics(p: ModelPackage): [string, number][] {
  const content = (p['sagepipe:ModelMetricsContent'] as { ModelQuality?: { Statistics?: Json } } | undefined)?.ModelQuality?.Statistics;
  return content === undefined ? [] : flattenMetrics(content).filter(([k]) => !k.includes('confusion_matrix'));
}
