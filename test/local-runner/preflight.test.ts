/** The local runner's image check before an execution starts: literal job images must resolve; others wait for the job. */
import { describe, expect, it } from 'vitest';
import { imageIssues, missingInputIssues } from '../../local-runner/preflight.ts';
import { ImageResolver } from '../../local-runner/images/resolve.ts';
import { definition, processingStep } from '../engine/helpers.ts';

const withImage = (step: any, image: unknown) => ({ ...step, Arguments: { ...step.Arguments, AppSpecification: { ...step.Arguments.AppSpecification, ImageUri: image } } });
const training = (name: string, image: unknown) => ({
  Name: name,
  Type: 'Training',
  Arguments: {
    AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
    OutputDataConfig: { S3OutputPath: 's3://b/out' },
    ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 30 },
    RoleArn: 'arn:role',
    StoppingCondition: { MaxRuntimeInSeconds: 60 },
  },
});
const resolver = new ImageResolver({ version: '0.1.0' });
const resolve = (uri: string, purpose: 'processing' | 'training' | 'inference') => resolver.resolve(uri, purpose);
const unknown = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.0.0-cpu-py310';

describe('imageIssues', () => {
  it('GIVEN an unknown ECR image on a processing and a training step THEN both are reported at their image field; local and own images pass', async () => {
    const loaded = definition([
      withImage(processingStep('Ok'), 'my-local-image:1'),
      withImage(processingStep('Bad'), unknown),
      training('Train', unknown),
      training('BuiltIn', '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3'),
    ]);
    const issues = await imageIssues(loaded, resolve);
    expect(issues.map((i) => i.path)).toEqual(['Steps[1].Arguments.AppSpecification.ImageUri', 'Steps[2].Arguments.AlgorithmSpecification.TrainingImage']);
    expect(issues[0]?.message).toMatch(new RegExp(`^step 'Bad': image ${unknown.replace(/[.]/g, '\\.')} is an AWS image with no local stand-in for processing`));
  });

  it('GIVEN an image given by a parameter, or a step not among those that will run THEN it is left to the job', async () => {
    const loaded = definition([withImage(processingStep('FromParam'), { Get: 'Parameters.Image' }), withImage(processingStep('Skipped'), unknown)], [
      { Name: 'Image', Type: 'String', DefaultValue: unknown },
    ]);
    expect(await imageIssues(loaded, resolve, new Set(['FromParam']))).toEqual([]);
    expect(await imageIssues(loaded, resolve)).toHaveLength(1);
  });
});

describe('missingInputIssues', () => {
  const present = (uris: string[]) => async (uri: string) => uris.includes(uri);

  it('GIVEN a literal code input not in S3 and one present THEN only the missing one is reported, with the cp command', async () => {
    const loaded = definition([processingStep('Prep', { code: 's3://b-1/code/prep.py' }), processingStep('Other', { code: 's3://b-1/code/other.py' })]);
    const issues = await missingInputIssues(loaded, present(['s3://b-1/code/other.py']));
    expect(issues).toEqual([
      {
        path: 'Steps[0].Arguments.ProcessingInputs[0].S3Input.S3Uri',
        message: "step 'Prep' reads s3://b-1/code/prep.py, which is not in the local S3: put it there with `sagepipe s3 cp prep.py s3://b-1/code/prep.py`",
      },
    ]);
  });

  it('GIVEN a literal read below a literal output of another step THEN it is not reported (the pipeline writes it)', async () => {
    const writer = processingStep('Writer', { code: 's3://b-1/code/w.py' });
    writer.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri = 's3://b-1/run/out';
    const loaded = definition([writer, processingStep('Reader', { input: 's3://b-1/run/out/data.csv', code: 's3://b-1/code/r.py' })]);
    expect(await missingInputIssues(loaded, present(['s3://b-1/code/r.py', 's3://b-1/code/w.py']))).toEqual([]);
  });

  it("GIVEN script-mode training whose source archive is missing THEN the archive is reported at sagemaker_submit_directory", async () => {
    const train = training('Train', 'img');
    Object.assign(train.Arguments, {
      HyperParameters: { sagemaker_program: '"train.py"', sagemaker_submit_directory: '"s3://b-1/code/sourcedir.tar.gz"' },
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b-1/data/train' } } }],
    });
    const issues = await missingInputIssues(definition([train]), present(['s3://b-1/data/train']));
    expect(issues.map((i) => i.path)).toEqual(['Steps[0].Arguments.HyperParameters.sagemaker_submit_directory']);
    expect(issues[0]?.message).toContain('sagepipe s3 cp sourcedir.tar.gz s3://b-1/code/sourcedir.tar.gz');
  });
});
