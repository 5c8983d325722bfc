/**
 * Compile-time checks (run by `tsc` in `npm test`): property paths that do not exist on a step type, and conditions
 * comparing incompatible types, are TypeScript errors. An `@ts-expect-error` that stops being an error fails tsc.
 */
import { ConditionEquals, ConditionGreaterThan, ContinuousParameter, LambdaStep, ParameterString, ProcessingStep, TrainingStep, TuningStep } from '../../src/index.ts';

const train = new TrainingStep({ name: 't', estimator: { imageUri: 'i', instanceType: 'x', outputPath: 's3://b/o', roleArn: 'r' }, inputs: {} });
const proc = new ProcessingStep({
  name: 'p',
  processor: { imageUri: 'i', instanceType: 'x', roleArn: 'r' },
  outputs: [{ name: 'train', source: '/opt/ml/processing/train' }],
});

export const ok = [
  train.properties.ModelArtifacts.S3ModelArtifacts,
  train.properties.FinalMetricDataList['validation:logloss'].Value,
  train.properties.HyperParameters['eta'],
  proc.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri,
  proc.properties.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri,
];

// @ts-expect-error — the step has no output named 'trian'
export const outputTypo = proc.properties.ProcessingOutputConfig.Outputs['trian'];
// @ts-expect-error — a training job has no ProcessingOutputConfig
export const wrongStepType = train.properties.ProcessingOutputConfig;
// @ts-expect-error — a typo in a property name
export const typo = train.properties.ModelArtifacts.S3ModelArtifact;
// @ts-expect-error — a metric's Value is a Float: it does not compare with a string
export const badCondition = ConditionGreaterThan(train.properties.FinalMetricDataList['x'].Value, 'high');
// @ts-expect-error — a String parameter does not compare with a number
export const badEquals = ConditionEquals(new ParameterString({ name: 'Mode' }), 3);

const lambda = new LambdaStep({ name: 'l', functionArn: 'arn:aws:lambda:us-east-1:1:function:f', outputs: { count: 'Integer', note: 'String' } });
const tuning = new TuningStep({
  name: 'tu',
  tuner: { estimator: { imageUri: 'i', instanceType: 'x', outputPath: 's3://b/o', roleArn: 'r' }, objectiveMetricName: 'validation:auc', hyperparameterRanges: { eta: ContinuousParameter(0.1, 0.5) } },
  inputs: {},
});
export const okMore = [
  ConditionGreaterThan(lambda.outputs.count, 3),
  tuning.properties.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value,
  tuning.properties.TrainingJobSummaries[1].TrainingJobName,
];
// @ts-expect-error — a String output does not compare with a number
export const badOutput = ConditionGreaterThan(lambda.outputs.note, 3);
// @ts-expect-error — the Lambda step declares no output 'missing'
export const undeclaredOutput = lambda.outputs.missing;
// @ts-expect-error — a tuning job's best trial has no ModelArtifacts (use topModelS3Uri)
export const noArtifacts = tuning.properties.BestTrainingJob.ModelArtifacts;
