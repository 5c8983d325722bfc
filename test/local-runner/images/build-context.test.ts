/** Content tags: an image's tag is the hash of what its build context holds and what it is built on. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_TAGS_FILE, baseIdentity, computeContentTags, contentTag, contextHash, contextSources, readContentTags, writeContentTags } from '../../../local-runner/images/build-context.ts';
import { ImageResolver } from '../../../local-runner/images/resolve.ts';
import { REPO_ROOT, tempDir } from '../../helpers/context.ts';

const dirs: { remove(): void }[] = [];
afterAll(() => {
  for (const d of dirs) d.remove();
});

/** A package root with the files the three images copy (fake contents), as npm lays them out. */
function fakeRoot(): string {
  const dir = tempDir('sagepipe-context-');
  dirs.push(dir);
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(dir.path, path)), { recursive: true });
    writeFileSync(join(dir.path, path), text);
  };
  put('package.json', '{"name":"fake","version":"0.0.1"}');
  for (const image of ['node', 'sklearn', 'xgboost']) put(`containers/${image}/Dockerfile`, `FROM base\n# ${image}\n`);
  put('containers/python/sagepipe_entry.py', 'print("entry")\n');
  put('node_modules/ml-xgboost/package.json', '{"name":"ml-xgboost","version":"1.1.2"}');
  put('node_modules/ml-xgboost/dist/wasm/xgboost.wasm', 'wasm');
  put('node_modules/koffi/package.json', '{"name":"koffi","version":"3.3.4","main":"index.js"}');
  put('node_modules/koffi/index.js', 'module.exports = {};');
  put(`node_modules/@koromix/koffi-${process.platform}-${process.arch}/koffi.node`, 'binary');
  put('dist/images/native/.sagepipe-native', 'none\n');
  put('dist/images/xgboost/main.mjs', 'console.log("train");\n');
  return dir.path;
}

const hashOf = (root: string, image: 'node' | 'sklearn' | 'xgboost') => contextHash(contextSources(root, image), baseIdentity(image));

describe('content tags of build contexts', () => {
  it('GIVEN two checkouts with identical files WHEN hashed THEN every image gets the same tag', () => {
    const a = fakeRoot();
    const b = fakeRoot();
    expect(computeContentTags(a, '0.1.0')).toEqual(computeContentTags(b, '0.1.0'));
    expect(hashOf(a, 'node')).toMatch(/^[0-9a-f]{12}$/);
  });

  it('GIVEN a checkout whose XGBoost program differs WHEN hashed THEN sagepipe-xgboost gets another tag and the images that do not copy it keep theirs', () => {
    const a = fakeRoot();
    const b = fakeRoot();
    writeFileSync(join(b, 'dist/images/xgboost/main.mjs'), 'console.log("train, changed");\n');
    expect(hashOf(b, 'xgboost')).not.toBe(hashOf(a, 'xgboost'));
    expect(hashOf(b, 'node')).toBe(hashOf(a, 'node'));
    expect(hashOf(b, 'sklearn')).toBe(hashOf(a, 'sklearn'));
  });

  it('GIVEN a Python entry program changed in one checkout THEN both Python images change and sagepipe-node does not', () => {
    const a = fakeRoot();
    const b = fakeRoot();
    writeFileSync(join(b, 'containers/python/sagepipe_entry.py'), 'print("entry 2")\n');
    expect(hashOf(b, 'sklearn')).not.toBe(hashOf(a, 'sklearn'));
    expect(hashOf(b, 'xgboost')).not.toBe(hashOf(a, 'xgboost'));
    expect(hashOf(b, 'node')).toBe(hashOf(a, 'node'));
  });

  it('GIVEN the same files, one made executable WHEN hashed THEN the tags differ (Docker keeps the mode)', () => {
    const a = fakeRoot();
    const b = fakeRoot();
    chmodSync(join(b, 'containers/python/sagepipe_entry.py'), 0o755);
    expect(hashOf(b, 'sklearn')).not.toBe(hashOf(a, 'sklearn'));
  });

  it('GIVEN a file added to a copied folder THEN the tag changes; GIVEN another base identity THEN it changes too', () => {
    const a = fakeRoot();
    const before = hashOf(a, 'node');
    writeFileSync(join(a, 'node_modules/koffi/extra.js'), '');
    const after = hashOf(a, 'node');
    expect(after).not.toBe(before);
    expect(contextHash(contextSources(a, 'node'), 'another base')).not.toBe(after);
  });

  it('GIVEN tags.json written by the build WHEN read THEN it is used; GIVEN it names another version THEN the tags are computed for this one', () => {
    const root = fakeRoot();
    const written = writeContentTags(root, '0.1.0');
    expect(readContentTags(root, '0.1.0')).toEqual(written);
    writeFileSync(join(root, CONTENT_TAGS_FILE), JSON.stringify({ version: '0.0.9', hashes: { node: 'aaaaaaaaaaaa', sklearn: 'aaaaaaaaaaaa', xgboost: 'aaaaaaaaaaaa' } }));
    expect(readContentTags(root, '0.1.0')).toEqual(written);
  });

  it('GIVEN a root where nothing is built THEN no tags are known (images fall back to the version tag)', () => {
    const dir = tempDir('sagepipe-empty-');
    dirs.push(dir);
    writeFileSync(join(dir.path, 'package.json'), '{}');
    expect(readContentTags(dir.path, '0.1.0')).toBeUndefined();
  });

  it("GIVEN this checkout after npm run build THEN dist/images/tags.json holds what its files hash to", () => {
    expect(readContentTags(REPO_ROOT, '0.1.0')).toEqual(computeContentTags(REPO_ROOT, '0.1.0'));
  });
});

