/** The run's screen output for the image-build phase: its own lines and time, apart from every step's. */
import { describe, expect, it } from 'vitest';
import { RunDisplay } from '../../../src/cli/render/run-display.ts';
import { summaryLines } from '../../../src/cli/render/summary.ts';
import type { ExecutionRecord } from '../../../src/engine/records.ts';

function display(logs: boolean) {
  let text = '';
  let now = 1_000;
  const io = { out: () => undefined, err: (t: string) => (text += t), interactive: false, env: {}, cwd: '/' };
  const d = new RunDisplay(io, { logs, live: false, now: () => now });
  return { d, text: () => text, advance: (ms: number) => (now += ms) };
}

const started = { type: 'executionStarted', executionId: 'e1', executionArn: 'arn:e1', pipelineName: 'p', steps: [{ name: 'train', type: 'Training' }], retry: false } as const;

describe('the image-build phase on screen', () => {
  it('GIVEN a missing image WHEN the run builds it THEN it says so before the first step, with its progress and its own time', () => {
    const s = display(true);
    s.d.handle(started);
    s.d.handle({ type: 'imageBuildStarted', image: 'sagepipe-xgboost:0.1.0-cccccccccccc', steps: ['train'] });
    s.d.handle({ type: 'imageBuildLog', image: 'sagepipe-xgboost:0.1.0-cccccccccccc', line: 'Step 1/9 : FROM sagepipe-base:python-bookworm' });
    s.advance(12_300);
    s.d.handle({ type: 'imageBuildFinished', image: 'sagepipe-xgboost:0.1.0-cccccccccccc', durationMs: 12_300, failureReason: undefined });
    s.d.handle({ type: 'stepStarted', step: 'train', stepType: 'Training', attempt: 1, at: '' });
    s.advance(2_000);
    s.d.handle({ type: 'stepSucceeded', step: 'train', durationMs: 2_000, properties: {}, cached: false });
    expect(s.text().split('\n')).toEqual([
      'Running p — execution e1',
      '▶ building image sagepipe-xgboost:0.1.0-cccccccccccc (missing; for train) before the first step',
      '  image sagepipe-xgboost:0.1.0-cccccccccccc | Step 1/9 : FROM sagepipe-base:python-bookworm',
      '✔ built image sagepipe-xgboost:0.1.0-cccccccccccc (12.3 s)',
      '▶ train started',
      '✔ train succeeded (2.0 s)',
      '',
    ]);
  });

  it('GIVEN --no-logs and a build that fails THEN the progress is left out and the reason is shown', () => {
    const s = display(false);
    s.d.handle(started);
    s.d.handle({ type: 'imageBuildStarted', image: 'sagepipe-node:0.1.0-aaaaaaaaaaaa', steps: ['train'] });
    s.d.handle({ type: 'imageBuildLog', image: 'sagepipe-node:0.1.0-aaaaaaaaaaaa', line: 'Step 1/3' });
    s.advance(400);
    s.d.handle({ type: 'imageBuildFinished', image: 'sagepipe-node:0.1.0-aaaaaaaaaaaa', durationMs: 400, failureReason: 'no Docker daemon' });
    expect(s.text()).not.toContain('Step 1/3');
    expect(s.text()).toContain('✖ image sagepipe-node:0.1.0-aaaaaaaaaaaa could not be built (400 ms): no Docker daemon');
  });

  it('GIVEN an execution that built an image THEN the summary says how much of its time was the build', () => {
    const record = {
      PipelineName: 'p',
      PipelineExecutionId: 'e1',
      PipelineExecutionStatus: 'Succeeded',
      StartTime: '2026-01-01T00:00:00.000Z',
      EndTime: '2026-01-01T00:00:15.000Z',
      Steps: [],
      NotExecutedSteps: [],
      ImageBuilds: [{ Image: 'sagepipe-xgboost:0.1.0-cccccccccccc', StepNames: ['train'], StartTime: '2026-01-01T00:00:00.100Z', EndTime: '2026-01-01T00:00:12.400Z', Status: 'Succeeded' }],
    } as unknown as ExecutionRecord;
    expect(summaryLines(record, [])[1]).toBe('✔ p Succeeded in 15.0 s, of which 12.3 s building an image — execution e1');
  });
});
