/** The local backend's image plan before a run: each step's stand-in, parameter-given images, selective executions. */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../local-runner/local-backend.ts';
import { ModelStore } from '../../local-runner/model-store.ts';
import { FileRegistry } from '../../local-runner/registry/file-registry.ts';
import { ProcessRuntime } from '../../local-runner/runtime/process-runtime.ts';
import { LocalS3 } from '../../local-runner/s3/local-s3.ts';
import type { PipelineDefinition } from '../../src/definition/types.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { processingStep } from '../engine/helpers.ts';

const dir = tempDir('sagepipe-image-plan-');
afterAll(() => dir.remove());
// An interpreter that has every module: the plan, not this host's Python, is under test.
const fullPython = join(dir.path, 'python3');
writeFileSync(fullPython, "#!/bin/sh\necho '[]'\n");
chmodSync(fullPython, 0o755);
const backend = (imageMap: Record<string, string> = {}) =>
  new LocalBackend({
    s3: new LocalS3(join(dir.path, 's3')),
    registry: new FileRegistry(join(dir.path, 'registry'), { region: 'us-east-1', account: '000000000000' }),
    models: new ModelStore(join(dir.path, 'models')),
    jobsDir: join(dir.path, 'jobs'),
    runtime: new ProcessRuntime({ pythons: [fullPython] }),
    version: '0.1.0',
    region: 'us-east-1',
    account: '000000000000',
    imageMap,
  });
const adult = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/python-sdk/adult.json'), 'utf8')) as PipelineDefinition;
const sklearn = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3';
const withImage = (image: unknown): PipelineDefinition => {
  const step = processingStep('Prep');
  return { Version: '2020-12-01', Steps: [{ ...step, Arguments: { ...step.Arguments, AppSpecification: { ...step.Arguments.AppSpecification, ImageUri: image } } }] } as PipelineDefinition;
};

describe('the image plan', () => {
  it('GIVEN a selective execution of adultTrain only THEN only its image is planned', async () => {
    const plan = await backend().prepare(adult, new Map(), new Set(['adultTrain']));
    expect(plan.images).toEqual([
      {
        StepName: 'adultTrain',
        Requested: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3',
        Local: 'sagepipe-xgboost:0.1.0',
        Substitution: 'sagemaker-xgboost:1.0-1-cpu-py3 → sagepipe-xgboost (xgboost 1.7.4)',
      },
    ]);
  });

  it("GIVEN an image given by a parameter THEN the plan uses the parameter's value", async () => {
    const plan = await backend().prepare(withImage({ Get: 'Parameters.Image' }), new Map([['Image', sklearn]]));
    expect(plan.images).toMatchObject([{ StepName: 'Prep', Requested: sklearn, Local: 'sagepipe-sklearn:0.1.0' }]);
  });

  it('GIVEN a parameter naming an unknown AWS image THEN the start stops here, naming the step', async () => {
    await expect(backend().prepare(withImage({ Get: 'Parameters.Image' }), new Map([['Image', '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.0']]))).rejects.toThrow(
      /^step Prep: image 763104351884\.dkr\.ecr\.us-east-1\.amazonaws\.com\/pytorch-training:2\.0 is an AWS image with no local stand-in/,
    );
  });

  it('GIVEN an imageMap entry for the repository THEN the plan says it was mapped', async () => {
    const plan = await backend({ 'sagemaker-scikit-learn': 'sagepipe-xgboost:0.1.0' }).prepare(withImage(sklearn), new Map());
    expect(plan.images).toMatchObject([{ Local: 'sagepipe-xgboost:0.1.0', Substitution: 'sagemaker-scikit-learn:1.0-1-cpu-py3 → sagepipe-xgboost:0.1.0 (mapped)' }]);
  });
});
