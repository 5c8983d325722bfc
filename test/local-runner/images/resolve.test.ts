import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../local-runner/images/catalogue.ts';
import { ImageResolver, imageReady } from '../../../local-runner/images/resolve.ts';

const resolver = (imageMap: Record<string, string> = {}, present: string[] = []) =>
  new ImageResolver({ version: '9.9.9', imageMap, hasLocalImage: async (n) => present.includes(n) });

describe('image resolution through the catalogue', () => {
  it.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-xgboost:0.1.0', 'training', 'sagepipe-xgboost:0.1.0'],
    ['000000000000.dkr.ecr.us-east-1.amazonaws.com/sagepipe-node:0.1.0', 'processing', 'sagepipe-node:0.1.0'],
    ['141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3', 'training', 'sagepipe-xgboost:9.9.9'],
    ['683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', 'inference', 'sagepipe-xgboost:9.9.9'],
    ['683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', 'processing', 'sagepipe-xgboost:9.9.9'],
    ['683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3', 'processing', 'sagepipe-sklearn:9.9.9'],
    ['659782779980.dkr.ecr.ap-northeast-1.amazonaws.com/sagemaker-scikit-learn:1.2-1', 'training', 'sagepipe-sklearn:9.9.9'],
    ['746614075791.dkr.ecr.us-west-1.amazonaws.com/sagemaker-scikit-learn:0.20.0-cpu-py3', 'inference', 'sagepipe-sklearn:9.9.9'],
    ['450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-scikit-learn:1.0-1', 'processing', 'sagepipe-sklearn:9.9.9'],
    ['python:3.11-slim', 'processing', 'python:3.11-slim'],
    ['myimage', 'processing', 'myimage:latest'],
  ] as const)('GIVEN %s for %s THEN the local image is %s', async (uri, purpose, local) => {
    expect((await resolver().resolve(uri, purpose)).local).toBe(local);
  });

  it('GIVEN every framework version the catalogue lists WHEN resolved THEN each maps to its stand-in with no version warning', async () => {
    for (const entry of CATALOGUE) {
      for (const version of entry.versions) {
        const uri = `246618743249.dkr.ecr.us-west-2.amazonaws.com/${entry.repository}:${version}-cpu-py3`;
        const r = await resolver().resolve(uri, entry.purposes[0] ?? 'training');
        expect(r.local).toBe(`sagepipe-${entry.local}:9.9.9`);
        expect(r.substitution).toBe(`${entry.repository}:${version}-cpu-py3 → sagepipe-${entry.local} (${entry.framework} ${entry.localVersion})`);
      }
    }
  });

  it("GIVEN AWS's scikit-learn 0.23-1 image THEN the substitution names the stand-in and its scikit-learn version", async () => {
    const r = await resolver().resolve('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3', 'processing');
    expect(r.substitution).toBe('sagemaker-scikit-learn:0.23-1-cpu-py3 → sagepipe-sklearn (scikit-learn 1.2.1)');
    expect(r.via).toBe('catalogue');
  });

  it('GIVEN a tag naming a version AWS never published THEN it still maps, and the substitution says so', async () => {
    const r = await resolver().resolve('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:9.9-1', 'processing');
    expect(r.local).toBe('sagepipe-sklearn:9.9.9');
    expect(r.substitution).toMatch(/9\.9-1 is not a version AWS published for sagemaker-scikit-learn/);
  });

  it('GIVEN an AWS image the catalogue does not know THEN the error names it and both ways to map it', async () => {
    const uri = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.0-cpu-py310';
    await expect(resolver().resolve(uri, 'training')).rejects.toMatchObject({
      code: 'IMAGE_UNAVAILABLE',
      message: expect.stringMatching(/pytorch-training:2\.0-cpu-py310.*--image-map pytorch-training=<local image>.*sagepipe\.config\.json.*tag a local image as/s),
    });
  });

  it('GIVEN the first-generation xgboost repository for processing THEN it is refused (it only trains and serves)', async () => {
    await expect(resolver().resolve('811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1', 'processing')).rejects.toThrow(/no local stand-in for processing/);
    expect((await resolver().resolve('811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1', 'training')).local).toBe('sagepipe-xgboost:9.9.9');
  });
});

