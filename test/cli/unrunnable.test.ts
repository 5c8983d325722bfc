/** `validate --local` and `run` refuse step types the local engine cannot run before anything starts, naming each. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/context.ts';
import { pythonSdkDefinition } from '../helpers/python-sdk.ts';

const dir = tempDir('sagepipe-cli-unrunnable-');
afterAll(() => dir.remove());
const ws = ['--workspace', join(dir.path, 'ws')];

/** The Python SDK's reference definition with a Lambda step and, in the If branch, a Transform step. */
function withUnsupportedSteps(): string {
  const def = pythonSdkDefinition('adult');
  def.Steps.splice(1, 0, { Name: 'adultNotify', Type: 'Lambda', Arguments: {}, FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:notify' });
  const condition = def.Steps.find((s: { Type: string }) => s.Type === 'Condition');
  condition.Arguments.IfSteps.push({
    Name: 'adultBatchScore',
    Type: 'Transform',
    Arguments: { ModelName: 'm', TransformInput: {}, TransformOutput: {}, TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 } },
  });
  const file = join(dir.path, 'unsupported.json');
  writeFileSync(file, JSON.stringify(def));
  return file;
}

describe('steps the local engine cannot run', () => {
  it('GIVEN a definition with Lambda and Transform steps WHEN validated without --local THEN it is valid (SageMaker runs them)', async () => {
    const r = await cli(['validate', withUnsupportedSteps()]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('GIVEN the same definition WHEN validated with --local THEN exit 1 naming each step, its type and its path', async () => {
    const r = await cli(['validate', withUnsupportedSteps(), '--local', '--runtime', 'process', '--json', ...ws]);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body.valid).toBe(false);
    expect(body.errors.map((e: { path: string; message: string }) => [e.path, /step '(\w+)' has type '(\w+)'/.exec(e.message)?.slice(1)])).toEqual([
      ['Steps[1]', ['adultNotify', 'Lambda']],
      ['Steps[4].Arguments.IfSteps[2]', ['adultBatchScore', 'Transform']],
    ]);
  });

  it('GIVEN the same definition WHEN run THEN it fails before the first step, and no execution is recorded', async () => {
    const r = await cli(['run', withUnsupportedSteps(), '--runtime', 'process', '--no-logs', ...ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: unsupported: 2 steps cannot run locally, so the execution was not started');
    expect(r.stderr).toContain("step 'adultNotify' has type 'Lambda'");
    expect(r.stderr).toContain("step 'adultBatchScore' has type 'Transform'");
    expect(r.stderr).not.toMatch(/adultProcess (failed|succeeded)/);
    const list = await cli(['executions', 'list', '--json', ...ws]);
    expect(JSON.parse(list.stdout).PipelineExecutionSummaries).toEqual([]);
  });

  it('GIVEN the reference definition from the Python SDK WHEN validated with --local THEN every step type can run', async () => {
    const file = join(dir.path, 'adult.json');
    writeFileSync(file, JSON.stringify(pythonSdkDefinition('adult')));
    const r = await cli(['validate', file, '--local', '--runtime', 'process', ...ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('every step can run locally');
  });
});
