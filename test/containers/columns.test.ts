/** CSV on columns: dictionary codes per column from the bytes, quoted fields, blank lines; chunked output. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkedWriter, parseCsvColumns } from '../../containers/runtime/columns.ts';
import { parseCsv } from '../../containers/runtime/csv.ts';
import { tempDir } from '../helpers/context.ts';

const texts = (text: string) => {
  const t = parseCsvColumns(Buffer.from(text, 'utf8'));
  return t.header.map((name) => Array.from(t.column(name).codes, (c) => t.column(name).values[c]));
};

describe('parseCsvColumns', () => {
  it('GIVEN quoted fields with commas, doubled quotes, UTF-8 and CRLF WHEN read THEN each column holds the same texts parseCsv gives', () => {
    const text = 'a,"b, quoted",c\r\n1,"x ""y"" z",é\r\n\r\n2,"",\n3,plain,"ü,v"\n';
    const rows = parseCsv(text).filter((r) => r.length > 1);
    const header = rows[0] as string[];
    const expected = header.map((_, c) => rows.slice(1).map((r) => r[c]));
    expect(parseCsvColumns(Buffer.from(text)).header).toEqual(header);
    expect(texts(text)).toEqual(expected);
  });

  it('GIVEN repeated texts THEN each distinct text is stored once and rows hold codes', () => {
    const t = parseCsvColumns(Buffer.from('k\n"a"\nb\n"a"\na\nb\n'));
    expect(t.rows).toBe(5);
    expect(t.column('k').values).toEqual(['a', 'b']);
    expect(Array.from(t.column('k').codes)).toEqual([0, 1, 0, 0, 1]);
  });

  it('GIVEN a missing column WHEN asked for THEN the error names the columns there are', () => {
    expect(() => parseCsvColumns(Buffer.from('a,b\n1,2\n')).column('c')).toThrowError("input CSV has no column 'c' (columns: a, b)");
  });

  it('GIVEN a short line and a trailing comma at the end THEN missing fields are empty texts', () => {
    expect(texts('a,b,c\n1\n2,3,')).toEqual([['1', '2'], ['', '3'], ['', '']]);
  });
});

describe('ChunkedWriter', () => {
  it('GIVEN more than a megabyte of lines WHEN written and closed THEN the file holds them all, in order', () => {
    const dir = tempDir('sagepipe-writer-');
    try {
      const file = join(dir.path, 'out.csv');
      const w = new ChunkedWriter(file);
      for (let i = 0; i < 200_000; i++) w.write(`${i},row\n`);
      w.close();
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(200_000);
      expect(lines[123_456]).toBe('123456,row');
    } finally {
      dir.remove();
    }
  });
});

describe("the reference preprocessing on columns (examples/adult/preprocess.ts)", () => {
  it('GIVEN adult.csv WHEN split THEN every written line is the row of numbers the split holds, 60/10/30, 103 columns', async () => {
    process.env.SAGEPIPE_NO_MAIN = '1';
    const { encodeSplit } = await import('../../examples/adult/preprocess.ts');
    const { ADULT_CSV } = await import('../helpers/context.ts');
    const split = encodeSplit(parseCsvColumns(readFileSync(ADULT_CSV)), 42);
    expect(split.header).toHaveLength(103);
    expect([split.trainEnd, split.validationEnd - split.trainEnd, split.order.length - split.validationEnd]).toEqual([18097, 3016, 9049]);
    for (const r of split.order) expect(split.csvLine(r)).toBe(split.values(r).join(','));
  });
});
