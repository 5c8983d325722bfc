/**
 * CSV and libsvm read a block at a time into dense chunks (what XGBoost's iterator is fed), and the spill file that
 * makes them re-readable: whatever the block edges, the rows are those the whole-file readers give.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvChunks, CsvError, readNumericCsvFiles } from '../../containers/runtime/csv.ts';
import { type ChunkSource, type DenseChunk, type OnePassChunks, spilled } from '../../containers/runtime/dense-chunks.ts';
import { LibsvmChunks, libsvmShape, readLibsvmFiles } from '../../containers/runtime/libsvm.ts';
import { LineBlocks } from '../../containers/runtime/line-blocks.ts';
import { tempDir } from '../helpers/context.ts';

/** Every chunk of a pass, concatenated (copies: a chunk is valid only until the next call). */
function drain(source: { next(): DenseChunk | undefined }): { rows: number; cols: number; data: number[]; labels: number[]; chunks: number } {
  const data: number[] = [];
  const labels: number[] = [];
  let rows = 0;
  let cols = 0;
  let chunks = 0;
  for (let c = source.next(); c; c = source.next()) {
    chunks++;
    rows += c.rows;
    cols = c.cols;
    data.push(...c.data.subarray(0, c.rows * c.cols));
    labels.push(...c.labels.subarray(0, c.rows));
  }
  return { rows, cols, data, labels, chunks };
}

const dir = tempDir('sagepipe-chunks-');
afterAll(() => dir.remove());

/** 2,000 rows with CRLF and LF endings, empty fields (missing), blank lines, exponents and a last line without newline. */
function mixedCsv(): string {
  let text = '';
  for (let r = 0; r < 2000; r++) {
    const end = r % 3 === 0 ? '\r\n' : '\n';
    text += `${r % 2},${r % 5 === 0 ? '' : (r * 0.37).toFixed(2)},${-r}e-2,${r % 7 === 0 ? ' ' : r}${end}`;
    if (r % 250 === 0) text += '\n';
  }
  return `${text}1,2,3,4`;
}

describe('LineBlocks', () => {
  it('GIVEN blocks smaller than a line WHEN read THEN each block ends on a line boundary and together they are the files, in order', () => {
    writeFileSync(join(dir.path, 'l1.txt'), 'a long first line\nb\nc without newline');
    writeFileSync(join(dir.path, 'l2.txt'), 'd\n');
    const blocks = new LineBlocks([join(dir.path, 'l1.txt'), join(dir.path, 'l2.txt')], 4);
    const seen: string[] = [];
    for (let b = blocks.next(); b; b = blocks.next()) seen.push(b.bytes.toString('latin1', 0, b.end));
    expect(seen.join('')).toBe('a long first line\nb\nc without newlined\n');
    // Whole lines only: a block ends at a newline, or where its file ends.
    expect(seen.every((b) => b.endsWith('\n') || b.endsWith('c without newline'))).toBe(true);
    expect(seen).toContain('c without newline');
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});

describe('CsvChunks', () => {
  it.each([64, 333, 4096, 1 << 20])('GIVEN %i-byte blocks (rows split across block edges, CRLF, missing values) WHEN chunked THEN the rows equal the whole-file read', (block) => {
    const file = join(dir.path, `mixed-${block}.csv`);
    writeFileSync(file, mixedCsv());
    const whole = readNumericCsvFiles([file], { labelColumn: true });
    const chunks = new CsvChunks('train', [file], block);
    const got = drain(chunks);
    chunks.close();
    expect(got.rows).toBe(whole.features.rows);
    expect(got.cols).toBe(3);
    expect(got.labels).toEqual(Array.from(whole.labels));
    expect(got.data).toEqual(Array.from(whole.features.data));
    expect(got.data.some(Number.isNaN)).toBe(true);
    if (block < 4096) expect(got.chunks).toBeGreaterThan(10);
  });

  it('GIVEN a bad value in a later chunk WHEN chunked THEN the error names its line counted across chunks', () => {
    const file = join(dir.path, 'bad.csv');
    writeFileSync(file, `${'1,2,3\n'.repeat(100)}1,x,3\n`);
    const chunks = new CsvChunks('train', [file], 64);
    expect(() => drain(chunks)).toThrowError(new CsvError("line 101, column 2: 'x' is not a number", 101));
    chunks.close();
  });
});

describe('LibsvmChunks', () => {
  it('GIVEN sparse lines, qid tokens, CRLF and blank lines in small blocks WHEN chunked to the scanned width THEN the rows equal the whole-file read', () => {
    let text = '';
    for (let r = 0; r < 500; r++) text += `${r % 2} ${r % 3 === 0 ? 'qid:3 ' : ''}${r % 4}:${r} ${(r % 4) + 2}:-${r}.5${r % 2 ? '\r\n' : '\n'}${r % 50 === 0 ? '\n' : ''}`;
    const file = join(dir.path, 'a.libsvm');
    writeFileSync(file, text);
    const whole = readLibsvmFiles([file], 2);
    const { width } = libsvmShape([file], 2);
    expect(width).toBe(whole.features.cols);
    const chunks = new LibsvmChunks('train', [file], width, 100);
    const got = drain(chunks);
    chunks.close();
    expect(got.chunks).toBeGreaterThan(10);
    expect(got.rows).toBe(500);
    expect(got.labels).toEqual(Array.from(whole.labels));
    expect(got.data).toEqual(Array.from(whole.features.data));
  });
});

describe('spilled', () => {
  /** A one-pass source that counts how often its input is read from the start. */
  function counted(file: string): OnePassChunks & { passes: number } {
    const inner = new CsvChunks('train', [file], 200);
    const source = {
      name: 'train',
      passes: 1,
      next: () => inner.next(),
      restart: () => {
        source.passes++;
        inner.restart();
      },
      close: () => inner.close(),
    };
    return source;
  }

  it('GIVEN a source read to its end WHEN reset and read again (three times) THEN each pass gives the same rows from the spill file, parsing the text once', () => {
    const file = join(dir.path, 'spill.csv');
    writeFileSync(file, mixedCsv());
    const source = counted(file);
    const spill: ChunkSource = spilled(source, dir.path);
    spill.reset();
    const first = drain(spill);
    expect(readdirSync(dir.path).some((n) => n.startsWith('sagepipe-chunks-'))).toBe(true);
    for (let pass = 0; pass < 3; pass++) {
      spill.reset();
      const again = drain(spill);
      expect(again.labels).toEqual(first.labels);
      expect(again.data).toEqual(first.data);
      expect(again.chunks).toBe(first.chunks);
    }
    expect(source.passes).toBe(1);
    spill.close();
    expect(readdirSync(dir.path).some((n) => n.startsWith('sagepipe-chunks-'))).toBe(false);
  });

  it('GIVEN a reset before the first pass ended WHEN read again THEN the text is parsed from its start and the rows are whole', () => {
    const file = join(dir.path, 'spill2.csv');
    writeFileSync(file, mixedCsv());
    const source = counted(file);
    const spill = spilled(source, dir.path);
    spill.next();
    spill.next();
    spill.reset();
    const got = drain(spill);
    spill.reset();
    const again = drain(spill);
    const whole = readNumericCsvFiles([file], { labelColumn: true });
    expect(got.data).toEqual(Array.from(whole.features.data));
    expect(again.data).toEqual(got.data);
    expect(source.passes).toBe(2);
    spill.close();
    expect(existsSync(file)).toBe(true);
  });
});
