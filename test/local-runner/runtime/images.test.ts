import { describe, expect, it } from 'vitest';
import { projectImagesOf, resolveImage } from '../../../local-runner/runtime/images.ts';

describe('image resolution', () => {
  it.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-xgboost:0.1.0', 'training', 'sagepipe-xgboost:0.1.0'],
    ['000000000000.dkr.ecr.us-east-1.amazonaws.com/sagepipe-node:0.1.0', 'processing', 'sagepipe-node:0.1.0'],
    ['141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3', 'training', 'sagepipe-xgboost:9.9.9'],
    ['683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', 'inference', 'sagepipe-xgboost:9.9.9'],
    ['python:3.11-slim', 'processing', 'python:3.11-slim'],
    ['myimage', 'processing', 'myimage:latest'],
  ] as const)('GIVEN %s for %s THEN the local image is %s', (uri, purpose, local) => {
    expect(resolveImage(uri, purpose, '9.9.9').local).toBe(local);
  });

  it("GIVEN AWS's XGBoost image for processing (a python script) THEN it is refused with a reason", () => {
    expect(() => resolveImage('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3', 'processing', '1')).toThrowError(
      /lives in Amazon ECR, which the local runner does not pull from/,
    );
  });
});

describe('projectImagesOf', () => {
  it("GIVEN the reference pipeline's definition THEN the images to build before the run are sagepipe-node and sagepipe-xgboost, once each", async () => {
    const { default: adultPipeline } = await import('../../../examples/adult/pipeline.ts');
    const { testContext } = await import('../../helpers/context.ts');
    const def = adultPipeline(testContext).toDefinition({ resolveCode: (p: string) => ({ s3Uri: `s3://b/code/${p}`, fileName: p }) });
    expect(projectImagesOf(def.Steps, '0.1.0').map((i) => i.local).sort()).toEqual(['sagepipe-node:0.1.0', 'sagepipe-xgboost:0.1.0']);
  });

  it('GIVEN images given by expressions or from elsewhere THEN none is listed', () => {
    const steps = [{ Arguments: { AppSpecification: { ImageUri: { Get: 'Parameters.Image' } } } }, { Arguments: { AlgorithmSpecification: { TrainingImage: 'python:3.11' } } }];
    expect(projectImagesOf(steps, '0.1.0')).toEqual([]);
  });
});
