/** Engine.launch: the execution handle — recorded before it ends, its own events, and stop(). */
import { afterAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../src/engine/handle.ts';
import { definition, harness, processingStep, runToEnd } from './helpers.ts';

describe('the execution handle', () => {
  const h = harness();
  afterAll(() => h.dir.remove());

  it('GIVEN a held step WHEN launched THEN the handle comes back with a recorded Executing execution before it ends', async () => {
    const release = h.backend.hold('a');
    const handle = await h.engine.launch({ loaded: definition([processingStep('a')]), pipelineName: 'p' });
    expect(handle.executionId).toBe('exec1');
    expect(handle.executionArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/exec1');
    expect((await h.store.load('exec1')).record.PipelineExecutionStatus).toBe('Executing');
    release.resolve();
    expect((await handle.done).PipelineExecutionStatus).toBe('Succeeded');
    const types: string[] = [];
    for await (const e of handle.events) types.push(e.type);
    expect(types[0]).toBe('executionStarted');
    expect(types.at(-1)).toBe('executionFinished');
    expect(types).toContain('stepSucceeded');
  });

  it('GIVEN a running execution WHEN its handle is stopped THEN it ends Stopped', async () => {
    h.backend.hold('b');
    const handle = await h.engine.launch({ loaded: definition([processingStep('b')]), pipelineName: 'p' });
    await h.waitForEvent((e) => e.type === 'stepStarted' && e.step === 'b');
    handle.stop();
    const record = await handle.done;
    expect(record.PipelineExecutionStatus).toBe('Stopped');
    expect(record.Steps.find((s) => s.StepName === 'b')?.StepStatus).toBe('Stopped');
  });

  it('GIVEN an unknown selected step WHEN launched THEN launch itself rejects and nothing is recorded', async () => {
    const first = await runToEnd(h.engine, { loaded: definition([processingStep('c')]), pipelineName: 'q' });
    await expect(h.engine.launch({ loaded: definition([processingStep('c')]), pipelineName: 'q', selective: { sourceExecutionId: first.PipelineExecutionId, steps: ['nope'] } })).rejects.toThrow(
      /no step named 'nope'/,
    );
    expect((await h.store.list({ pipelineName: 'q' })).executions).toHaveLength(1);
  });
});

describe('EventStream', () => {
  it('GIVEN two readers, one joining late WHEN items are pushed and the stream ends THEN both read every item in order', async () => {
    const stream = new EventStream<number>();
    const early = (async () => {
      const got: number[] = [];
      for await (const n of stream) got.push(n);
      return got;
    })();
    stream.push(1);
    stream.push(2);
    const late = (async () => {
      const got: number[] = [];
      for await (const n of stream) got.push(n);
      return got;
    })();
    stream.push(3);
    stream.end();
    stream.push(4);
    expect(await early).toEqual([1, 2, 3]);
    expect(await late).toEqual([1, 2, 3]);
  });
});
