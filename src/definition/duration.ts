/** ISO-8601 durations (`P30D`, `PT1H30M`, `P1Y2M3DT4H5M6S`, `P2W`) in milliseconds, as CacheConfig.ExpireAfter uses. */
import { ErrorCode, SagepipeError } from '../errors.ts';

const PATTERN = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const UNIT_MS = [365 * 86400e3, 30 * 86400e3, 7 * 86400e3, 86400e3, 3600e3, 60e3, 1e3];

export function parseDuration(text: string, path = 'ExpireAfter'): number {
  const m = PATTERN.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) {
    throw new SagepipeError(ErrorCode.DefinitionInvalid, `'${text}' is not an ISO-8601 duration (e.g. P30D, PT12H)`, { path });
  }
  return UNIT_MS.reduce((sum, unit, i) => sum + Number(m[i + 1] ?? 0) * unit, 0);
}

export function isIsoDuration(text: string): boolean {
  return PATTERN.test(text) && text !== 'P' && !text.endsWith('T');
}
