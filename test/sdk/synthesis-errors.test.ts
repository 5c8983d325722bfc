import { describe, expect, it } from 'vitest';
import {
  ConditionEquals,
  ConditionGreaterThan,
  ConditionStep,
  FailStep,
  Join,
  JsonGet,
  ParameterFloat,
  ParameterString,
  Pipeline,
  ProcessingStep,
  PropertyFile,
  TrainingStep,
  isSagepipeError,
} from '../../src/index.ts';

const processor = { imageUri: 'img', instanceType: 'ml.m5.large', roleArn: 'arn:aws:iam::1:role/r' };
const proc = (name: string, extra: Record<string, unknown> = {}) =>
  new ProcessingStep({ name, processor, outputs: [{ name: 'out', source: '/opt/ml/processing/out', destination: 's3://b/out' }], ...extra });

function issuesOf(build: () => unknown): { path: string; message: string }[] {
  try {
    build();
  } catch (e) {
    if (isSagepipeError(e)) return [...e.issues];
    throw e;
  }
  throw new Error('expected an error');
}

describe('synthesis errors', () => {
  it('GIVEN several mistakes WHEN synthesized THEN all are reported in one pass, each with its step and field', () => {
    const undefinedParam = new ParameterString({ name: 'NotDeclared' });
    const a = proc('dup');
    const b = proc('dup', { inputs: [{ source: undefinedParam, destination: '/opt/ml/processing/in' }] });
    const issues = issuesOf(() => new Pipeline({ name: 'p', steps: [a, b] }).toDefinition());
    expect(issues.map((i) => i.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/duplicate step name 'dup'/), expect.stringMatching(/parameter 'NotDeclared' is not defined/)]),
    );
    expect(issues.find((i) => i.message.includes('NotDeclared'))?.path).toBe('Steps[1] (dup).Arguments.ProcessingInputs[0].S3Input.S3Uri');
  });

  it('GIVEN a reference to a step not in the pipeline WHEN synthesized THEN it is named', () => {
    const outside = proc('outside');
    const user = proc('user', { inputs: [{ source: outside.properties.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri, destination: '/in' }] });
    const issues = issuesOf(() => new Pipeline({ name: 'p', steps: [user] }).toDefinition());
    expect(issues).toEqual([expect.objectContaining({ message: "refers to step 'outside', which is not in the definition" })]);
  });

  it('GIVEN two steps that depend on each other WHEN synthesized THEN the cycle is reported', () => {
    const a: ProcessingStep = proc('a', { dependsOn: ['b'] });
    const b = proc('b', { dependsOn: [a] });
    const issues = issuesOf(() => new Pipeline({ name: 'p', steps: [a, b] }).toDefinition());
    expect(issues.map((i) => i.message)).toContain('dependency cycle: a -> b -> a');
  });

  it('GIVEN a JsonGet on an undeclared property file WHEN synthesized THEN it is an error', () => {
    const report = new PropertyFile({ name: 'Report', outputName: 'out', path: 'r.json' });
    const evalStep = proc('eval');
    const cond = new ConditionStep({ name: 'c', conditions: [ConditionGreaterThan(JsonGet({ step: evalStep, propertyFile: report, jsonPath: 'a' }), 1)] });
    const issues = issuesOf(() => new Pipeline({ name: 'p', steps: [evalStep, cond] }).toDefinition());
    expect(issues[0]?.message).toMatch(/property file 'Report', which step 'eval' does not declare/);
  });

  it('GIVEN a property file on an output the step lacks WHEN synthesized THEN it is an error', () => {
    const report = new PropertyFile({ name: 'Report', outputName: 'missing', path: 'r.json' });
    const issues = issuesOf(() => new Pipeline({ name: 'p', steps: [proc('eval', { propertyFiles: [report] })] }).toDefinition());
    expect(issues[0]).toEqual({ path: 'Steps[0] (eval).PropertyFiles[0].OutputName', message: "property file 'Report' reads output 'missing', which step 'eval' does not have (outputs: out)" });
  });

  it('GIVEN a condition comparing a String parameter with a number WHEN synthesized THEN the types are reported', () => {
    const mode = new ParameterString({ name: 'Mode', defaultValue: 'x' });
    // A JavaScript caller can bypass the TypeScript check; synthesis still catches it.
    const cond = new ConditionStep({ name: 'c', conditions: [ConditionEquals(mode, 3 as unknown as string)] });
    const issues = issuesOf(() => new Pipeline({ name: 'p', parameters: [mode], steps: [cond] }).toDefinition());
    expect(issues[0]?.message).toBe('Equals compares String with Integer');
  });

  it('GIVEN a property path that does not exist (from JavaScript) WHEN synthesized THEN it is a compile error', () => {
    const train = new TrainingStep({ name: 't', estimator: { imageUri: 'i', instanceType: 'x', outputPath: 's3://b/o', roleArn: 'r' }, inputs: {} });
    const bogus = (train.properties as unknown as Record<string, Record<string, unknown>>).ModelArtifacts.Nope as never;
    const user = proc('user', { inputs: [{ source: bogus, destination: '/in' }] });
    const issues = issuesOf(() => new Pipeline({ name: 'p', steps: [train, user] }).toDefinition());
    expect(issues[0]?.message).toMatch(/^Steps\.t\.ModelArtifacts\.Nope: ModelArtifacts has no property 'Nope' \(known: S3ModelArtifacts\)/);
  });

  it('GIVEN a reference to an output the step does not have (from JavaScript) WHEN synthesized THEN it is a compile error', () => {
    const a = proc('a');
    const b = proc('b', { inputs: [{ source: (a.properties.ProcessingOutputConfig.Outputs as Record<string, any>)['nope'].S3Output.S3Uri, destination: '/in' }] });
    const issues = issuesOf(() => new Pipeline({ name: 'p', steps: [a, b] }).toDefinition());
    expect(issues[0]?.message).toBe("Steps.a.ProcessingOutputConfig.Outputs['nope'].S3Output.S3Uri: step 'a' has no output 'nope' (outputs: out)");
  });

  it('GIVEN a step placed in a branch and at the top level WHEN synthesized THEN it is reported once placed twice', () => {
    const fail = new FailStep({ name: 'f', errorMessage: Join(' ', ['bad', new ParameterFloat({ name: 'T' })]) });
    const cond = new ConditionStep({ name: 'c', conditions: [], elseSteps: [fail] });
    const issues = issuesOf(() => new Pipeline({ name: 'p', steps: [cond, fail] }).toDefinition());
    expect(issues.map((i) => i.message)).toEqual(expect.arrayContaining([expect.stringMatching(/step 'f' is placed twice/), "parameter 'T' is not defined in Parameters"]));
  });

  it('GIVEN a pipeline variable in a template string WHEN built THEN it fails loudly instead of rendering [object Object]', () => {
    const p = new ParameterString({ name: 'X' });
    expect(() => `s3://${p}`).toThrowError(/cannot be used as a string/);
  });
});
