/** The backend prepares a run before anything is recorded or started: its refusal stops the start, its images are reported. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import { definition, harness, processingStep, runToEnd } from './helpers.ts';

describe('preparing a run', () => {
  it('GIVEN a backend that refuses the definition WHEN started THEN the start fails, no execution is recorded and no job runs', async () => {
    const h = harness();
    h.backend.prepare = async () => {
      throw new SagepipeError(ErrorCode.ImageUnavailable, 'step a: image x has no local stand-in');
    };
    await expect(runToEnd(h.engine, { loaded: definition([processingStep('a')]), pipelineName: 'p' })).rejects.toThrow('step a: image x has no local stand-in');
    expect(h.backend.calls).toEqual([]);
    expect(h.events).toEqual([]);
    expect((await h.store.list()).executions).toEqual([]);
  });

  it('GIVEN the images the backend resolved WHEN started THEN they are reported after the start and kept in the record', async () => {
    const h = harness();
    const images = [{ StepName: 'a', Requested: 'aws/sagemaker-xgboost:1.7-1', Local: 'sagepipe-xgboost:0.1.0', Substitution: 'sagemaker-xgboost:1.7-1 → sagepipe-xgboost (xgboost 1.7.4)' }];
    let seenParameters: ReadonlyMap<string, unknown> | undefined;
    h.backend.prepare = async (_definition, parameters) => {
      seenParameters = parameters;
      return { images };
    };
    const record = await runToEnd(h.engine, { loaded: definition([processingStep('a')], [{ Name: 'Image', Type: 'String', DefaultValue: 'img' }]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.Images).toEqual(images);
    expect(seenParameters?.get('Image')).toBe('img');
    expect(h.events.slice(0, 2).map((e) => e.type)).toEqual(['executionStarted', 'imagesResolved']);
  });
});
