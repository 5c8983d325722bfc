import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageMapArgs, readProjectConfig } from '../../../local-runner/config/project-config.ts';

const dirWith = (content: string | undefined) => {
  const dir = mkdtempSync(join(tmpdir(), 'sagepipe-config-'));
  if (content !== undefined) writeFileSync(join(dir, 'sagepipe.config.json'), content);
  return dir;
};

describe('sagepipe.config.json', () => {
  it('GIVEN no file THEN the config is empty', () => {
    expect(readProjectConfig(dirWith(undefined))).toMatchObject({ file: undefined, imageMap: {} });
  });

  it('GIVEN an imageMap and keys this reader does not own THEN the map is read and the other keys kept', () => {
    const config = readProjectConfig(dirWith(JSON.stringify({ imageMap: { 'sagemaker-scikit-learn': 'mine:1' }, lambdaFunctions: { f: {} } })));
    expect(config.imageMap).toEqual({ 'sagemaker-scikit-learn': 'mine:1' });
    expect(config.raw.lambdaFunctions).toEqual({ f: {} });
  });

  it('GIVEN a non-string mapping THEN the error names the file and the field', () => {
    const dir = dirWith(JSON.stringify({ imageMap: { a: 1, b: 'ok' } }));
    try {
      readProjectConfig(dir);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ path: join(dir, 'sagepipe.config.json'), issues: [{ path: 'imageMap["a"]' }] });
    }
  });

  it('GIVEN malformed JSON THEN one error naming the file', () => {
    expect(() => readProjectConfig(dirWith('{ nope'))).toThrow(/sagepipe\.config\.json is not valid JSON/);
  });
});

describe('--image-map', () => {
  it('GIVEN uri=local pairs THEN they map; the last = splits (URIs hold none)', () => {
    expect(parseImageMapArgs(['sagemaker-xgboost=x:1', '1.dkr.ecr.r.amazonaws.com/a:1=b'])).toEqual({ 'sagemaker-xgboost': 'x:1', '1.dkr.ecr.r.amazonaws.com/a:1': 'b' });
  });
  it('GIVEN a value without = THEN a usage error', () => {
    expect(() => parseImageMapArgs(['sagemaker-xgboost'])).toThrow(/--image-map takes <image URI or repository>=<local image>/);
  });
});
