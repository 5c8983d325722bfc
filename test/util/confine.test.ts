/** The confinement helper: names and paths from input stay inside their folder, lexically and through links. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertConfinedTree, confinedJoin, readConfinedFile, safeFileName } from '../../src/util/confine.ts';
import { tempDir } from '../helpers/context.ts';

const ws = tempDir('sagepipe-confine-');
afterAll(() => ws.remove());
const root = join(ws.path, 'root');
mkdirSync(join(root, 'inside'), { recursive: true });
writeFileSync(join(ws.path, 'outside.txt'), 'host secret');
writeFileSync(join(root, 'inside', 'ok.txt'), 'fine');

describe('safeFileName', () => {
  it.each(['../../../etc/x', 'a/b', '..', '.', '', 'a\\b', 'a\0b', 'x'.repeat(256)])('GIVEN %j WHEN used as a file name THEN refused', (name) => {
    expect(() => safeFileName(name, 'PipelineName')).toThrow(/PipelineName '.*' cannot be used as a file name/);
  });
  it('GIVEN an ordinary name THEN it is kept', () => expect(safeFileName('adult-pipeline', 'PipelineName')).toBe('adult-pipeline'));
});

describe('confinedJoin', () => {
  it('GIVEN a container path THEN it is taken below the root', () => expect(confinedJoin(root, '/opt/ml/x')).toBe(join(root, 'opt/ml/x')));
  it('GIVEN .. leaving the root THEN refused', () => expect(() => confinedJoin(root, '/opt/ml/processing/../../../../etc')).toThrow(/is outside/));
});

describe('links made inside the folder', () => {
  it('GIVEN a folder holding a link to a host file WHEN checked THEN refused naming the link', async () => {
    mkdirSync(join(root, 'out'));
    symlinkSync(join(ws.path, 'outside.txt'), join(root, 'out', 'leak'));
    await expect(assertConfinedTree(root, join(root, 'out'), 'output')).rejects.toThrow(/output: .*leak is a symbolic link to .*outside\.txt, outside the job's folder/);
  });
  it('GIVEN a link to a file inside WHEN checked THEN accepted', async () => {
    mkdirSync(join(root, 'out2'));
    symlinkSync(join(root, 'inside', 'ok.txt'), join(root, 'out2', 'alias'));
    await expect(assertConfinedTree(root, join(root, 'out2'), 'output')).resolves.toBe(join(root, 'out2'));
  });
  it('GIVEN a file replaced by a link WHEN read THEN refused, and its target never read', async () => {
    symlinkSync(join(ws.path, 'outside.txt'), join(root, 'failure'));
    await expect(readConfinedFile(root, join(root, 'failure'), 'failure')).rejects.toThrow(/failure: .* is a symbolic link/);
    await expect(readConfinedFile(root, join(root, 'inside', 'ok.txt'), 'x')).resolves.toBe('fine');
    await expect(readConfinedFile(root, join(root, 'missing'), 'x')).resolves.toBeUndefined();
  });
});
