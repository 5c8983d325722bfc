import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import adultPipeline from '../../examples/adult/pipeline.ts';
import { loadDefinition, loadDefinitionText } from '../../src/definition/loader.ts';
import { toMermaid } from '../../src/definition/graph.ts';
import { isSagepipeError } from '../../src/errors.ts';
import { testContext } from '../helpers/context.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/definitions/${name}`, import.meta.url), 'utf8'));
const staged = (p: string) => ({ s3Uri: `s3://test-bucket/code/${p}`, fileName: p.replace('.ts', '.mjs') });

function problems(value: unknown): { path: string; message: string }[] {
  try {
    loadDefinition(value);
  } catch (e) {
    if (isSagepipeError(e)) return [...e.issues];
    throw e;
  }
  return [];
}

/** A small valid definition to break in one place at a time. */
function base(): any {
  return {
    Version: '2020-12-01',
    Parameters: [{ Name: 'Threshold', Type: 'Float', DefaultValue: 0.5 }, { Name: 'Mode', Type: 'String', DefaultValue: 'a', EnumValues: ['a', 'b'] }],
    Steps: [
      {
        Name: 'Prep',
        Type: 'Processing',
        Arguments: {
          ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 } },
          AppSpecification: { ImageUri: 'img' },
          RoleArn: 'arn:role',
          ProcessingOutputConfig: { Outputs: [{ OutputName: 'out', S3Output: { S3Uri: 's3://b/out', LocalPath: '/opt/ml/processing/out', S3UploadMode: 'EndOfJob' } }] },
        },
        PropertyFiles: [{ PropertyFileName: 'Report', OutputName: 'out', FilePath: 'r.json' }],
      },
      {
        Name: 'Gate',
        Type: 'Condition',
        Arguments: {
          Conditions: [{ Type: 'GreaterThan', LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.PropertyFiles.Report' }, Path: 'a.b' } }, RightValue: { Get: 'Parameters.Threshold' } }],
          IfSteps: [{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }],
          ElseSteps: [],
        },
      },
    ],
  };
}

