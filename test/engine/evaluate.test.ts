import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../src/definition/expressions.ts';
import type { Json } from '../../src/definition/types.ts';
import { type EvaluationScope, evaluate } from '../../src/engine/evaluate.ts';
import { isSagepipeError } from '../../src/errors.ts';

const scope = (files: Record<string, Json> = {}): EvaluationScope => ({
  parameters: new Map<string, string | number | boolean>([['Bucket', 'b'], ['Count', 3]]),
  execution: (name) => (name === 'PipelineExecutionId' ? 'exec-1' : undefined),
  stepProperties: (step) => (step === 'prep' ? { ProcessingOutputConfig: { Outputs: [{ OutputName: 'train', S3Output: { S3Uri: 's3://b/train' } }] } } : undefined),
  readPropertyFile: async (step, file) => {
    const doc = files[`${step}/${file}`];
    if (doc === undefined) throw new Error(`no ${file}`);
    return doc;
  },
});

const parsed = (value: Json) => parseExpr(value, 'Steps[0].Arguments', { issues: [], references: [] });

describe('substituting a parsed expression', () => {
  it('GIVEN arguments with references at several depths WHEN evaluated THEN each position is filled, the definition is unchanged and untouched parts are shared', async () => {
    const untouched = { Image: 'img', Entrypoint: ['node', 'a.mjs'] };
    const args: Json = {
      App: untouched,
      Inputs: [
        { Name: 'a', Uri: { Get: "Steps.prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" } },
        { Name: 'b', Uri: { 'Std:Join': { On: '/', Values: ['s3:/', { Get: 'Parameters.Bucket' }, { Get: 'Execution.PipelineExecutionId' }] } } },
      ],
      Count: { Get: 'Parameters.Count' },
    };
    const before = JSON.stringify(args);
    const out = (await evaluate(parsed(args), scope())) as { [key: string]: Json };
    expect(out).toEqual({
      App: untouched,
      Inputs: [
        { Name: 'a', Uri: 's3://b/train' },
        { Name: 'b', Uri: 's3://b/exec-1' },
      ],
      Count: 3,
    });
    expect(JSON.stringify(args)).toBe(before);
    expect(out.App).toBe(untouched);
  });

  it('GIVEN a Std:JsonGet WHEN evaluated THEN the property file is read and the path followed; a missing field names the reference', async () => {
    const get = { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.eval.PropertyFiles.Report' }, Path: 'metrics.accuracy.value' } };
    const files = { 'eval/Report': { metrics: { accuracy: { value: 0.87 } } } };
    expect(await evaluate(parsed({ Threshold: get }), scope(files))).toEqual({ Threshold: 0.87 });
    const missing = { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.eval.PropertyFiles.Report' }, Path: 'metrics.recall' } };
    const error = await evaluate(parsed(missing), scope(files)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isSagepipeError(error) && error.code).toBe('REFERENCE_UNRESOLVED');
    expect((error as Error).message).toBe(`cannot resolve ${JSON.stringify(missing)}: property file Report: $.metrics has no field 'recall'`);
  });

  it('GIVEN a reference to a step that has not succeeded WHEN evaluated THEN the error names it', async () => {
    const error = await evaluate(parsed({ X: { Get: 'Steps.train.ModelArtifacts.S3ModelArtifacts' } }), scope()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe(`cannot resolve {"Get":"Steps.train.ModelArtifacts.S3ModelArtifacts"}: step 'train' has not succeeded in this execution`);
  });
});
