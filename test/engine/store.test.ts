/** The execution record as a journal of changes: readers see every complete append, the end compacts it away. */
import { existsSync, appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord, StepRecord } from '../../src/engine/records.ts';
import { ExecutionStore } from '../../src/engine/store.ts';
import { tempDir } from '../helpers/context.ts';
import { until } from '../helpers/deferred.ts';
import { definition, harness, outputOf, processingStep, runToEnd } from './helpers.ts';

let dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs) d.remove();
  dirs = [];
});

function record(id: string): ExecutionRecord {
  return {
    PipelineArn: 'arn:aws:sagemaker:eu-west-1:123456789012:pipeline/p',
    PipelineExecutionArn: `arn:aws:sagemaker:eu-west-1:123456789012:pipeline/p/execution/${id}`,
    PipelineExecutionId: id,
    PipelineName: 'p',
    PipelineExecutionStatus: 'Executing',
    CreationTime: '2026-01-01T00:00:00.000Z',
    LastModifiedTime: '2026-01-01T00:00:00.000Z',
    Steps: [],
    NotExecutedSteps: [],
  } as unknown as ExecutionRecord;
}

const step = (name: string, status: string): StepRecord => ({ StepName: name, StepType: 'Processing', StepStatus: status, AttemptCount: 1, Metadata: {} }) as unknown as StepRecord;

describe('the execution journal', () => {
  it('GIVEN a saved record and appended changes WHEN read THEN load and list see the latest of each step, and a torn last line is ignored', async () => {
    const dir = tempDir('sagepipe-journal-');
    dirs.push(dir);
    const store = new ExecutionStore(dir.path);
    await store.create(record('e1'), { Version: '2020-12-01', Steps: [] } as never);
    const { Steps: _s, NotExecutedSteps: _n, ...header } = record('e1');
    await store.appendJournal('e1', [{ h: header }, { s: step('A', 'Executing') }, { s: step('B', 'Executing') }]);
    await store.appendJournal('e1', [{ h: { ...header, PipelineExecutionStatus: 'Failed' } }, { s: step('A', 'Succeeded') }, { n: { StepName: 'C', Reason: 'r' } }]);
    appendFileSync(join(dir.path, 'executions/e1/journal.jsonl'), '{"s": {"StepName": "B", "StepSta');
    const loaded = (await store.load('e1')).record;
    expect(loaded.PipelineExecutionStatus).toBe('Failed');
    expect(loaded.Steps.map((s) => [s.StepName, s.StepStatus])).toEqual([['A', 'Succeeded'], ['B', 'Executing']]);
    expect(loaded.NotExecutedSteps).toEqual([{ StepName: 'C', Reason: 'r' }]);
    expect((await store.list()).executions[0]).toEqual(loaded);
  });

  it('GIVEN a journal WHEN the whole record is saved THEN the journal is gone and the record reads the same', async () => {
    const dir = tempDir('sagepipe-journal-');
    dirs.push(dir);
    const store = new ExecutionStore(dir.path);
    const r = record('e2');
    await store.create(r, { Version: '2020-12-01', Steps: [] } as never);
    await store.appendJournal('e2', [{ s: step('A', 'Succeeded') }]);
    const before = (await store.load('e2')).record;
    await store.save(before);
    expect(existsSync(join(dir.path, 'executions/e2/journal.jsonl'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir.path, 'executions/e2/execution.json'), 'utf8'))).toEqual(before);
    // A crash between the two writes leaves the old journal: it reapplies to the same state.
    await store.appendJournal('e2', [{ s: step('A', 'Succeeded') }]);
    expect((await store.load('e2')).record).toEqual(before);
  });

  it('GIVEN a running execution WHEN its record is read mid-run THEN the running step shows as Executing; at the end the record is compacted', async () => {
    const h = harness();
    dirs.push(h.dir);
    const b = h.backend.hold('B');
    const done = runToEnd(h.engine, { loaded: definition([processingStep('A'), processingStep('B', { input: outputOf('A') })]), pipelineName: 'p' });
    await until(() => h.backend.running === 1 && h.backend.stepsCalled().includes('B'));
    await until(() => existsSync(join(h.dir.path, 'executions/exec1/journal.jsonl')) && readFileSync(join(h.dir.path, 'executions/exec1/journal.jsonl'), 'utf8').includes('"StepName":"B"'));
    const mid = (await h.store.load('exec1')).record;
    expect(mid.Steps.map((s) => [s.StepName, s.StepStatus])).toEqual([['A', 'Succeeded'], ['B', 'Executing']]);
    b.resolve();
    const final = await done;
    expect(existsSync(join(h.dir.path, 'executions/exec1/journal.jsonl'))).toBe(false);
    expect((await h.store.load('exec1')).record).toEqual(JSON.parse(JSON.stringify(final)));
  });
});
