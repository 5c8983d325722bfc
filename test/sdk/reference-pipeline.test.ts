import { describe, expect, it } from 'vitest';
import adultPipeline from '../../examples/adult/pipeline.ts';
import type { StagedCode } from '../../src/sdk/steps/step.ts';
import { testContext } from '../helpers/context.ts';

const staged = (path: string): StagedCode => ({ s3Uri: `s3://test-bucket/sagepipe/code/abc/${path.replace('.ts', '.mjs')}`, fileName: path.replace('.ts', '.mjs') });

describe('the reference pipeline', () => {
  it('GIVEN the adult pipeline WHEN synthesized THEN it has the six parameters and the steps of the reference', () => {
    const def = adultPipeline(testContext).toDefinition({ resolveCode: staged });
    expect(def.Parameters?.map((p) => [p.Name, p.Type, p.DefaultValue])).toEqual([
      ['ProcessingInstanceCount', 'Integer', 1],
      ['ProcessingInstanceType', 'String', 'ml.m5.xlarge'],
      ['TrainingInstanceType', 'String', 'ml.m5.xlarge'],
      ['ModelApprovalStatus', 'String', 'PendingManualApproval'],
      ['InputData', 'String', 'data/adult.csv'],
      ['AccuracyThreshold', 'Float', 0.8],
    ]);
    expect(def.Steps.map((s) => [s.Name, s.Type])).toEqual([
      ['adultProcess', 'Processing'],
      ['adultTrain', 'Training'],
      ['adultEval', 'Processing'],
      ['adultAccCond', 'Condition'],
    ]);
    const cond = def.Steps[3]?.Arguments as { IfSteps: { Name: string; Type: string }[]; ElseSteps: unknown[]; Conditions: unknown[] };
    expect(cond.IfSteps.map((s) => [s.Name, s.Type])).toEqual([
      ['adultRegisterModel', 'RegisterModel'],
      ['adultCreateModel', 'Model'],
    ]);
    expect(cond.ElseSteps).toEqual([]);
    expect(cond.Conditions).toEqual([
      {
        Type: 'GreaterThanOrEqualTo',
        LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.adultEval.PropertyFiles.EvaluationReport' }, Path: 'metrics.accuracy.value' } },
        RightValue: { Get: 'Parameters.AccuracyThreshold' },
      },
    ]);
  });

  it('GIVEN the training step WHEN synthesized THEN hyperparameters are the reference values rendered as strings, and channels read the processing outputs', () => {
    const def = adultPipeline(testContext).toDefinition({ resolveCode: staged });
    const train = def.Steps[1]?.Arguments as Record<string, any>;
    expect(train.HyperParameters).toEqual({ objective: 'binary:logistic', num_round: '50', max_depth: '5', subsample: '1', silent: '0', eval_metric: 'logloss', eta: '0.3' });
    expect(train.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: "Steps.adultProcess.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" });
    expect(train.AlgorithmSpecification.TrainingImage).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagepipe-xgboost:0.1.0');
    expect(train.OutputDataConfig.S3OutputPath).toBe('s3://test-bucket/adultTrain');
    expect(def.Steps[1]?.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
    expect(def.Steps[0]?.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
    // The evaluation is deterministic, so it is cached too.
    expect(def.Steps[2]?.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
  });

  it('GIVEN staged code WHEN synthesized THEN the code is the input named code and runs through the entrypoint', () => {
    const def = adultPipeline(testContext).toDefinition({ resolveCode: staged });
    const proc = def.Steps[0]?.Arguments as Record<string, any>;
    expect(proc.AppSpecification.ContainerEntrypoint).toEqual(['node', '/opt/ml/processing/input/code/preprocess.mjs']);
    expect(proc.ProcessingInputs.at(-1)).toMatchObject({ InputName: 'code', S3Input: { S3Uri: 's3://test-bucket/sagepipe/code/abc/preprocess.mjs', LocalPath: '/opt/ml/processing/input/code' } });
  });

  it('GIVEN the same pipeline built twice WHEN rendered THEN the JSON is byte-identical', () => {
    expect(adultPipeline(testContext).definition({ resolveCode: staged })).toBe(adultPipeline(testContext).definition({ resolveCode: staged }));
  });

  it('GIVEN code that was not staged WHEN synthesized THEN the error names the step and the field', () => {
    expect(() => adultPipeline(testContext).toDefinition()).toThrowError(/pipeline 'adultPipeline' has 2 errors/);
    try {
      adultPipeline(testContext).toDefinition();
    } catch (e) {
      const issues = (e as { issues: { path: string; message: string }[] }).issues;
      expect(issues[0]?.path).toBe('Steps[0] (adultProcess).code');
      expect(issues[0]?.message).toMatch(/code 'preprocess.ts' is not staged/);
    }
  });
});
