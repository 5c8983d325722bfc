/**
 * The Adult Census pipeline, extended with the step types real pipelines add next:
 * preprocess → tune XGBoost (Bayesian, 6 trials, 2 at once) → evaluate the best trial → create its model →
 * batch-transform the test split with it → a Lambda step summarising the run → a Callback approval gate →
 * (accuracy ≥ threshold and approved) register the best model.
 *
 * Locally the Lambda function is `summary.mjs` (mapped in sagepipe.config.json) and the gate waits until
 * `sagepipe executions callback <token> --success --output approved=true --output approver=<name>` (or serve's
 * SendPipelineExecutionStepSuccess) answers it.
 */
import {
  CallbackStep,
  ConditionEquals,
  ConditionGreaterThanOrEqualTo,
  ConditionStep,
  ContinuousParameter,
  CreateModelStep,
  IntegerParameter,
  Join,
  JsonGet,
  LambdaStep,
  ParameterFloat,
  ParameterInteger,
  ParameterString,
  Pipeline,
  type PipelineContext,
  ProcessingStep,
  PropertyFile,
  RegisterModel,
  TransformStep,
  TuningStep,
} from 'sagepipe';

export default function adultExtendedPipeline(ctx: PipelineContext): Pipeline {
  const instanceType = new ParameterString({ name: 'InstanceType', defaultValue: 'ml.m5.xlarge' });
  const modelApprovalStatus = new ParameterString({ name: 'ModelApprovalStatus', defaultValue: 'PendingManualApproval' });
  const inputData = new ParameterString({ name: 'InputData', defaultValue: 'data/adult.csv' });
  const accuracyThreshold = new ParameterFloat({ name: 'AccuracyThreshold', defaultValue: 0.8 });
  const maxTrials = new ParameterInteger({ name: 'MaxTrials', defaultValue: 6 });
  // Where the summary Lambda writes its report ('' → the system's temporary folder).
  const summaryDir = new ParameterString({ name: 'SummaryDir', defaultValue: '' });

  const bucket = ctx.defaultBucket;
  const nodeImage = ctx.imageUri('node');
  const xgboostImage = ctx.imageUri('xgboost');

  const process = new ProcessingStep({
    name: 'adultProcess',
    processor: { imageUri: nodeImage, instanceType, instanceCount: 1, roleArn: ctx.roleArn },
    inputs: [{ source: inputData, destination: '/opt/ml/processing/input' }],
    outputs: [
      { name: 'train', source: '/opt/ml/processing/train' },
      { name: 'validation', source: '/opt/ml/processing/validation' },
      { name: 'test', source: '/opt/ml/processing/test' },
    ],
    code: '../adult/preprocess.ts',
  });

  // The reference trains once with eta 0.3, max_depth 5, 50 rounds; here 100 rounds, and those (and more) are searched.
  const tune = new TuningStep({
    name: 'adultTune',
    tuner: {
      estimator: {
        imageUri: xgboostImage,
        instanceType,
        outputPath: `s3://${bucket}/adultTune`,
        roleArn: ctx.roleArn,
        hyperparameters: { objective: 'binary:logistic', num_round: 100, subsample: 1, eval_metric: 'logloss' },
      },
      // A built-in XGBoost metric: the service (and sagepipe) know its regex.
      objectiveMetricName: 'validation:logloss',
      objectiveType: 'Minimize',
      hyperparameterRanges: {
        eta: ContinuousParameter(0.1, 0.4, 'Logarithmic'),
        max_depth: IntegerParameter(4, 8),
        min_child_weight: ContinuousParameter(1, 4, 'Logarithmic'),
      },
      strategy: 'Bayesian',
      maxJobs: maxTrials,
      maxParallelJobs: 2,
      randomSeed: 42,
    },
    inputs: {
      train: { s3Uri: process.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri, contentType: 'text/csv' },
      validation: { s3Uri: process.properties.ProcessingOutputConfig.Outputs['validation'].S3Output.S3Uri, contentType: 'text/csv' },
    },
  });
  const bestModelData = tune.topModelS3Uri(0, bucket, 'adultTune');

  const evaluationReport = new PropertyFile({ name: 'EvaluationReport', outputName: 'evaluation', path: 'evaluation.json' });
  const evaluate = new ProcessingStep({
    name: 'adultEval',
    processor: { imageUri: nodeImage, instanceType, instanceCount: 1, roleArn: ctx.roleArn },
    inputs: [
      { source: bestModelData, destination: '/opt/ml/processing/model' },
      { source: process.properties.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri, destination: '/opt/ml/processing/test' },
    ],
    outputs: [{ name: 'evaluation', source: '/opt/ml/processing/evaluation' }],
    code: '../adult/evaluate.ts',
    propertyFiles: [evaluationReport],
  });
  const accuracy = JsonGet({ step: evaluate, propertyFile: evaluationReport, jsonPath: 'metrics.accuracy.value' });

  const bestModel = new CreateModelStep({ name: 'adultBestModel', model: { imageUri: xgboostImage, modelDataUrl: bestModelData, roleArn: ctx.roleArn } });

  // Each test row is `label,features…`: the model gets the features, the output keeps the label beside the score.
  const transform = new TransformStep({
    name: 'adultTransform',
    transformer: {
      modelName: bestModel.properties.ModelName,
      instanceType,
      outputPath: `s3://${bucket}/adultTransform`,
      strategy: 'MultiRecord',
      maxPayloadInMB: 1,
      maxConcurrentTransforms: 2,
      assembleWith: 'Line',
      accept: 'text/csv',
    },
    input: {
      data: process.properties.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri,
      contentType: 'text/csv',
      splitType: 'Line',
      inputFilter: '$[1:]',
      joinSource: 'Input',
      outputFilter: '$[0,-1]',
    },
  });

  const summary = new LambdaStep({
    name: 'adultSummary',
    functionArn: `arn:aws:lambda:${ctx.region}:${ctx.account}:function:adult-summary`,
    inputs: {
      execution: Join('', [tune.properties.HyperParameterTuningJobName]),
      best_training_job: tune.properties.BestTrainingJob.TrainingJobName,
      best_validation_logloss: tune.properties.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value,
      accuracy,
      predictions: transform.properties.TransformOutput.S3OutputPath,
      summary_dir: summaryDir,
    },
    outputs: { summary_path: 'String', accuracy: 'Float' },
  });

  const approval = new CallbackStep({
    name: 'adultApproval',
    sqsQueueUrl: `https://sqs.${ctx.region}.amazonaws.com/${ctx.account}/adult-approvals`,
    inputs: { summary: summary.outputs.summary_path, accuracy: summary.outputs.accuracy, model: bestModelData },
    outputs: { approved: 'Boolean', approver: 'String' },
  });

  const register = new RegisterModel({
    name: 'adultRegisterModel',
    modelPackageGroupName: 'AdultExtendedModelPackageGroup',
    containers: [{ imageUri: xgboostImage, modelDataUrl: bestModelData }],
    contentTypes: ['text/csv'],
    responseTypes: ['text/csv'],
    inferenceInstances: ['ml.t2.medium', 'ml.m5.xlarge'],
    transformInstances: ['ml.m5.xlarge'],
    approvalStatus: modelApprovalStatus,
    modelPackageDescription: Join(' ', ['tuned by', tune.properties.HyperParameterTuningJobName, 'approved by', approval.outputs.approver]),
    modelMetrics: {
      modelStatistics: {
        s3Uri: Join('/', [evaluate.properties.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri, 'evaluation.json']),
        contentType: 'application/json',
      },
    },
  });

  const gate = new ConditionStep({
    name: 'adultGate',
    conditions: [ConditionGreaterThanOrEqualTo(summary.outputs.accuracy, accuracyThreshold), ConditionEquals(approval.outputs.approved, true)],
    ifSteps: [register],
    elseSteps: [],
  });

  return new Pipeline({
    name: 'adultExtendedPipeline',
    parameters: [instanceType, modelApprovalStatus, inputData, accuracyThreshold, maxTrials, summaryDir],
    steps: [process, tune, evaluate, bestModel, transform, summary, approval, gate],
    defaultBucket: bucket,
  });
}