describe('image overrides', () => {
  const sklearn = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3';

  it('GIVEN a mapping by repository THEN it wins over the catalogue, for any account and tag', async () => {
    const r = await resolver({ 'sagemaker-scikit-learn': 'my-sklearn:1.3' }).resolve(sklearn, 'processing');
    expect(r).toMatchObject({ local: 'my-sklearn:1.3', via: 'override', project: undefined });
    expect(r.substitution).toBe('sagemaker-scikit-learn:0.23-1-cpu-py3 → my-sklearn:1.3 (mapped)');
  });

  it('GIVEN a mapping by exact URI and one by repository THEN the exact URI wins', async () => {
    const r = await resolver({ 'sagemaker-scikit-learn': 'by-repo:1', [sklearn]: 'by-uri:2' }).resolve(sklearn, 'processing');
    expect(r.local).toBe('by-uri:2');
  });

  it('GIVEN an unknown AWS image mapped to one of sagepipe\'s images THEN it runs there (and is built on demand)', async () => {
    const r = await resolver({ 'pytorch-training': 'sagepipe-sklearn:9.9.9' }).resolve('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.0', 'training');
    expect(r).toMatchObject({ local: 'sagepipe-sklearn:9.9.9', project: 'sklearn' });
  });

  it('GIVEN a local image already named with the exact URI THEN it is used as it is', async () => {
    const r = await resolver({}, [sklearn]).resolve(sklearn, 'processing');
    expect(r).toMatchObject({ local: sklearn, via: 'exact', substitution: undefined });
  });

  it('GIVEN no way to list local images (the process runtime) THEN the catalogue applies', async () => {
    const r = await new ImageResolver({ version: '1' }).resolve(sklearn, 'processing');
    expect(r.local).toBe('sagepipe-sklearn:1');
  });
});

describe('whether a resolved image is ready', () => {
  const fake = (labels: Record<string, Record<string, string>>) => ({
    hasImage: async (image: string) => image in labels,
    imageLabels: async (image: string) => labels[image],
  });
  const sklearn = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1';

  it('GIVEN a Python image built with its label THEN it is ready', async () => {
    const image = await resolver().resolve(sklearn, 'processing');
    expect(await imageReady(fake({ 'sagepipe-sklearn:9.9.9': { 'sagepipe.python': '3.11' } }), image)).toBe(true);
  });

  it('GIVEN sagepipe-xgboost of the same tag built before it held Python THEN it counts as missing (and is rebuilt)', async () => {
    const image = await resolver().resolve('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', 'processing');
    expect(await imageReady(fake({ 'sagepipe-xgboost:9.9.9': {} }), image)).toBe(false);
  });

  it('GIVEN an absent image or a non-Python one THEN presence decides', async () => {
    expect(await imageReady(fake({}), await resolver().resolve(sklearn, 'processing'))).toBe(false);
    expect(await imageReady(fake({ 'sagepipe-node:1': {} }), await resolver().resolve('sagepipe-node:1', 'processing'))).toBe(true);
  });
});

describe("every image URI the SDK's imageUris gives", () => {
  it('GIVEN every region and version of imageUris.sklearn/xgboost THEN the catalogue maps each, with no unknown-version note', async () => {
    const { imageUris } = await import('../../../src/sdk/image-uris.ts');
    const { AWS_IMAGE_TABLE } = await import('../../../src/sdk/aws-image-table.ts');
    let n = 0;
    for (const [framework, local] of [['sklearn', 'sagepipe-sklearn'], ['xgboost', 'sagepipe-xgboost']] as const) {
      const table = AWS_IMAGE_TABLE[framework];
      for (const region of Object.keys(table.accounts)) {
        for (const version of Object.keys(table.tags)) {
          const uri = imageUris[framework]({ region, version } as never);
          const r = await resolver().resolve(uri, 'processing');
          expect(r.local, uri).toBe(`${local}:9.9.9`);
          expect(r.substitution, uri).not.toMatch(/not a version AWS published/);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(300);
  });
});
