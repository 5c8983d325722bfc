/**
 * examples/adult-python: the reference pipeline with Python scripts on AWS's images. Compiled the way the CLI does,
 * its `.py` code is staged as it is (content-addressed) and run with python3; names match examples/adult's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePipelineFile, resolveContext } from '../../src/compile/compile.ts';
import { REPO_ROOT } from '../helpers/context.ts';

const context = resolveContext({ account: '123456789012', region: 'eu-west-1', defaultBucket: 'test-bucket' }, '0.1.0');
const compile = (example: string) => compilePipelineFile(join(REPO_ROOT, 'examples', example, 'pipeline.ts'), { context });
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('examples/adult-python', () => {
  it('GIVEN the Python example WHEN compiled THEN each .py script is staged by its content hash and run as python3 <code dir>/<name>.py', async () => {
    const compiled = await compile('adult-python');
    const steps = compiled.loaded.definition.Steps as any[];
    for (const [step, script] of [
      ['adultProcess', 'preprocessing.py'],
      ['adultEval', 'evaluation.py'],
    ] as const) {
      const args = steps.find((s) => s.Name === step).Arguments;
      const file = join(REPO_ROOT, 'examples/adult-python', script);
      const uri = `s3://test-bucket/sagepipe/code/${sha256(file)}/${script}`;
      expect(args.AppSpecification.ContainerEntrypoint).toEqual(['python3', `/opt/ml/processing/input/code/${script}`]);
      expect(args.ProcessingInputs.find((i: any) => i.InputName === 'code').S3Input).toMatchObject({ S3Uri: uri, LocalPath: '/opt/ml/processing/input/code' });
      const asset = compiled.assets.find((a) => a.s3Uri === uri);
      expect(Buffer.from(asset?.content ?? []).equals(readFileSync(file))).toBe(true);
    }
  });

  it("GIVEN the Python example WHEN compiled THEN it names AWS's scikit-learn 0.23-1 and XGBoost 1.0-1 images of the region", async () => {
    const def = (await compile('adult-python')).loaded.definition as any;
    const [process, train, evaluate, condition] = def.Steps;
    expect(process.Arguments.AppSpecification.ImageUri).toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3');
    const xgboost = '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3';
    expect(train.Arguments.AlgorithmSpecification.TrainingImage).toBe(xgboost);
    expect(evaluate.Arguments.AppSpecification.ImageUri).toBe(xgboost);
    const images = condition.Arguments.IfSteps.map((s: any) => s.Arguments.PrimaryContainer?.Image ?? s.Arguments.InferenceSpecification.Containers[0].Image);
    expect(images).toEqual([xgboost, xgboost]);
  });

  it('GIVEN both reference examples WHEN compiled THEN pipeline, steps, edges, parameters, property file and group are the same', async () => {
    const shape = async (example: string) => {
      const compiled = await compile(example);
      const def = compiled.loaded.definition as any;
      const register = def.Steps[3].Arguments.IfSteps.find((s: any) => s.Type === 'RegisterModel');
      return {
        name: compiled.name,
        parameters: def.Parameters,
        graph: [...compiled.loaded.graph.nodes.values()].map((n) => [n.name, n.type, n.dependsOn.join(','), n.branch?.branch ?? '']),
        propertyFiles: def.Steps[2].PropertyFiles,
        hyperparameters: def.Steps[1].Arguments.HyperParameters,
        group: register.Arguments.ModelPackageGroupName,
      };
    };
    const python = await shape('adult-python');
    expect(python).toEqual(await shape('adult'));
    expect(python.name).toBe('adultPipeline');
    expect(python.group).toBe('AdultModelPackageGroupName');
  });
});
