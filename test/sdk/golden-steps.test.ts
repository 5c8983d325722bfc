/** Golden JSON for each step type: the rendered definition is compared with a reviewed file under golden/. */
import { describe, expect, it } from 'vitest';
import {
  CacheConfig,
  ConditionIn,
  ConditionLessThan,
  ConditionNot,
  ConditionOr,
  ConditionStep,
  CreateModelStep,
  ExecutionVariables,
  FailStep,
  Join,
  JsonGet,
  ParameterBoolean,
  ParameterFloat,
  ParameterInteger,
  ParameterString,
  Pipeline,
  ProcessingStep,
  PropertyFile,
  RegisterModel,
  RetryPolicy,
  SageMakerJobExceptionType,
  StepExceptionType,
  TrainingStep,
} from '../../src/index.ts';

const role = 'arn:aws:iam::123456789012:role/Role';
const count = new ParameterInteger({ name: 'Count', defaultValue: 2 });
const mode = new ParameterString({ name: 'Mode', defaultValue: 'full', enumValues: ['full', 'quick'] });
const rate = new ParameterFloat({ name: 'Rate', defaultValue: 0.1 });
const dry = new ParameterBoolean({ name: 'Dry', defaultValue: false });

const report = new PropertyFile({ name: 'Report', outputName: 'report', path: 'report.json' });
const processing = new ProcessingStep({
  name: 'Prepare',
  displayName: 'Prepare data',
  description: 'splits the data',
  processor: {
    imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-node:0.1.0',
    instanceType: 'ml.m5.large',
    instanceCount: count,
    volumeSizeInGB: 50,
    maxRuntimeInSeconds: 600,
    environment: { MODE: mode },
    networkIsolation: true,
    roleArn: role,
  },
  inputs: [{ source: 's3://bucket/raw/', destination: '/opt/ml/processing/input', name: 'raw', distribution: 'ShardedByS3Key' }],
  outputs: [
    { name: 'train', source: '/opt/ml/processing/train' },
    { name: 'report', source: '/opt/ml/processing/report', destination: 's3://bucket/report', uploadMode: 'Continuous' },
  ],
  code: 'prepare.ts',
  jobArguments: ['--mode', mode],
  propertyFiles: [report],
  cacheConfig: new CacheConfig({ expireAfter: 'PT12H' }),
  retryPolicies: [
    new RetryPolicy({ exceptionTypes: [StepExceptionType.Throttling], intervalSeconds: 5, backoffRate: 1.5, expireAfterMin: 30 }),
    new RetryPolicy({ exceptionTypes: [SageMakerJobExceptionType.InternalError, SageMakerJobExceptionType.CapacityError], maxAttempts: 3 }),
  ],
});

const training = new TrainingStep({
  name: 'Train',
  estimator: {
    imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-xgboost:0.1.0',
    instanceType: 'ml.m5.xlarge',
    outputPath: Join('/', ['s3://bucket/models', ExecutionVariables.PipelineExecutionId]),
    roleArn: role,
    hyperparameters: { num_round: 10, eta: rate, objective: 'binary:logistic', verbose: true },
    metricDefinitions: [{ name: 'validation:auc', regex: 'validation-auc:([0-9.]+)' }],
  },
  inputs: {
    train: { s3Uri: processing.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, contentType: 'text/csv' },
  },
});

const createModel = new CreateModelStep({
  name: 'CreateModel',
  model: { imageUri: 'image:1', modelDataUrl: training.properties.ModelArtifacts.S3ModelArtifacts, roleArn: role, environment: { A: 'b' } },
});
const register = new RegisterModel({
  name: 'Register',
  modelPackageGroupName: 'Group',
  containers: [{ imageUri: 'image:1', modelDataUrl: training.properties.ModelArtifacts.S3ModelArtifacts }],
  contentTypes: ['text/csv'],
  responseTypes: ['text/csv'],
  inferenceInstances: ['ml.t2.medium'],
  transformInstances: ['ml.m5.xlarge'],
  approvalStatus: 'Approved',
  modelPackageDescription: 'nightly',
  modelMetrics: { modelStatistics: { s3Uri: Join('/', [processing.properties.ProcessingOutputConfig.Outputs['report'].S3Output.S3Uri, 'report.json']) } },
});
const fail = new FailStep({
  name: 'Fail',
  errorMessage: Join(' ', ['score', JsonGet({ step: processing, propertyFile: report, jsonPath: 'metrics.score' }), 'below', rate]),
});
const condition = new ConditionStep({
  name: 'Gate',
  dependsOn: [training],
  conditions: [
    ConditionOr(
      ConditionLessThan(JsonGet({ step: processing, propertyFile: report, jsonPath: 'metrics.scores[0].value' }), rate),
      ConditionNot(ConditionIn(mode, ['full', 'extended'])),
    ),
  ],
  ifSteps: [createModel, register],
  elseSteps: [fail],
});

const pipeline = new Pipeline({ name: 'golden', parameters: [count, mode, rate, dry], steps: [processing, training, condition], defaultBucket: 'bucket' });
const definition = pipeline.toDefinition({ resolveCode: (p) => ({ s3Uri: `s3://bucket/sagepipe/code/0123/${p.replace('.ts', '.mjs')}`, fileName: p.replace('.ts', '.mjs') }) });
const stepNamed = (name: string) => {
  const all = [...definition.Steps, ...((definition.Steps[2]?.Arguments.IfSteps as never[]) ?? []), ...((definition.Steps[2]?.Arguments.ElseSteps as never[]) ?? [])] as { Name: string }[];
  return all.find((s) => s.Name === name);
};
const golden = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('golden definitions of each step type', () => {
  it.each(['Prepare', 'Train', 'CreateModel', 'Register', 'Fail'])('GIVEN step %s WHEN rendered THEN it matches its golden JSON', async (name) => {
    await expect(golden(stepNamed(name))).toMatchFileSnapshot(`./golden/step-${name}.json`);
  });

  it('GIVEN the condition step WHEN rendered THEN conditions use the service names (In: QueryValue/Values, Not: Condition)', async () => {
    await expect(golden(definition.Steps[2]?.Arguments.Conditions)).toMatchFileSnapshot('./golden/conditions.json');
    expect(definition.Steps[2]?.DependsOn).toEqual(['Train']);
  });

  it('GIVEN parameters of each type WHEN rendered THEN they carry type, default and enum values', async () => {
    await expect(golden(definition.Parameters)).toMatchFileSnapshot('./golden/parameters.json');
  });
});