describe('definition loader', () => {
  it('GIVEN the Python SDK definition of the reference pipeline WHEN loaded THEN its graph has the six steps and branch edges', () => {
    const loaded = loadDefinition(fixture('python-sdk-adult.json'));
    expect(loaded.graph.order).toEqual(['adultProcess', 'adultTrain', 'adultEval', 'adultAccCond', 'adultRegisterModel', 'adultCreateModel']);
    expect(loaded.graph.nodes.get('adultTrain')?.dependsOn).toEqual(['adultProcess']);
    expect(loaded.graph.nodes.get('adultAccCond')?.dependsOn).toEqual(['adultEval']);
    expect(loaded.graph.nodes.get('adultCreateModel')?.dependsOn).toEqual(['adultAccCond', 'adultTrain']);
    expect(loaded.graph.nodes.get('adultCreateModel')?.branch).toEqual({ condition: 'adultAccCond', branch: 'IfSteps' });
  });

  it('GIVEN a Python-SDK style definition with Fail, Joins, execution variables, retry and cache policies, Or/Not/In WHEN loaded THEN it is accepted', () => {
    const loaded = loadDefinition(fixture('python-sdk-fail-or-not-in.json'));
    expect([...loaded.graph.nodes.keys()]).toEqual(['Evaluate', 'Gate', 'TooLow']);
    expect(loaded.parameters.get('Mode')?.EnumValues).toEqual(['full', 'quick']);
  });

  it('GIVEN the compiled reference pipeline WHEN loaded THEN the graph is the one the SDK built (round trip)', () => {
    const pipeline = adultPipeline(testContext);
    const def = JSON.parse(pipeline.definition({ resolveCode: staged }));
    const loaded = loadDefinition(def);
    const edges = [...loaded.graph.nodes.values()].map((n) => [n.name, n.type, n.dependsOn.join(','), n.branch?.branch ?? '']);
    expect(edges).toEqual([
      ['adultProcess', 'Processing', '', ''],
      ['adultTrain', 'Training', 'adultProcess', ''],
      ['adultEval', 'Processing', 'adultProcess,adultTrain', ''],
      ['adultAccCond', 'Condition', 'adultEval', ''],
      ['adultRegisterModel', 'RegisterModel', 'adultAccCond,adultEval,adultTrain', 'IfSteps'],
      ['adultCreateModel', 'Model', 'adultAccCond,adultTrain', 'IfSteps'],
    ]);
    expect(toMermaid(loaded.graph)).toContain('adultAccCond -->|if| adultRegisterModel');
  });

  it('GIVEN text that is not JSON WHEN loaded THEN the error gives line and column', () => {
    expect(() => loadDefinitionText('{\n  "Version": "2020-12-01",\n  "Steps": [,]\n}', { source: 'bad.json' })).toThrowError(/bad\.json: not valid JSON at line 3/);
  });

  it('GIVEN the base definition WHEN loaded THEN it is valid (the malformed cases below each break one thing)', () => {
    expect(problems(base())).toEqual([]);
  });

  const cases: [string, (d: any) => unknown, RegExp][] = [
    ['not an object', () => [], /must be a JSON object/],
    ['missing Version', (d) => { delete d.Version; }, /missing required field 'Version'/],
    ['wrong Version', (d) => { d.Version = '2019-01-01'; }, /Version.*must be one of "2020-12-01"/],
    ['Steps not a list', (d) => { d.Steps = {}; }, /Steps/],
    ['step without Name', (d) => { delete d.Steps[0].Name; }, /must be an object with a Name and a Type/],
    ['unknown step type', (d) => { d.Steps[0].Type = 'Banana'; }, /unknown step type "Banana"/],
    ['duplicate step names', (d) => { d.Steps[1].Arguments.IfSteps[0].Name = 'Prep'; }, /duplicate step name 'Prep'/],
    ['bad step name characters', (d) => { d.Steps[0].Name = 'has space'; d.Steps[1].Arguments.Conditions[0].LeftValue['Std:JsonGet'].PropertyFile.Get = 'Steps.has space.PropertyFiles.Report'; }, /Name: must match pattern|is not Parameters/],
    ['DependsOn unknown step', (d) => { d.Steps[0].DependsOn = ['Ghost']; }, /depends on step 'Ghost', which is not in the definition/],
    ['Get on an undefined parameter', (d) => { d.Steps[0].Arguments.RoleArn = { Get: 'Parameters.Nope' }; }, /parameter 'Nope' is not defined/],
    ['Get on an unknown execution variable', (d) => { d.Steps[0].Arguments.RoleArn = { Get: 'Execution.Nope' }; }, /unknown execution variable 'Nope'/],
    ['Get with an unknown root', (d) => { d.Steps[0].Arguments.RoleArn = { Get: 'Pipeline.X' }; }, /is not Parameters.<name>/],
    ['Get on a missing step', (d) => { d.Steps[0].Arguments.RoleArn = { Get: 'Steps.Ghost.ProcessingJobName' }; }, /refers to step 'Ghost'/],
    ['Get on a property the step type lacks', (d) => { d.Steps[1].Arguments.IfSteps[0].Arguments.ErrorMessage = { Get: 'Steps.Prep.ModelArtifacts.S3ModelArtifacts' }; }, /has no property 'ModelArtifacts'/],
    ['Get on an output the step does not have', (d) => { d.Steps[1].Arguments.IfSteps[0].Arguments.ErrorMessage = { Get: "Steps.Prep.ProcessingOutputConfig.Outputs['nope'].S3Output.S3Uri" }; }, /step 'Prep' has no output 'nope' \(outputs: out\)/],
    ['Get with a malformed path', (d) => { d.Steps[1].Arguments.IfSteps[0].Arguments.ErrorMessage = { Get: 'Steps.Prep.ProcessingOutputConfig.Outputs[' }; }, /malformed property path/],
    ['Get that is not a string', (d) => { d.Steps[0].Arguments.RoleArn = { Get: 3 }; }, /Get must be a string|RoleArn/],
    ['a step reading its own properties', (d) => { d.Steps[0].Arguments.RoleArn = { Get: 'Steps.Prep.ProcessingJobName' }; }, /refers to its own properties/],
    ['JsonGet on an undeclared property file', (d) => { d.Steps[1].Arguments.Conditions[0].LeftValue['Std:JsonGet'].PropertyFile.Get = 'Steps.Prep.PropertyFiles.Other'; }, /property file 'Other', which step 'Prep' does not declare/],
    ['JsonGet without Path', (d) => { delete d.Steps[1].Arguments.Conditions[0].LeftValue['Std:JsonGet'].Path; }, /Std:JsonGet needs PropertyFile/],
    ['property file on a missing output', (d) => { d.Steps[0].PropertyFiles[0].OutputName = 'nope'; }, /reads output 'nope', which step 'Prep' does not have/],
    ['property file without FilePath', (d) => { delete d.Steps[0].PropertyFiles[0].FilePath; }, /missing required field 'FilePath'/],
    ['dependency cycle', (d) => { d.Steps[0].DependsOn = ['Gate']; }, /dependency cycle/],
    ['condition comparing String with Float', (d) => { d.Steps[1].Arguments.Conditions[0] = { Type: 'Equals', LeftValue: { Get: 'Parameters.Mode' }, RightValue: 1.5 }; }, /Equals compares String with Float/],
    ['In comparing Float with String', (d) => { d.Steps[1].Arguments.Conditions[0] = { Type: 'In', QueryValue: { Get: 'Parameters.Threshold' }, Values: ['a'] }; }, /In compares Float with String/],
    ['unknown condition type', (d) => { d.Steps[1].Arguments.Conditions[0].Type = 'Maybe'; }, /Conditions\[0\]/],
    ['binary condition without RightValue', (d) => { delete d.Steps[1].Arguments.Conditions[0].RightValue; }, /RightValue/],
    ['Not without its condition', (d) => { d.Steps[1].Arguments.Conditions[0] = { Type: 'Not' }; }, /Conditions\[0\]/],
    ['unknown field in processing arguments', (d) => { d.Steps[0].Arguments.Banana = 1; }, /unknown field 'Banana'/],
    ['instance count as text', (d) => { d.Steps[0].Arguments.ProcessingResources.ClusterConfig.InstanceCount = 'one'; }, /InstanceCount: must be integer/],
    ['retry policy with unknown exception type', (d) => { d.Steps[0].RetryPolicies = [{ ExceptionType: ['Step.BANANA'] }]; }, /ExceptionType/],
    ['cache config with a duration that is not ISO-8601', (d) => { d.Steps[0].CacheConfig = { Enabled: true, ExpireAfter: '30 days' }; }, /CacheConfig.ExpireAfter: '30 days' is not an ISO-8601 duration/],
    ['cache config with a string Enabled', (d) => { d.Steps[0].CacheConfig = { Enabled: 'yes' }; }, /CacheConfig.Enabled: must be boolean/],
    ['parameter with a bad type', (d) => { d.Parameters[0].Type = 'Decimal'; }, /Parameters\[0\]/],
    ['duplicate parameters', (d) => { d.Parameters[1].Name = 'Threshold'; d.Parameters[1].Type = 'Float'; delete d.Parameters[1].EnumValues; d.Parameters[1].DefaultValue = 1; }, /duplicate parameter 'Threshold'/],
    ['enum default not in enum', (d) => { d.Parameters[1].DefaultValue = 'z'; }, /default 'z' is not one of a, b/],
    ['Join without Values', (d) => { d.Steps[0].Arguments.RoleArn = { 'Std:Join': { On: '/' } }; }, /RoleArn/],
    ['Fail step with unknown field', (d) => { d.Steps[1].Arguments.IfSteps[0].Arguments.Message = 'x'; }, /unknown field 'Message'/],
    ['top-level unknown field', (d) => { d.Banana = true; }, /unknown field 'Banana'/],
  ];

  it.each(cases)('GIVEN %s WHEN loaded THEN the error says so', (_name, breakIt, expected) => {
    const d = base();
    const replaced = breakIt(d);
    const issues = problems(replaced === undefined ? d : replaced);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => `${i.path}: ${i.message}`).join('\n')).toMatch(expected);
  });

  it('counts 30+ malformed cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });
});
