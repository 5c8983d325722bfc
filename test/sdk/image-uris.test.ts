/** imageUris: AWS's scikit-learn and XGBoost image URIs, compared with what the Python SDK's image_uris.retrieve gave. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageUris, isSagepipeError } from '../../src/index.ts';
import { PYTHON_SDK_DIR } from '../helpers/python-sdk.ts';

interface Retrieved {
  readonly framework: 'sklearn' | 'xgboost';
  readonly region: string;
  readonly version: string;
  readonly uri: string;
}
const retrieved: Retrieved[] = JSON.parse(readFileSync(`${PYTHON_SDK_DIR}image-uris.json`, 'utf8'));

describe('imageUris', () => {
  it('GIVEN every region and version the Python SDK resolved WHEN asked here THEN the URI is the same', () => {
    expect(retrieved.length).toBeGreaterThan(400);
    const mismatches = retrieved.filter((r) => (imageUris[r.framework] as (o: { region: string; version: string }) => string)({ region: r.region, version: r.version }) !== r.uri);
    expect(mismatches).toEqual([]);
  });

  it('GIVEN the reference notebook\'s images in eu-west-1 and us-east-1 THEN they are AWS\'s published URIs', () => {
    expect(imageUris.sklearn({ region: 'eu-west-1', version: '0.23-1' })).toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3');
    expect(imageUris.xgboost({ region: 'eu-west-1', version: '1.0-1' })).toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3');
    expect(imageUris.xgboost({ region: 'us-east-1', version: '1.7-1' })).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
    expect(imageUris.sklearn({ region: 'cn-north-1', version: '1.2-1' })).toBe('450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-scikit-learn:1.2-1-cpu-py3');
  });

  it('GIVEN the versions the issue names THEN the table has scikit-learn 0.20-0…1.2-1 and XGBoost 0.90-1…1.7-1', () => {
    expect(imageUris.versions('sklearn')).toEqual(expect.arrayContaining(['0.20.0', '0.23-1', '1.0-1', '1.2-1']));
    expect(imageUris.versions('xgboost')).toEqual(expect.arrayContaining(['0.90-1', '0.90-2', '1.0-1', '1.2-1', '1.2-2', '1.3-1', '1.5-1', '1.7-1']));
  });

  it.each([
    [() => imageUris.sklearn({ region: 'eu-west-1', version: '0.24-1' as '0.23-1' }), /no sagemaker-scikit-learn image for version '0\.24-1' \(versions: 0\.20\.0, 0\.23-1/, 'imageUris.sklearn.version'],
    [() => imageUris.xgboost({ region: 'mars-north-1', version: '1.7-1' }), /no sagemaker-xgboost image in region 'mars-north-1'/, 'imageUris.xgboost.region'],
  ])('GIVEN an unknown version or region THEN a user error names it and the choices', (call, message, path) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(isSagepipeError(error) && error.fault).toBe('user');
    expect(isSagepipeError(error) && error.path).toBe(path);
    expect((error as Error).message).toMatch(message);
  });
});
