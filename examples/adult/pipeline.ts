/**
 * The Adult Census income pipeline: preprocess → train XGBoost → evaluate → accuracy gate → create model + register.
 * Names, parameters and hyperparameters are those of the reference notebook; `AccuracyThreshold` and caching are
 * sagepipe's additions. Runs locally (`sagepipe run examples/adult/pipeline.ts`) or on SageMaker (`--target sagemaker`).
 */
import {
  CacheConfig,
  ConditionGreaterThanOrEqualTo,
  ConditionStep,
  CreateModelStep,
  Join,
  JsonGet,
  ParameterFloat,
  ParameterInteger,
  ParameterString,
  Pipeline,
  type PipelineContext,
  ProcessingStep,
  PropertyFile,
  RegisterModel,
  TrainingStep,
} from 'sagepipe';

export default function adultPipeline(ctx: PipelineContext): Pipeline {
  const processingInstanceCount = new ParameterInteger({ name: 'ProcessingInstanceCount', defaultValue: 1 });
  const processingInstanceType = new ParameterString({ name: 'ProcessingInstanceType', defaultValue: 'ml.m5.xlarge' });
  const trainingInstanceType = new ParameterString({ name: 'TrainingInstanceType', defaultValue: 'ml.m5.xlarge' });
  const modelApprovalStatus = new ParameterString({ name: 'ModelApprovalStatus', defaultValue: 'PendingManualApproval' });
  // Locally a path relative to the working directory (data/adult.csv, fetched by data/fetch.sh); on SageMaker the
  // backend stages it to s3://<bucket>/… first. Pass an s3:// URI to use data already in S3.
  const inputData = new ParameterString({ name: 'InputData', defaultValue: 'data/adult.csv' });
  const accuracyThreshold = new ParameterFloat({ name: 'AccuracyThreshold', defaultValue: 0.8 });

  const cache = new CacheConfig({ enabled: true, expireAfter: 'P30D' });
  const nodeImage = ctx.imageUri('node');
  const xgboostImage = ctx.imageUri('xgboost');

  const process = new ProcessingStep({
    name: 'adultProcess',
    processor: {
      imageUri: nodeImage,
      instanceType: processingInstanceType,
      instanceCount: processingInstanceCount,
      roleArn: ctx.roleArn,
    },
    inputs: [{ source: inputData, destination: '/opt/ml/processing/input' }],
    outputs: [
      { name: 'train', source: '/opt/ml/processing/train' },
      { name: 'validation', source: '/opt/ml/processing/validation' },
      { name: 'test', source: '/opt/ml/processing/test' },
    ],
    code: 'preprocess.ts',
    cacheConfig: cache,
  });

  const train = new TrainingStep({
    name: 'adultTrain',
    estimator: {
      imageUri: xgboostImage,
      instanceType: trainingInstanceType,
      instanceCount: 1,
      outputPath: `s3://${ctx.defaultBucket}/adultTrain`,
      roleArn: ctx.roleArn,
      hyperparameters: {
        objective: 'binary:logistic',
        num_round: 50,
        max_depth: 5,
        subsample: 1,
        silent: 0,
        eval_metric: 'logloss',
        eta: 0.3,
      },
      metricDefinitions: [
        { name: 'train:logloss', regex: '.*\\[[0-9]+\\].*#011train-logloss:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*' },
        { name: 'validation:logloss', regex: '.*\\[[0-9]+\\].*#011validation-logloss:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*' },
      ],
    },
    inputs: {
      train: { s3Uri: process.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, contentType: 'text/csv' },
      validation: {
        s3Uri: process.properties.ProcessingOutputConfig.Outputs['validation'].S3Output.S3Uri,
        contentType: 'text/csv',
      },
    },
    cacheConfig: cache,
  });

  const evaluationReport = new PropertyFile({ name: 'EvaluationReport', outputName: 'evaluation', path: 'evaluation.json' });
  const evaluate = new ProcessingStep({
    name: 'adultEval',
    processor: { imageUri: nodeImage, instanceType: processingInstanceType, instanceCount: 1, roleArn: ctx.roleArn },
    inputs: [
      { source: train.properties.ModelArtifacts.S3ModelArtifacts, destination: '/opt/ml/processing/model' },
      { source: process.properties.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri, destination: '/opt/ml/processing/test' },
    ],
    outputs: [{ name: 'evaluation', source: '/opt/ml/processing/evaluation' }],
    code: 'evaluate.ts',
    propertyFiles: [evaluationReport],
    // Deterministic (same model, same test split, same report): a re-run takes the earlier report.
    cacheConfig: cache,
  });

  const modelData = train.properties.ModelArtifacts.S3ModelArtifacts;
  const createModel = new CreateModelStep({
    name: 'adultCreateModel',
    model: { imageUri: xgboostImage, modelDataUrl: modelData, roleArn: ctx.roleArn },
  });

  const register = new RegisterModel({
    name: 'adultRegisterModel',
    modelPackageGroupName: 'AdultModelPackageGroupName',
    containers: [{ imageUri: xgboostImage, modelDataUrl: modelData }],
    contentTypes: ['text/csv'],
    responseTypes: ['text/csv'],
    inferenceInstances: ['ml.t2.medium', 'ml.m5.xlarge'],
    transformInstances: ['ml.m5.xlarge'],
    approvalStatus: modelApprovalStatus,
    modelMetrics: {
      modelStatistics: {
        s3Uri: Join('/', [evaluate.properties.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri, 'evaluation.json']),
        contentType: 'application/json',
      },
    },
  });

  const accuracyCondition = new ConditionStep({
    name: 'adultAccCond',
    conditions: [
      ConditionGreaterThanOrEqualTo(
        JsonGet({ step: evaluate, propertyFile: evaluationReport, jsonPath: 'metrics.accuracy.value' }),
        accuracyThreshold,
      ),
    ],
    ifSteps: [register, createModel],
    elseSteps: [],
  });

  return new Pipeline({
    name: 'adultPipeline',
    parameters: [
      processingInstanceCount,
      processingInstanceType,
      trainingInstanceType,
      modelApprovalStatus,
      inputData,
      accuracyThreshold,
    ],
    steps: [process, train, evaluate, accuracyCondition],
    defaultBucket: ctx.defaultBucket,
  });
}
