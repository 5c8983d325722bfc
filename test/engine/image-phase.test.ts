/** The image-build phase: missing images are built after the start and before the first step, reported on their own. */
import { describe, expect, it } from 'vitest';
import type { ImagePlan } from '../../src/engine/backend.ts';
import { deferred, flush } from '../helpers/deferred.ts';
import { definition, harness, processingStep, runToEnd } from './helpers.ts';

const images: ImagePlan[] = [
  { StepName: 'a', Requested: 'aws/sagepipe-xgboost:0.1.0', Local: 'sagepipe-xgboost:0.1.0-cccccccccccc' },
  { StepName: 'b', Requested: 'aws/sagepipe-xgboost:0.1.0', Local: 'sagepipe-xgboost:0.1.0-cccccccccccc' },
];

describe('the image-build phase', () => {
  it('GIVEN a missing image WHEN the execution starts THEN it is built before any step starts, reported as its own phase and kept in the record', async () => {
    const h = harness();
    h.backend.prepare = async () => ({ images });
    const build = deferred<void>();
    h.backend.provisionImages = async (planned, report) => {
      expect(planned).toEqual(images);
      report.started('sagepipe-xgboost:0.1.0-cccccccccccc', ['a', 'b']);
      report.log('sagepipe-xgboost:0.1.0-cccccccccccc', 'Step 1/9 : FROM sagepipe-base:python-bookworm');
      await build.promise;
      h.clock.time += 12_300;
      report.finished('sagepipe-xgboost:0.1.0-cccccccccccc', 12_300, undefined);
    };
    const handle = await h.engine.launch({ loaded: definition([processingStep('a'), processingStep('b', { dependsOn: ['a'] })]), pipelineName: 'p' });
    await h.waitForEvent((e) => e.type === 'imageBuildLog');
    await flush();
    // While the image builds, no job has started.
    expect(h.backend.calls).toEqual([]);
    expect(h.events.map((e) => e.type)).toEqual(['executionStarted', 'imagesResolved', 'imageBuildStarted', 'imageBuildLog']);
    build.resolve();
    const record = await handle.done;
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    const types = h.events.map((e) => e.type);
    expect(types.indexOf('imageBuildFinished')).toBeLessThan(types.indexOf('stepStarted'));
    expect(h.events.find((e) => e.type === 'imageBuildFinished')).toEqual({ type: 'imageBuildFinished', image: 'sagepipe-xgboost:0.1.0-cccccccccccc', durationMs: 12_300, failureReason: undefined });
    expect(record.ImageBuilds).toEqual([
      { Image: 'sagepipe-xgboost:0.1.0-cccccccccccc', StepNames: ['a', 'b'], StartTime: '2026-01-01T00:00:00.000Z', EndTime: '2026-01-01T00:00:12.300Z', Status: 'Succeeded' },
    ]);
    // The step's own time starts after the build.
    expect(record.Steps.find((s) => s.StepName === 'a')?.StartTime).toBe('2026-01-01T00:00:12.300Z');
    expect((await h.store.load(record.PipelineExecutionId)).record.ImageBuilds).toEqual(record.ImageBuilds);
  });

  it('GIVEN a build that fails THEN the failure is reported and recorded, and the steps still run (the backend fails the ones that need it)', async () => {
    const h = harness();
    h.backend.prepare = async () => ({ images });
    h.backend.provisionImages = async (_planned, report) => {
      report.started('sagepipe-xgboost:0.1.0-cccccccccccc', ['a']);
      report.finished('sagepipe-xgboost:0.1.0-cccccccccccc', 5, 'mmdebstrap failed');
    };
    const record = await runToEnd(h.engine, { loaded: definition([processingStep('a')]), pipelineName: 'p' });
    expect(record.ImageBuilds).toMatchObject([{ Image: 'sagepipe-xgboost:0.1.0-cccccccccccc', Status: 'Failed', FailureReason: 'mmdebstrap failed' }]);
    expect(h.events.find((e) => e.type === 'imageBuildFinished')).toMatchObject({ failureReason: 'mmdebstrap failed' });
    expect(h.backend.calls.map((c) => c.step)).toEqual(['a']);
  });

  it('GIVEN a stop asked from elsewhere while an image builds THEN no step starts and the execution ends Stopped', async () => {
    const h = harness();
    h.backend.prepare = async () => ({ images });
    h.backend.provisionImages = async (_planned, report) => {
      report.started('sagepipe-xgboost:0.1.0-cccccccccccc', ['a']);
      await h.store.requestStop('exec1');
      report.finished('sagepipe-xgboost:0.1.0-cccccccccccc', 5, undefined);
    };
    const record = await runToEnd(h.engine, { loaded: definition([processingStep('a'), processingStep('b', { dependsOn: ['a'] })]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Stopped');
    expect(h.backend.calls).toEqual([]);
    expect(record.ImageBuilds).toMatchObject([{ Status: 'Succeeded' }]);
  });

  it('GIVEN every image present THEN nothing is reported and the record has no ImageBuilds', async () => {
    const h = harness();
    h.backend.prepare = async () => ({ images });
    let asked = 0;
    h.backend.provisionImages = async () => {
      asked++;
    };
    const record = await runToEnd(h.engine, { loaded: definition([processingStep('a')]), pipelineName: 'p' });
    expect(asked).toBe(1);
    expect(record.ImageBuilds).toBeUndefined();
    expect(h.events.some((e) => e.type.startsWith('imageBuild'))).toBe(false);
  });
});
