/** Loading Transform, Tuning, Lambda and Callback steps as the Python SDK writes them, and the errors for bad ones. */
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/loader.ts';
import { isSagepipeError } from '../../src/errors.ts';

const pythonSdk = {
  Version: '2020-12-01',
  Metadata: {},
  Parameters: [{ Name: 'MaxJobs', Type: 'Integer', DefaultValue: 4 }],
  PipelineExperimentConfig: { ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } },
  Steps: [
    {
      Name: 'Tune',
      Type: 'Tuning',
      Arguments: {
        HyperParameterTuningJobConfig: {
          Strategy: 'Bayesian',
          ResourceLimits: { MaxNumberOfTrainingJobs: { Get: 'Parameters.MaxJobs' }, MaxParallelTrainingJobs: 2 },
          TrainingJobEarlyStoppingType: 'Off',
          HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
          ParameterRanges: {
            ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.1', MaxValue: '0.5', ScalingType: 'Auto' }],
            CategoricalParameterRanges: [],
            IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '8', ScalingType: 'Auto' }],
          },
        },
        TrainingJobDefinition: {
          StaticHyperParameters: { num_round: '50', objective: 'binary:logistic' },
          RoleArn: 'arn:aws:iam::111122223333:role/r',
          OutputDataConfig: { S3OutputPath: 's3://bucket/tune' },
          StoppingCondition: { MaxRuntimeInSeconds: 86400 },
          ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.xlarge' },
          AlgorithmSpecification: { TrainingInputMode: 'File', TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' },
          InputDataConfig: [{ DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train', S3DataDistributionType: 'FullyReplicated' } }, ContentType: 'text/csv', ChannelName: 'train' }],
        },
      },
    },
    {
      Name: 'Model',
      Type: 'Model',
      Arguments: {
        ExecutionRoleArn: 'arn:aws:iam::111122223333:role/r',
        PrimaryContainer: {
          Image: 'img',
          Environment: {},
          ModelDataUrl: { 'Std:Join': { On: '/', Values: ['s3:/', 'bucket', 'tune', { Get: 'Steps.Tune.TrainingJobSummaries[0].TrainingJobName' }, 'output/model.tar.gz'] } },
        },
      },
    },
    {
      Name: 'Score',
      Type: 'Transform',
      Arguments: {
        ModelName: { Get: 'Steps.Model.ModelName' },
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/test' } }, ContentType: 'text/csv', SplitType: 'Line' },
        TransformOutput: { S3OutputPath: 's3://bucket/scores', AssembleWith: 'Line', Accept: 'text/csv' },
        TransformResources: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge' },
        DataProcessing: { InputFilter: '$[1:]', OutputFilter: '$[0,-1]', JoinSource: 'Input' },
      },
    },
    {
      Name: 'Notify',
      Type: 'Lambda',
      Arguments: { scores: { Get: 'Steps.Score.TransformOutput.S3OutputPath' }, best: { Get: 'Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value' } },
      FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:notify',
      OutputParameters: [{ OutputName: 'count', OutputType: 'Integer' }],
    },
    {
      Name: 'Approve',
      Type: 'Callback',
      Arguments: { count: { Get: "Steps.Notify.OutputParameters['count']" } },
      DependsOn: ['Score'],
      SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/q',
      OutputParameters: [{ OutputName: 'ok', OutputType: 'Boolean' }],
    },
    {
      Name: 'Check',
      Type: 'Condition',
      Arguments: {
        Conditions: [
          { Type: 'GreaterThanOrEqualTo', LeftValue: { Get: "Steps.Notify.OutputParameters['count']" }, RightValue: 10 },
          { Type: 'Equals', LeftValue: { Get: "Steps.Approve.OutputParameters['ok']" }, RightValue: true },
        ],
        IfSteps: [],
        ElseSteps: [],
      },
    },
  ],
};

const issuesOf = (value: unknown): string[] => {
  try {
    loadDefinition(value);
  } catch (e) {
    if (isSagepipeError(e)) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
};

describe('loading the other everyday step types', () => {
  it('GIVEN a Python SDK definition with Tuning, Transform, Lambda and Callback WHEN loaded THEN it is valid and references make the graph', () => {
    const loaded = loadDefinition(pythonSdk);
    expect(loaded.graph.order).toEqual(['Tune', 'Model', 'Score', 'Notify', 'Approve', 'Check']);
    expect(loaded.graph.nodes.get('Notify')?.dependsOn).toEqual(['Score', 'Tune']);
  });

  it('GIVEN a Lambda step without FunctionArn and a Tuning step with an unknown strategy WHEN loaded THEN both are named', () => {
    const bad = structuredClone(pythonSdk) as any;
    delete bad.Steps[3].FunctionArn;
    bad.Steps[0].Arguments.HyperParameterTuningJobConfig.Strategy = 'Smart';
    const issues = issuesOf(bad);
    expect(issues).toContain("Steps[3]: missing required field 'FunctionArn'");
    expect(issues).toContain('Steps[0].Arguments.HyperParameterTuningJobConfig.Strategy: must be one of "Bayesian", "Random", "Grid", "Hyperband"');
  });

  it('GIVEN a property a tuning job does not have WHEN referenced THEN the loader names the path and the step type', () => {
    const bad = structuredClone(pythonSdk) as any;
    bad.Steps[3].Arguments.best = { Get: 'Steps.Tune.BestTrainingJob.ModelArtifacts' };
    expect(issuesOf(bad)).toEqual([expect.stringMatching(/Steps\.Tune\.BestTrainingJob\.ModelArtifacts: BestTrainingJob has no property 'ModelArtifacts' .*\(a Tuning step\)/)]);
  });

  it('GIVEN a condition comparing a Boolean output with a number WHEN loaded THEN the types are named', () => {
    const bad = structuredClone(pythonSdk) as any;
    bad.Steps[5].Arguments.Conditions[1].RightValue = 3;
    expect(issuesOf(bad).join()).toContain('Equals compares Boolean with Integer');
  });
});
