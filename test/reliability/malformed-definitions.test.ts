/**
 * A corpus of malformed definitions and pipeline modules: `validate` exits 1 naming the field for each, never
 * crashes (exit 70, "internal error", a JavaScript TypeError), and `run` refuses them before anything runs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { processingStep } from '../engine/helpers.ts';

const ws = tempDir('sagepipe-malformed-');
afterAll(() => ws.remove());

const base = (steps: unknown[], extra: object = {}) => ({ Version: '2020-12-01', Parameters: [], Steps: steps, ...extra });
const proc = (name: string, change: (args: Record<string, unknown>) => void = () => undefined) => {
  const step = processingStep(name);
  change(step.Arguments);
  return step;
};
const training = (change: (args: Record<string, unknown>) => void = () => undefined) => {
  const args: Record<string, unknown> = {
    AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
    OutputDataConfig: { S3OutputPath: 's3://b/o' },
    ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 },
    RoleArn: 'arn:role',
    StoppingCondition: { MaxRuntimeInSeconds: 60 },
  };
  change(args);
  return { Name: 'T', Type: 'Training', Arguments: args };
};
const model = (url: unknown) => ({ Name: 'M', Type: 'Model', Arguments: { ExecutionRoleArn: 'r', PrimaryContainer: { Image: 'i', ModelDataUrl: url } } });
let deep: unknown = 'x';
for (let i = 0; i < 1000; i++) deep = { 'Std:Join': { On: '', Values: [deep] } };

/** name → [definition, a field path the error must name]. */
const CORPUS: Record<string, [unknown, string]> = {
  'a Join nested 1,000 deep': [base([proc('A', (a) => (a.Environment = { X: deep }))]), 'Steps[0].Arguments.Environment.X.Std:Join.Values[0].Std:Join'],
  'a Processing step without Arguments': [base([{ Name: 'A', Type: 'Processing' }]), 'Steps[0]'],
  'a Training step with empty Arguments': [base([{ Name: 'T', Type: 'Training', Arguments: {} }]), 'Steps[0].Arguments.AlgorithmSpecification.TrainingImage'],
  'a typo in the first segment of a property path': [base([training(), model({ Get: 'Steps.T.ModelArtifact.S3ModelArtifacts' })]), 'Steps[1].Arguments.PrimaryContainer.ModelDataUrl'],
  'a typo in the last segment of a property path': [base([training(), model({ Get: 'Steps.T.ModelArtifacts.S3ModelArtifact' })]), 'Steps[1].Arguments.PrimaryContainer.ModelDataUrl'],
  'a typo in a middle segment of a property path': [
    base([processingStep('A'), processingStep('B', { input: { Get: "Steps.A.ProcessingOutputConfig.Outputs['out'].S3Outputt.S3Uri" } })]),
    'Steps[1].Arguments.ProcessingInputs[0].S3Input.S3Uri',
  ],
  "Outputs['tset'] (no such output)": [base([processingStep('A'), processingStep('B', { input: { Get: "Steps.A.ProcessingOutputConfig.Outputs['tset'].S3Output.S3Uri" } })]), 'Steps[1].Arguments.ProcessingInputs[0].S3Input.S3Uri'],
  'an empty AppSpecification': [base([proc('A', (a) => (a.AppSpecification = {}))]), 'Steps[0].Arguments.AppSpecification.ImageUri'],
  'InstanceCount 0': [base([proc('A', (a) => (a.ProcessingResources = { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 0, VolumeSizeInGB: 30 } }))]), 'Steps[0].Arguments.ProcessingResources.ClusterConfig.InstanceCount'],
  'InstanceCount -1': [base([training((a) => (a.ResourceConfig = { InstanceCount: -1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 }))]), 'Steps[0].Arguments.ResourceConfig.InstanceCount'],
  'InstanceCount 1.5': [base([proc('A', (a) => (a.ProcessingResources = { ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1.5, VolumeSizeInGB: 30 } }))]), 'Steps[0].Arguments.ProcessingResources.ClusterConfig.InstanceCount'],
  'a step that is not an object': [base(['oops']), 'Steps[0]'],
  'Steps that is not a list': [{ Version: '2020-12-01', Steps: {} }, 'Steps'],
  'a DependsOn naming no step': [base([{ ...processingStep('A'), DependsOn: ['nope'] }]), 'Steps[0].DependsOn[0]'],
  'a Get of an undefined parameter': [base([proc('A', (a) => (a.Environment = { X: { Get: 'Parameters.Nope' } }))]), 'Steps[0].Arguments.Environment.X'],
  'a dependency cycle': [base([{ ...processingStep('A'), DependsOn: ['B'] }, { ...processingStep('B'), DependsOn: ['A'] }]), 'Steps'],
  'a property file reading no output': [base([{ ...processingStep('A'), PropertyFiles: [{ PropertyFileName: 'R', OutputName: 'tset', FilePath: 'x.json' }] }]), 'Steps[0].PropertyFiles[0].OutputName'],
};

describe('validate on a corpus of malformed definitions', () => {
  it.each(Object.keys(CORPUS))('GIVEN %s WHEN validated THEN exit 1 naming the field, no crash', async (name) => {
    const [definition, field] = CORPUS[name] as [unknown, string];
    const file = join(ws.path, `${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
    writeFileSync(file, JSON.stringify(definition));
    const r = await cli(['validate', file, '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|TypeError|RangeError|Cannot read properties/);
    const result = JSON.parse(r.stdout) as { valid: boolean; errors: { path: string; message: string }[] };
    expect(result.valid).toBe(false);
    // Long paths are shortened with an ellipsis; the schema's paths start with a dot.
    expect(result.errors.map((e) => e.path.replace(/^\./, '')).some((p) => p === field || (p.endsWith('…') && field.startsWith(p.slice(0, 40)))), JSON.stringify(result.errors)).toBe(true);
  });
});

describe('pipeline settings CreatePipeline would reject', () => {
  const module = (name: string, parallel: string) => {
    const file = join(ws.path, `settings-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(
      file,
      `import { Pipeline, ProcessingStep } from 'sagepipe';
export default (ctx) => new Pipeline({ name: ${JSON.stringify(name)}, parallelismConfiguration: { maxParallelExecutionSteps: ${parallel} }, defaultBucket: ctx.defaultBucket, steps: [
  new ProcessingStep({ name: 'A', processor: { imageUri: ctx.imageUri('node'), instanceType: 'ml.m5.large', roleArn: ctx.roleArn } }) ] });\n`,
    );
    return file;
  };

  it('GIVEN a pipeline name with characters SageMaker rejects WHEN validated THEN exit 1 naming PipelineName', async () => {
    const r = await cli(['validate', module('my_pipeline.v2', '2')], { cwd: REPO_ROOT });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/PipelineName: "my_pipeline\.v2" is not a pipeline name SageMaker accepts/);
  });

  it('GIVEN MaxParallelExecutionSteps "abc" from a JavaScript module WHEN validated THEN exit 1 naming the field', async () => {
    const r = await cli(['validate', module('ok-name', '"abc"')], { cwd: REPO_ROOT });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/ParallelismConfiguration\.MaxParallelExecutionSteps: "abc" is not a whole number of at least 1/);
  });

  it('GIVEN a .json whose file name is not a valid pipeline name WHEN validated THEN exit 1 saying to give --name', async () => {
    const file = join(ws.path, 'bad name.json');
    writeFileSync(file, JSON.stringify(base([processingStep('A')])));
    const r = await cli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PipelineName: "bad name" is not a pipeline name .*give one with --name/);
  });
});
