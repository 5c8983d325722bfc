import { describe, expect, it } from 'vitest';
import adultPipeline from '../../examples/adult/pipeline.ts';
import type { CompiledStep } from '../../src/definition/compiled.ts';
import { type Expr, referencesOf } from '../../src/definition/expressions.ts';
import { loadDefinition } from '../../src/definition/loader.ts';
import { testContext } from '../helpers/context.ts';

const adult = () =>
  loadDefinition(JSON.parse(adultPipeline(testContext).definition({ resolveCode: (p) => ({ s3Uri: `s3://test-bucket/code/${p}`, fileName: p.replace('.ts', '.mjs') }) })));

function stepOf<T extends CompiledStep['type']>(steps: ReadonlyMap<string, CompiledStep>, name: string, type: T): Extract<CompiledStep, { type: T }> {
  const step = steps.get(name);
  if (step?.type !== type) throw new Error(`${name} is a ${step?.type} step, not ${type}`);
  return step as Extract<CompiledStep, { type: T }>;
}

/** References without their wire form, for readable expectations. */
const refs = (expr: Expr) => referencesOf(expr).map(({ json: _json, ...r }) => ('segments' in r ? { ...r, segments: undefined } : r));

describe('the compiled definition', () => {
  it('GIVEN the reference pipeline WHEN loaded THEN the Training step carries its parsed references, dependencies and resolved cache policy', () => {
    const train = stepOf(adult().graph.nodes, 'adultTrain', 'Training');
    expect(refs(train.arguments)).toEqual([
      { kind: 'parameter', name: 'TrainingInstanceType' },
      { kind: 'stepProperty', step: 'adultProcess', propertyPath: "ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri", segments: undefined },
      { kind: 'stepProperty', step: 'adultProcess', propertyPath: "ProcessingOutputConfig.Outputs['validation'].S3Output.S3Uri", segments: undefined },
    ]);
    const s3Uri = referencesOf(train.arguments)[1];
    expect(s3Uri?.kind === 'stepProperty' && s3Uri.segments).toEqual([
      { kind: 'field', name: 'ProcessingOutputConfig' },
      { kind: 'field', name: 'Outputs' },
      { kind: 'key', key: 'train' },
      { kind: 'field', name: 'S3Output' },
      { kind: 'field', name: 'S3Uri' },
    ]);
    expect(train.dependsOn).toEqual(['adultProcess']);
    expect(train.policies.cache).toEqual({ enabled: true, expireAfterMs: 30 * 86_400_000 });
  });

  it('GIVEN the reference pipeline WHEN loaded THEN Arguments are kept as written with the positions of their references, and a Join keeps its parts', () => {
    const train = stepOf(adult().graph.nodes, 'adultTrain', 'Training');
    if (train.arguments.kind !== 'template') throw new Error('Arguments with references are a template');
    // The Arguments as written, and where each reference stands in them: substitution fills these positions only.
    expect(train.arguments.holes.map((h) => h.at)).toEqual([
      ['ResourceConfig', 'InstanceType'],
      ['InputDataConfig', 0, 'DataSource', 'S3DataSource', 'S3Uri'],
      ['InputDataConfig', 1, 'DataSource', 'S3DataSource', 'S3Uri'],
    ]);
    expect(train.arguments.value).toBe(train.definition.Arguments);
    const process = stepOf(adult().graph.nodes, 'adultProcess', 'Processing');
    if (process.arguments.kind !== 'template') throw new Error('Arguments with references are a template');
    const output = process.arguments.holes.find((h) => h.at.join('.') === 'ProcessingOutputConfig.Outputs.0.S3Output.S3Uri')?.expr;
    expect(output?.kind === 'join' && output.values.map((v) => v.kind)).toEqual(['literal', 'literal', 'literal', 'execution', 'literal', 'literal', 'literal']);
  });

  it('GIVEN the reference pipeline WHEN loaded THEN its Condition step holds a typed condition tree and its branches by name', () => {
    const cond = stepOf(adult().graph.nodes, 'adultAccCond', 'Condition');
    expect(cond.conditions).toEqual([
      {
        type: 'GreaterThanOrEqualTo',
        path: 'Steps[3].Arguments.Conditions[0]',
        left: {
          kind: 'jsonGet',
          step: 'adultEval',
          file: 'EvaluationReport',
          jsonPath: 'metrics.accuracy.value',
          segments: [
            { kind: 'field', name: 'metrics' },
            { kind: 'field', name: 'accuracy' },
            { kind: 'field', name: 'value' },
          ],
          json: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.adultEval.PropertyFiles.EvaluationReport' }, Path: 'metrics.accuracy.value' } },
        },
        right: { kind: 'parameter', name: 'AccuracyThreshold', json: { Get: 'Parameters.AccuracyThreshold' } },
      },
    ]);
    expect(cond.ifSteps).toEqual(['adultRegisterModel', 'adultCreateModel']);
    expect(cond.elseSteps).toEqual([]);
    expect(cond.dependsOn).toEqual(['adultEval']);
    const register = stepOf(adult().graph.nodes, 'adultRegisterModel', 'RegisterModel');
    expect(register.branch).toEqual({ condition: 'adultAccCond', branch: 'IfSteps' });
    expect(register.dependsOn).toEqual(['adultAccCond', 'adultEval', 'adultTrain']);
    expect(stepOf(adult().graph.nodes, 'adultEval', 'Processing').propertyFiles).toEqual([{ PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' }]);
  });

  it("GIVEN conditions in the Python SDK's wire forms WHEN loaded THEN they normalise to the same tree as the service's", () => {
    const step = (conditions: unknown[]) => ({
      Version: '2020-12-01',
      Parameters: [{ Name: 'Mode', Type: 'String', DefaultValue: 'a' }],
      Steps: [{ Name: 'c', Type: 'Condition', Arguments: { Conditions: conditions, IfSteps: [], ElseSteps: [] } }],
    });
    const shape = (conditions: unknown[]) => {
      const c = stepOf(loadDefinition(step(conditions)).graph.nodes, 'c', 'Condition');
      return JSON.parse(JSON.stringify(c.conditions, (k, v) => (k === 'path' || k === 'json' ? undefined : v)));
    };
    const mode = { Get: 'Parameters.Mode' };
    const service = shape([{ Type: 'Not', Arguments: { Condition: { Type: 'In', Arguments: { QueryValue: mode, Values: ['a', 'b'] } } } }]);
    const python = shape([{ Type: 'Not', Expression: { Type: 'In', QueryValue: mode, Values: ['a', 'b'] } }]);
    expect(python).toEqual(service);
    expect(service).toEqual([
      { type: 'Not', condition: { type: 'In', queryValue: { kind: 'parameter', name: 'Mode' }, values: [{ kind: 'literal', value: 'a' }, { kind: 'literal', value: 'b' }] } },
    ]);
  });

  it('GIVEN Lambda and Fail steps WHEN loaded THEN the function, typed outputs and error message are parsed fields', () => {
    const loaded = loadDefinition({
      Version: '2020-12-01',
      Parameters: [{ Name: 'Why', Type: 'String', DefaultValue: 'x' }],
      Steps: [
        { Name: 'l', Type: 'Lambda', FunctionArn: 'arn:aws:lambda:us-east-1:1:function:f', Arguments: {}, OutputParameters: [{ OutputName: 'n', OutputType: 'Integer' }, { OutputName: 's' }] },
        { Name: 'f', Type: 'Fail', Arguments: { ErrorMessage: { 'Std:Join': { On: ' ', Values: ['because', { Get: 'Parameters.Why' }] } } } },
      ],
    });
    const lambda = stepOf(loaded.graph.nodes, 'l', 'Lambda');
    expect(lambda.functionArn).toBe('arn:aws:lambda:us-east-1:1:function:f');
    expect(lambda.outputParameters).toEqual([
      { name: 'n', type: 'Integer' },
      { name: 's', type: 'String' },
    ]);
    const fail = stepOf(loaded.graph.nodes, 'f', 'Fail');
    expect(fail.errorMessage).toEqual({
      kind: 'join',
      on: ' ',
      values: [
        { kind: 'literal', value: 'because' },
        { kind: 'parameter', name: 'Why', json: { Get: 'Parameters.Why' } },
      ],
    });
  });
});

// Type-level: a switch over the step types that forgets one does not compile (npm run typecheck checks this file).
export function stepKind(step: CompiledStep): string {
  switch (step.type) {
    case 'Processing':
    case 'Training':
    case 'Transform':
    case 'Tuning':
    case 'Model':
    case 'RegisterModel':
    case 'Lambda':
      return 'job';
    case 'Condition':
    case 'Fail':
      return 'engine';
    case 'ClarifyCheck':
    case 'QualityCheck':
    case 'EMR':
    case 'AutoML':
    case 'Endpoint':
    case 'EndpointConfig':
      return 'aws-only';
    default: {
      // @ts-expect-error Callback is not handled, so the step is not narrowed to never
      const never: never = step;
      return never;
    }
  }
}
