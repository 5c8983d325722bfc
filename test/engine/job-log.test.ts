/** A step's log is streamed to one file, capped, keeping its head and its tail. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { ExecutionStore } from '../../src/engine/store.ts';
import { JobLog } from '../../src/engine/job-log.ts';
import type { JobContext } from '../../src/engine/backend.ts';
import { tempDir } from '../helpers/context.ts';
import { FakeBackend } from '../helpers/fake-backend.ts';
import { definition, processingStep, runToEnd } from './helpers.ts';

const ws = tempDir('sagepipe-joblog-');
afterAll(() => ws.remove());

describe('the job log', () => {
  it('GIVEN 100,000 lines over a 64 KiB cap WHEN written THEN the file keeps the first and last lines, says what was left out, and stays near the cap', async () => {
    const path = join(ws.path, 'capped.log');
    const log = new JobLog(path, 64 * 1024);
    for (let i = 0; i < 100_000; i++) log.write(`line ${i} ${'x'.repeat(40)}`);
    await log.close();
    const text = readFileSync(path, 'utf8');
    expect(text.length).toBeLessThan(64 * 1024 + 200);
    expect(text.startsWith(`line 0 ${'x'.repeat(40)}\n`)).toBe(true);
    expect(text.endsWith(`line 99999 ${'x'.repeat(40)}\n`)).toBe(true);
    expect(text).toMatch(/\[sagepipe\] … \d+ lines \(\d+ bytes\) left out: this log keeps its first and last 32768 bytes …\n/);
  });

  it('GIVEN a log under the cap WHEN written THEN every line is there, in order', async () => {
    const path = join(ws.path, 'small.log');
    const log = new JobLog(path, 1024 * 1024);
    for (let i = 0; i < 1000; i++) log.write(`l${i}`);
    await log.close();
    expect(readFileSync(path, 'utf8')).toBe(`${Array.from({ length: 1000 }, (_, i) => `l${i}`).join('\n')}\n`);
  });

  it('GIVEN a job printing far more than the cap WHEN run by the engine THEN its step log is capped with head and tail', async () => {
    class Chatty extends FakeBackend {
      override async runProcessingJob(request: Parameters<FakeBackend['runProcessingJob']>[0], ctx: JobContext) {
        for (let i = 0; i < 50_000; i++) ctx.log(`out ${i}`, 'stdout');
        return super.runProcessingJob(request, ctx);
      }
    }
    const store = new ExecutionStore(join(ws.path, 'store'));
    const engine = new Engine({ backend: new Chatty(), store, maxLogBytes: 16 * 1024, newExecutionId: () => 'chatty000000' });
    const record = await runToEnd(engine, { loaded: definition([processingStep('A')]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    const text = await store.readLog('chatty000000', 'A');
    expect(text.length).toBeLessThan(16 * 1024 + 200);
    expect(text.startsWith('out 0\nout 1\n')).toBe(true);
    expect(text).toMatch(/\nout 49999\nrunning pipelines-\S+\n$/);
    expect(text).toContain('left out');
  });
});
