import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/definition/loader.ts';
import { ErrorCode, type Issue, isSagepipeError } from '../../src/errors.ts';
import { ConditionEquals, ConditionStep, FailStep, Join, LambdaStep, ParameterFloat, ParameterString, Pipeline } from '../../src/index.ts';

function errorOf(build: () => unknown): { code: string; issues: Issue[] } {
  try {
    build();
  } catch (e) {
    if (isSagepipeError(e)) return { code: e.code, issues: [...e.issues] };
    throw e;
  }
  throw new Error('expected an error');
}

const FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:f';

describe('one check set for the SDK and the loader', () => {
  it('GIVEN a malformed Get in a step (from JavaScript) WHEN built by the SDK and when its JSON is loaded THEN each reports it once, with the same message at the same path', () => {
    const notify = new LambdaStep({ name: 'notify', functionArn: FUNCTION, inputs: { target: { Get: 'Steps.onlyAName' } as never } });
    const sdk = errorOf(() => new Pipeline({ name: 'p', steps: [notify] }).toDefinition());
    const loader = errorOf(() =>
      loadDefinition({ Version: '2020-12-01', Steps: [{ Name: 'notify', Type: 'Lambda', FunctionArn: FUNCTION, OutputParameters: [], Arguments: { target: { Get: 'Steps.onlyAName' } } }] }),
    );
    const message = "'Steps.onlyAName' names a step but no property";
    expect(sdk.issues).toEqual([{ path: 'Steps[0] (notify).Arguments.target', message }]);
    expect(loader.issues).toEqual([{ path: 'Steps[0].Arguments.target', message }]);
    expect(sdk.code).toBe(ErrorCode.PipelineInvalid);
    expect(loader.code).toBe(ErrorCode.DefinitionInvalid);
  });

  it('GIVEN the same mistakes in an SDK pipeline and in hand-written JSON WHEN checked THEN the messages are identical', () => {
    const mode = new ParameterString({ name: 'Mode', defaultValue: 'x' });
    const cond = new ConditionStep({ name: 'c', conditions: [ConditionEquals(mode, 3 as unknown as string)], dependsOn: ['missing'] });
    const sdk = errorOf(() => new Pipeline({ name: 'p', parameters: [mode], steps: [cond] }).toDefinition());
    const loader = errorOf(() =>
      loadDefinition({
        Version: '2020-12-01',
        Parameters: [{ Name: 'Mode', Type: 'String', DefaultValue: 'x' }],
        Steps: [{ Name: 'c', Type: 'Condition', DependsOn: ['missing'], Arguments: { Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Parameters.Mode' }, RightValue: 3 }], IfSteps: [], ElseSteps: [] } }],
      }),
    );
    const messages = ["depends on step 'missing', which is not in the definition", 'Equals compares String with Integer'];
    expect(sdk.issues.map((i) => i.message).sort()).toEqual(messages.sort());
    expect(loader.issues.map((i) => i.message).sort()).toEqual(messages.sort());
    expect(sdk.issues.map((i) => i.path).sort()).toEqual(['Steps[0] (c).Arguments.Conditions[0]', 'Steps[0] (c).DependsOn[0]']);
  });

  it('GIVEN a step placed twice whose message reads an undeclared parameter WHEN built THEN the parameter is reported once, at the first placement', () => {
    const fail = new FailStep({ name: 'f', errorMessage: Join(' ', ['bad', new ParameterFloat({ name: 'T' })]) });
    const cond = new ConditionStep({ name: 'c', conditions: [], elseSteps: [fail] });
    const { issues } = errorOf(() => new Pipeline({ name: 'p', steps: [cond, fail] }).toDefinition());
    expect(issues).toEqual([
      { path: 'Steps[1]', message: "step 'f' is placed twice (also at Steps[0].Arguments.ElseSteps[0])" },
      { path: 'Steps[0].Arguments.ElseSteps[0] (f).Arguments.ErrorMessage.Std:Join.Values[1]', message: "parameter 'T' is not defined in Parameters" },
    ]);
  });

  it('GIVEN a reference to another object with the name of a step in the pipeline WHEN built THEN the SDK, which sees objects, reports it', () => {
    const placed = new LambdaStep({ name: 'a', functionArn: FUNCTION, outputs: { n: 'Integer' } });
    const impostor = new LambdaStep({ name: 'a', functionArn: FUNCTION, outputs: { n: 'Integer' } });
    const user = new LambdaStep({ name: 'b', functionArn: FUNCTION, inputs: { n: impostor.outputs.n } });
    const { issues } = errorOf(() => new Pipeline({ name: 'p', steps: [placed, user] }).toDefinition());
    expect(issues).toEqual([{ path: 'Steps[1] (b).Arguments.n', message: "refers to a step named 'a' that is not the one in the pipeline" }]);
  });
});
