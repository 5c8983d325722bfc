/** `validate --local` and `run` refuse step types the local engine cannot run before anything starts, naming each. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
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
    // Image issues may come too (AWS images before the catalogue knows them); the step types are what this is about.
    const typeErrors = body.errors.filter((e: { message: string }) => e.message.includes(' has type '));
    expect(typeErrors.map((e: { path: string; message: string }) => [e.path, /step '(\w+)' has type '(\w+)'/.exec(e.message)?.slice(1)])).toEqual([
      ['Steps[1]', ['adultNotify', 'Lambda']],
      ['Steps[4].Arguments.IfSteps[2]', ['adultBatchScore', 'Transform']],
    ]);
  });

  it('GIVEN the same definition WHEN run THEN it fails before the first step, and no execution is recorded', async () => {
    const r = await cli(['run', withUnsupportedSteps(), '--runtime', 'process', '--no-logs', ...ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: unsupported: \d+ problems keep steps from running locally, so the execution was not started/);
    expect(r.stderr).toContain("step 'adultNotify' has type 'Lambda'");
    expect(r.stderr).toContain("step 'adultBatchScore' has type 'Transform'");
    expect(r.stderr).not.toMatch(/adultProcess (failed|succeeded)/);
    const list = await cli(['executions', 'list', '--json', ...ws]);
    expect(JSON.parse(list.stdout).PipelineExecutionSummaries).toEqual([]);
  });

  it('GIVEN a job image nothing locally stands in for WHEN validated with --local or run THEN the step and image are named before anything runs', async () => {
    const def = pythonSdkDefinition('adult');
    const image = '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.0.0-cpu-py310';
    def.Steps[0].Arguments.AppSpecification.ImageUri = image;
    const file = join(dir.path, 'unknown-image.json');
    writeFileSync(file, JSON.stringify(def));
    const v = await cli(['validate', file, '--local', '--runtime', 'process', '--json', ...ws]);
    expect(v.code).toBe(1);
    const errors = JSON.parse(v.stdout).errors as { path: string; message: string }[];
    const imageErrors = errors.filter((e) => e.message.includes(image));
    expect(imageErrors.map((e) => e.path)).toEqual(['Steps[0].Arguments.AppSpecification.ImageUri']);
    expect(imageErrors[0]?.message).toMatch(/no local stand-in .*--image-map pytorch-training=<local image>/);
    // The missing scripts are reported in the same answer.
    expect(errors.some((e) => e.message.includes('sagepipe s3 cp preprocessing.py'))).toBe(true);
    const r = await cli(['run', file, '--runtime', 'process', '--no-logs', ...ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('so the execution was not started');
    expect(r.stderr).toContain(image);
  });

  it('GIVEN the TypeScript reference pipeline on sagepipe\'s images WHEN validated with --local THEN every step can run', async () => {
    const r = await cli(['validate', 'examples/adult/pipeline.ts', '--local', '--runtime', 'process', ...ws], { cwd: REPO_ROOT });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('every step can run locally');
  });
});
