import { afterEach, describe, expect, it } from 'vitest';
import { deferred, until } from '../helpers/deferred.ts';
import { definition, harness, outputOf, processingStep, runToEnd } from './helpers.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h?.dir.remove());

const diamond = () =>
  definition([
    processingStep('A'),
    processingStep('B', { input: outputOf('A') }),
    processingStep('C', { input: outputOf('A') }),
    processingStep('D', { dependsOn: ['B', 'C'] }),
  ]);

describe('scheduling', () => {
  it('GIVEN a diamond graph WHEN run THEN its two middle steps run at the same time', async () => {
    h = harness();
    const b = h.backend.hold('B');
    const c = h.backend.hold('C');
    const done = runToEnd(h.engine, { loaded: diamond(), pipelineName: 'p', maxParallelExecutionSteps: 4 });
    await until(() => h.backend.running === 2);
    expect(h.backend.stepsCalled()).toEqual(['A', 'B', 'C']);
    b.resolve();
    c.resolve();
    const record = await done;
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(h.backend.maxRunning).toBe(2);
    expect(h.backend.stepsCalled().at(-1)).toBe('D');
  });

  it('GIVEN MaxParallelExecutionSteps 1 WHEN the diamond runs THEN no two steps overlap', async () => {
    h = harness();
    const record = await runToEnd(h.engine, { loaded: diamond(), pipelineName: 'p', maxParallelExecutionSteps: 1 });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(h.backend.maxRunning).toBe(1);
    expect(h.backend.stepsCalled()).toEqual(['A', 'B', 'C', 'D']);
  });

  it('GIVEN a failing step WHEN its sibling is still running THEN the sibling finishes, nothing new starts, and the execution fails', async () => {
    h = harness();
    const c = h.backend.hold('C');
    h.backend.failures.set('B', { kind: 'AlgorithmError', times: 1, reason: 'exit code 1' });
    const done = runToEnd(h.engine, { loaded: diamond(), pipelineName: 'p', maxParallelExecutionSteps: 4 });
    await h.waitForEvent((e) => e.type === 'stepFailed');
    c.resolve();
    const record = await done;
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.FailureReason).toBe("Step failure: step 'B' failed: exit code 1");
    expect(record.Steps.map((s) => [s.StepName, s.StepStatus])).toEqual([
      ['A', 'Succeeded'],
      ['B', 'Failed'],
      ['C', 'Succeeded'],
    ]);
    expect(record.NotExecutedSteps).toEqual([{ StepName: 'D', Reason: "depends on 'B', which failed" }]);
  });

  it('GIVEN a running execution WHEN stopped THEN running jobs end and it is Stopped', async () => {
    h = harness();
    h.backend.hold('B');
    h.backend.hold('C');
    const controller = new AbortController();
    const done = runToEnd(h.engine, { loaded: diamond(), pipelineName: 'p', signal: controller.signal });
    await until(() => h.backend.running === 2);
    controller.abort();
    const record = await done;
    expect(record.PipelineExecutionStatus).toBe('Stopped');
    expect(record.Steps.filter((s) => s.StepStatus === 'Stopped').map((s) => s.StepName)).toEqual(['B', 'C']);
    expect((await h.store.load(record.PipelineExecutionId)).record.PipelineExecutionStatus).toBe('Stopped');
  });

  it('GIVEN events WHEN a step runs THEN its log lines reach the sink and the step log file', async () => {
    h = harness();
    const record = await runToEnd(h.engine, { loaded: definition([processingStep('A')]), pipelineName: 'p' });
    expect(h.events.find((e) => e.type === 'stepLog')).toMatchObject({ step: 'A', line: expect.stringMatching(/^running pipelines-exec1-A-/) });
    expect(await h.store.readLog(record.PipelineExecutionId, 'A')).toMatch(/^running pipelines-exec1-A-/);
    expect(h.events.map((e) => e.type)).toEqual(['executionStarted', 'stepStarted', 'stepLog', 'stepSucceeded', 'executionFinished']);
  });

  it('GIVEN a deferred helper THEN it resolves from outside (sanity of the test tools)', async () => {
    const d = deferred<number>();
    d.resolve(3);
    expect(await d.promise).toBe(3);
  });
});
