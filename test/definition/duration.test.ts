import { describe, expect, it } from 'vitest';
import { isIsoDuration, parseDuration } from '../../src/definition/duration.ts';

describe('ISO-8601 durations', () => {
  it.each([
    ['P30D', 30 * 86400e3],
    ['PT1H30M', 5400e3],
    ['P2W', 14 * 86400e3],
    ['PT0.5S', 500],
    ['P1DT1S', 86401e3],
  ])('GIVEN %s THEN %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(isIsoDuration(text)).toBe(true);
  });

  it.each(['30D', 'P', 'PT', 'P1H', 'P-1D', ''])('GIVEN %j THEN it is rejected', (text) => {
    expect(isIsoDuration(text)).toBe(false);
    expect(() => parseDuration(text)).toThrowError(/is not an ISO-8601 duration/);
  });
});
