/**
 * Golden JSON for Transform, Tuning, Lambda and Callback steps, checked field by field against what the Python SDK
 * writes (sagemaker 2.257: `_get_transform_request`, `_get_tuning_request`, `LambdaStep.to_request`,
 * `CallbackStep.to_request`, `TuningStep.get_top_model_s3_uri`).
 */
import { describe, expect, it } from 'vitest';
import {
  CacheConfig,
  CallbackStep,
  CategoricalParameter,
  ConditionGreaterThanOrEqualTo,
  ConditionStep,
  ContinuousParameter,
  CreateModelStep,
  IntegerParameter,
  LambdaStep,
  ParameterInteger,
  Pipeline,
  TransformStep,
  TuningStep,
} from '../../src/index.ts';
import { loadDefinition } from '../../src/api/local.ts';

const role = 'arn:aws:iam::123456789012:role/Role';
const trials = new ParameterInteger({ name: 'Trials', defaultValue: 6 });
const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-xgboost:0.1.0';

const tune = new TuningStep({
  name: 'Tune',
  tuner: {
    estimator: {
      imageUri: image,
      instanceType: 'ml.m5.xlarge',
      outputPath: 's3://bucket/tuning',
      roleArn: role,
      hyperparameters: { objective: 'binary:logistic', num_round: 50, eta: 0.2 },
    },
    objectiveMetricName: 'validation:logloss',
    objectiveType: 'Minimize',
    hyperparameterRanges: {
      eta: ContinuousParameter(0.01, 0.5, 'Logarithmic'),
      max_depth: IntegerParameter(2, 8),
      booster: CategoricalParameter(['gbtree', 'dart']),
    },
    strategy: 'Bayesian',
    maxJobs: trials,
    maxParallelJobs: 2,
  },
  inputs: { train: { s3Uri: 's3://bucket/train', contentType: 'text/csv' }, validation: { s3Uri: 's3://bucket/validation', contentType: 'text/csv' } },
  cacheConfig: new CacheConfig({ expireAfter: 'P30D' }),
});
const model = new CreateModelStep({ name: 'BestModel', model: { imageUri: image, modelDataUrl: tune.topModelS3Uri(0, 'bucket', 'tuning'), roleArn: role } });
const transform = new TransformStep({
  name: 'Score',
  transformer: {
    modelName: model.properties.ModelName,
    instanceType: 'ml.m5.large',
    outputPath: 's3://bucket/scores',
    strategy: 'MultiRecord',
    maxPayloadInMB: 1,
    maxConcurrentTransforms: 2,
    assembleWith: 'Line',
    accept: 'text/csv',
  },
  input: { data: 's3://bucket/test', contentType: 'text/csv', splitType: 'Line', inputFilter: '$[1:]', joinSource: 'Input', outputFilter: '$[0,-1]' },
});
const summary = new LambdaStep({
  name: 'Summarise',
  functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:summary',
  inputs: { best: tune.properties.BestTrainingJob.TrainingJobName, scores: transform.properties.TransformOutput.S3OutputPath },
  outputs: { records: 'Integer', summary_uri: 'String' },
});
const gate = new CallbackStep({
  name: 'Approve',
  sqsQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/approvals',
  inputs: { summary: summary.outputs.summary_uri },
  outputs: { approved: 'Boolean', approver: 'String' },
});
const check = new ConditionStep({ name: 'Enough', conditions: [ConditionGreaterThanOrEqualTo(summary.outputs.records, 100)], ifSteps: [gate] });

const pipeline = new Pipeline({ name: 'golden-more', parameters: [trials], steps: [tune, model, transform, summary, check], defaultBucket: 'bucket' });
const definition = pipeline.toDefinition({ resolveCode: () => undefined });
const golden = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const step = (name: string) =>
  [...definition.Steps, ...((definition.Steps[4]?.Arguments.IfSteps as never[]) ?? [])].find((s: { Name: string }) => s.Name === name) as Record<string, any>;

describe('golden definitions of Transform, Tuning, Lambda and Callback steps', () => {
  it.each(['Tune', 'Score', 'Summarise', 'Approve'])('GIVEN step %s WHEN rendered THEN it matches its golden JSON', async (name) => {
    await expect(golden(step(name))).toMatchFileSnapshot(`./golden/step-${name}.json`);
  });

  it('GIVEN the whole pipeline WHEN loaded THEN the loader accepts it and orders the steps by their references', () => {
    const loaded = loadDefinition(definition);
    expect(loaded.graph.nodes.get('Approve')?.dependsOn).toEqual(['Enough', 'Summarise']);
    expect(loaded.graph.nodes.get('Score')?.dependsOn).toEqual(['BestModel']);
  });

  it('GIVEN the best trial WHEN its model URI is asked for THEN it is get_top_model_s3_uri\'s Join', () => {
    expect(step('BestModel').Arguments.PrimaryContainer.ModelDataUrl).toEqual({
      'Std:Join': { On: '/', Values: ['s3:/', 'bucket', 'tuning', { Get: 'Steps.Tune.TrainingJobSummaries[0].TrainingJobName' }, 'output/model.tar.gz'] },
    });
  });

  it('GIVEN tuned hyperparameters WHEN rendered THEN they are left out of the static ones, which are strings', () => {
    expect(step('Tune').Arguments.TrainingJobDefinition.StaticHyperParameters).toEqual({ objective: 'binary:logistic', num_round: '50' });
  });

  it('GIVEN declared outputs WHEN used by later steps THEN references are OutputParameters[...] and the condition compares an Integer', () => {
    expect(step('Approve').Arguments.summary).toEqual({ Get: "Steps.Summarise.OutputParameters['summary_uri']" });
    expect(definition.Steps[4]?.Arguments.Conditions).toEqual([{ Type: 'GreaterThanOrEqualTo', LeftValue: { Get: "Steps.Summarise.OutputParameters['records']" }, RightValue: 100 }]);
  });
});
