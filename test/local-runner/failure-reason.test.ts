/**
 * A failed step says why in terms users can act on: the script's own error and the TypeScript file and line it came
 * from (source maps), never a stack frame or a 160 KB minified line, with where the whole log is; a retry after the
 * script changed on disk says it runs the code the execution started with.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputDigest } from '../../local-runner/failure-reason.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { runDockerTests } from '../helpers/docker.ts';

describe('the output digest', () => {
  it("GIVEN Node's report of an uncaught error WHEN digested THEN the error line and the user's frame are kept, not the loader's frames", () => {
    const digest = new OutputDigest();
    for (const line of [
      'file:///opt/ml/processing/input/code/boom.mjs:5',
      '  if (rows.length === 0) throw new Error("no rows");',
      '                               ^',
      '',
      'Error: no rows',
      '    at check (/opt/ml/processing/input/code/boom.ts:6:32)',
      '    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)',
      '    at async asyncRunEntryPointWithESMLoader (node:internal/modules/run_main:117:5)',
      '',
      'Node.js v20.20.2',
    ]) {
      digest.feed(line, 'stderr');
    }
    expect(digest.summary()).toEqual({ kind: 'error', text: 'Error: no rows (at /opt/ml/processing/input/code/boom.ts:6:32)' });
  });

  it("GIVEN Python's traceback WHEN digested THEN its exception line is kept", () => {
    const digest = new OutputDigest();
    for (const line of ['Traceback (most recent call last):', '  File "/opt/ml/code/train.py", line 3, in <module>', '    raise ValueError("eta must be positive")', 'ValueError: eta must be positive']) {
      digest.feed(line, 'stderr');
    }
    expect(digest.summary().text).toBe('ValueError: eta must be positive');
  });
});

describe.each([['process', true] as const, ['docker', runDockerTests] as const])('failure reasons with the %s runtime', (runtime, enabled) => {
  const ws = tempDir(`sagepipe-reason-${runtime}-`);
  afterAll(() => ws.remove());
  // A copy of the pipeline, so the test can change its script.
  for (const f of ['boom.ts', 'boom-step.ts']) cpSync(join(REPO_ROOT, 'test/fixtures/pipelines', f), join(ws.path, f));
  const run = (...extra: string[]) => cli(['run', join(ws.path, 'boom.ts'), '--runtime', runtime, '--workspace', join(ws.path, 'w'), '--json', '--no-logs', ...extra], { cwd: REPO_ROOT });

  it.runIf(enabled)('GIVEN a script that throws WHEN run THEN the reason is its error at the TypeScript line, with where the log is', async () => {
    const r = await run();
    expect(r.code).toBe(1);
    const step = JSON.parse(r.stdout).Steps[0];
    expect(step.FailureReason).toMatch(
      /^AlgorithmError: Error: no rows in the input: expected train\.csv \(at \S*boom-step\.ts:6:\d+\) \(exit code 1; full log: sagepipe executions logs [a-z0-9]{12} boom; job folder kept at /,
    );
    expect(step.FailureReason).not.toMatch(/asyncRunEntryPointWithESMLoader|ModuleJob/);
  }, 60_000);

  it.runIf(enabled)('GIVEN a script that prints a 160 KB line before failing WHEN run THEN the reason stays short', async () => {
    const r = await run('--param', 'Mode=dump');
    const reason: string = JSON.parse(r.stdout).Steps[0].FailureReason;
    expect(reason).toMatch(/^AlgorithmError: Error: no rows in the input/);
    expect(reason.length).toBeLessThan(1000);
  }, 60_000);

  it.runIf(enabled && runtime === 'process')('GIVEN the script was fixed on disk WHEN the failed execution is retried THEN a notice says the retry runs the old code', async () => {
    const failed = JSON.parse((await run()).stdout);
    const script = join(ws.path, 'boom-step.ts');
    writeFileSync(script, readFileSync(script, 'utf8').replace('check([]);', 'check([{ label: 1 }]);'));
    const retried = await cli(['executions', 'retry', failed.PipelineExecutionId, '--runtime', runtime, '--workspace', join(ws.path, 'w'), '--no-logs']);
    expect(retried.stderr).toContain(`notice: ${script} changed since execution ${failed.PipelineExecutionId} started; a retry runs the code that execution started with`);
  }, 60_000);
});
