/** The runner's lease: a dead runner is told from a live one by pid and start time, and its execution recovered. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverAbandoned, takeRunnerLease } from '../../src/engine/runner-lease.ts';
import { ExecutionStore } from '../../src/engine/store.ts';
import type { ExecutionRecord } from '../../src/engine/records.ts';
import { currentProcess, hostId } from '../../src/util/process-identity.ts';
import { tempDir } from '../helpers/context.ts';

const ws = tempDir('sagepipe-lease-');
afterAll(() => ws.remove());
const store = new ExecutionStore(ws.path);

function executing(id: string): ExecutionRecord {
  return {
    PipelineArn: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/p',
    PipelineName: 'p',
    PipelineExecutionArn: `arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/${id}`,
    PipelineExecutionId: id,
    PipelineExecutionDisplayName: 'x',
    PipelineExecutionStatus: 'Executing',
    CreationTime: '2026-01-01T00:00:00.000Z',
    LastModifiedTime: '2026-01-01T00:00:00.000Z',
    PipelineParameters: [],
    ParallelismConfiguration: { MaxParallelExecutionSteps: 2 },
    Steps: [{ StepName: 'a', StepType: 'Processing', StepStatus: 'Executing', AttemptCount: 1, Metadata: {} }],
    NotExecutedSteps: [],
    RetryCount: 0,
    RunnerPid: 1,
  };
}

async function withLease(id: string, holder: object): Promise<void> {
  await store.create(executing(id), { Version: '2020-12-01', Steps: [] } as never);
  mkdirSync(store.dirOf(id), { recursive: true });
  writeFileSync(join(store.dirOf(id), 'runner.lock'), JSON.stringify(holder));
}

describe('the runner lease', () => {
  it('GIVEN an Executing record whose runner pid now belongs to another process (other start time) WHEN looked at THEN it is recovered as Failed and its jobs removed', async () => {
    // pid 1 is alive, but it is not the process that started at "12345".
    await withLease('reusedpid000', { pid: 1, start: '12345', host: hostId(), since: '2026-01-01T00:00:00Z' });
    const removed: string[] = [];
    const { record, recovered } = await recoverAbandoned(store, 'reusedpid000', { removeJobs: async (id) => void removed.push(id) });
    expect(recovered).toBe(true);
    expect(removed).toEqual(['reusedpid000']);
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.Steps[0]?.StepStatus).toBe('Failed');
    expect(record.FailureReason).toMatch(/ended before the execution finished/);
    expect((await store.load('reusedpid000')).record.PipelineExecutionStatus).toBe('Failed');
  });

  it('GIVEN an execution whose runner is alive WHEN looked at THEN it is left running, and another runner gets a conflict', async () => {
    await withLease('liverunner00', { ...currentProcess(), since: '2026-01-01T00:00:00Z', purpose: 'running it' });
    const { record, recovered } = await recoverAbandoned(store, 'liverunner00', { removeJobs: async () => expect.fail('must not remove a live runner\'s jobs') });
    expect([recovered, record.PipelineExecutionStatus]).toEqual([false, 'Executing']);
    await expect(takeRunnerLease(store, 'liverunner00')).rejects.toThrow(/execution liverunner00 is held by process \d+ \(running it\).*only one process runs an execution at a time/);
  });
});
