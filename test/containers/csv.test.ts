/** Numeric CSV straight into typed arrays: exact values, missing values, errors naming the line, chunked file reads. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError, parseNumericCsv, readNumericCsvFiles } from '../../containers/runtime/csv.ts';
import { readLibsvmFiles } from '../../containers/runtime/libsvm.ts';
import { tempDir } from '../helpers/context.ts';

describe('parseNumericCsv', () => {
  it('GIVEN decimals, exponents, signs and long mantissas WHEN parsed THEN each value is what Number() then float32 give', () => {
    const values = ['0', '-0.5', '3.14159', '1e-7', '2.5E+3', '+7', '123456789012345678', '0.1234567890123456789', '1e300', '-.25', '17.', '0x10'];
    const { features } = parseNumericCsv(`${values.join(',')}\n`, { labelColumn: false });
    expect(Array.from(features.data)).toEqual(values.map((v) => Math.fround(Number(v))));
  });

  it('GIVEN 10,000 random decimals WHEN parsed THEN every one equals Math.fround(Number(text))', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const texts = Array.from({ length: 10_000 }, () => ((random() - 0.5) * 10 ** Math.floor(random() * 12 - 4)).toPrecision(1 + Math.floor(random() * 16)));
    const { features } = parseNumericCsv(`${texts.join(',')}\n`, { labelColumn: false });
    texts.forEach((t, i) => expect(features.data[i], t).toBe(Math.fround(Number(t))));
  });

  it('GIVEN empty fields, spaces, CRLF and blank lines WHEN parsed with a label column THEN missing values are NaN and blank lines are skipped', () => {
    const { features, labels } = parseNumericCsv('1, 2 ,,4\r\n\n0,5,6,\n', { labelColumn: true });
    expect(features.rows).toBe(2);
    expect(features.cols).toBe(3);
    expect(Array.from(labels)).toEqual([1, 0]);
    expect(Array.from(features.data)).toEqual([2, Number.NaN, 4, 5, 6, Number.NaN]);
  });

  it.each([
    ['1,2,x\n', "line 1, column 3: 'x' is not a number"],
    ['1,2,3\n4,5\n', 'line 2 has 2 values, expected 3'],
    ['1,2\n3,4,5\n', 'line 2 has 3 values, expected 2'],
  ])('GIVEN %j THEN a CsvError says %s', (text, message) => {
    expect(() => parseNumericCsv(text, { labelColumn: false })).toThrowError(new CsvError(message, 0).message);
  });
});

describe('readNumericCsvFiles', () => {
  const dir = tempDir('sagepipe-csv-');
  afterAll(() => dir.remove());

  it('GIVEN several files, one without a final newline and one larger than the read chunk WHEN read THEN rows come in file order with nothing lost at chunk edges', () => {
    const rows = 300_000;
    let big = '';
    for (let r = 0; r < rows; r++) big += `${r % 2},${r},${(r * 0.001).toFixed(3)},${r % 7 === 0 ? '' : r % 13}\n`;
    const twice = big + big;
    // Larger than the 8 MiB read chunk, so lines straddle chunk edges.
    expect(twice.length).toBeGreaterThan(8 * 1024 * 1024);
    writeFileSync(join(dir.path, 'a.csv'), '1,-1,-2,-3');
    writeFileSync(join(dir.path, 'b.csv'), twice);
    const { features, labels } = readNumericCsvFiles([join(dir.path, 'a.csv'), join(dir.path, 'b.csv')], { labelColumn: true });
    expect(features.rows).toBe(1 + 2 * rows);
    expect(features.cols).toBe(3);
    expect(features.data.length).toBe(features.rows * 3);
    expect(Array.from(features.data.subarray(0, 3))).toEqual([-1, -2, -3]);
    for (const r of [0, 1, 7, 12345, rows - 1]) {
      for (const copy of [0, 1]) {
        const i = 1 + copy * rows + r;
        expect(labels[i]).toBe(r % 2);
        expect(features.data[i * 3]).toBe(Math.fround(r));
        expect(features.data[i * 3 + 1]).toBe(Math.fround(Number((r * 0.001).toFixed(3))));
        if (r % 7 === 0) expect(features.data[i * 3 + 2]).toBeNaN();
        else expect(features.data[i * 3 + 2]).toBe(r % 13);
      }
    }
  });
});

describe('readLibsvmFiles', () => {
  const dir = tempDir('sagepipe-libsvm-');
  afterAll(() => dir.remove());

  it('GIVEN sparse lines, qid tokens and a blank line WHEN read THEN one dense matrix holds them, left-out entries NaN, explicit zeros kept', () => {
    writeFileSync(join(dir.path, 'a.libsvm'), '1 0:2.5 3:1\n\n0 qid:7 1:0 2:-4\r\n');
    const { features, labels } = readLibsvmFiles([join(dir.path, 'a.libsvm')], 0);
    expect([features.rows, features.cols]).toEqual([2, 4]);
    expect(Array.from(labels)).toEqual([1, 0]);
    expect(Array.from(features.data)).toEqual([2.5, Number.NaN, Number.NaN, 1, Number.NaN, 0, -4, Number.NaN]);
  });

  it('GIVEN a minimum width WHEN read THEN the matrix has at least that many columns', () => {
    writeFileSync(join(dir.path, 'b.libsvm'), '1 0:1\n');
    expect(readLibsvmFiles([join(dir.path, 'b.libsvm')], 3).features.cols).toBe(3);
  });

  it('GIVEN a malformed entry THEN the error names the line', () => {
    writeFileSync(join(dir.path, 'c.libsvm'), '1 0:1\n0 x\n');
    expect(() => readLibsvmFiles([join(dir.path, 'c.libsvm')])).toThrowError("line 2: 'x' is not index:value");
  });
});
