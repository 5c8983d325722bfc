/** Job output is split into lines in linear time, whatever its shape. */
import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, lineSplitter } from '../../../local-runner/runtime/runtime.ts';

describe('lineSplitter', () => {
  it('GIVEN 50 MB without a newline in 64 KiB chunks WHEN split THEN it is cut into bounded pieces, nothing lost, quickly', () => {
    const pieces: number[] = [];
    const s = lineSplitter((l) => pieces.push(l.length));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let i = 0; i < 800; i++) s.write(chunk);
    s.end();
    expect(pieces.reduce((a, b) => a + b, 0)).toBe(800 * 64 * 1024);
    expect(Math.max(...pieces)).toBeLessThanOrEqual(MAX_LINE_CHARS);
  }, 5_000);

  it('GIVEN lines split across chunks, CRLF endings and a multi-byte character cut in two WHEN split THEN the lines come out whole', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    const text = Buffer.from('first li');
    s.write(text);
    s.write('ne\r\nsecond\nthé');
    const e = Buffer.from('é end\n');
    s.write(e.subarray(0, 1));
    s.write(e.subarray(1));
    s.write('tail');
    s.end();
    expect(lines).toEqual(['first line', 'second', 'théé end', 'tail']);
  });
});