describe('the resolver runs images by content', () => {
  const tags = { version: '0.1.0', hashes: { node: '0123456789ab', sklearn: 'bbbbbbbbbbbb', xgboost: 'cccccccccccc' } } as const;
  const resolver = (imageMap: Record<string, string> = {}) => new ImageResolver({ version: '0.1.0', imageMap, contentTags: tags });

  it.each([
    ['000000000000.dkr.ecr.us-east-1.amazonaws.com/sagepipe-node:0.1.0', 'processing', 'sagepipe-node:0.1.0-0123456789ab'],
    ['sagepipe-xgboost:0.1.0', 'training', 'sagepipe-xgboost:0.1.0-cccccccccccc'],
    ['683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3', 'processing', 'sagepipe-sklearn:0.1.0-bbbbbbbbbbbb'],
    ['141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3', 'training', 'sagepipe-xgboost:0.1.0-cccccccccccc'],
    // Another version's image is not this checkout's: named as it is.
    ['000000000000.dkr.ecr.us-east-1.amazonaws.com/sagepipe-node:0.0.9', 'processing', 'sagepipe-node:0.0.9'],
    ['python:3.11-slim', 'processing', 'python:3.11-slim'],
  ] as const)('GIVEN %s for %s THEN it runs %s', async (uri, purpose, local) => {
    expect((await resolver().resolve(uri, purpose)).local).toBe(local);
  });

  it('GIVEN an image map naming sagepipe-xgboost:0.1.0 THEN the content tag runs, and the substitution says what the user mapped', async () => {
    const r = await resolver({ 'sagemaker-scikit-learn': 'sagepipe-xgboost:0.1.0' }).resolve('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1', 'processing');
    expect(r.local).toBe('sagepipe-xgboost:0.1.0-cccccccccccc');
    expect(r.substitution).toBe('sagemaker-scikit-learn:1.0-1 → sagepipe-xgboost:0.1.0 (mapped)');
  });

  it('GIVEN the catalogue stand-in THEN its substitution names the image, not the hash', async () => {
    const r = await resolver().resolve('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', 'training');
    expect(r.substitution).toBe('sagemaker-xgboost:1.7-1 → sagepipe-xgboost (xgboost 1.7.4)');
    expect(contentTag('xgboost', tags)).toBe(r.local);
  });
});
