/** The exit-code rule holds across commands, and a reader that stops early (`| head`) gets no stack trace. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';

const ws = tempDir('sagepipe-exit-');
afterAll(() => ws.remove());
const ID = 'exitcodes000';

// One finished execution with a large log.
const dir = join(ws.path, 'executions', ID);
mkdirSync(join(dir, 'logs'), { recursive: true });
writeFileSync(join(dir, 'definition.json'), JSON.stringify({ Version: '2020-12-01', Steps: [] }));
writeFileSync(
  join(dir, 'execution.json'),
  JSON.stringify({
    PipelineArn: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/p',
    PipelineName: 'p',
    PipelineExecutionArn: `arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/${ID}`,
    PipelineExecutionId: ID,
    PipelineExecutionDisplayName: 'x',
    PipelineExecutionStatus: 'Succeeded',
    CreationTime: '2026-01-01T00:00:00.000Z',
    LastModifiedTime: '2026-01-01T00:00:00.000Z',
    PipelineParameters: [],
    ParallelismConfiguration: { MaxParallelExecutionSteps: 2 },
    Steps: [{ StepName: 'a', StepType: 'Processing', StepStatus: 'Succeeded', AttemptCount: 1, Metadata: {} }],
    NotExecutedSteps: [],
    RetryCount: 0,
  }),
);
writeFileSync(join(dir, 'logs', 'a.log'), 'a line of output\n'.repeat(200_000));

describe('exit codes', () => {
  it('GIVEN things that do not exist WHEN named THEN both an unknown execution and an unknown step exit 1', async () => {
    const execution = await cli(['executions', 'describe', 'nope', '--workspace', ws.path]);
    const step = await cli(['executions', 'logs', ID, 'nosuch', '--workspace', ws.path]);
    expect([execution.code, step.code]).toEqual([1, 1]);
    expect(step.stderr).toContain(`execution ${ID} has no step 'nosuch' that ran (steps: a)`);
  });

  it('GIVEN a malformed --param and an invalid --param value WHEN run THEN both are usage errors (exit 2)', async () => {
    const malformed = await cli(['run', 'examples/adult/pipeline.ts', '--param', 'X', '--workspace', ws.path], { cwd: REPO_ROOT });
    const invalid = await cli(['run', 'examples/adult/pipeline.ts', '--param', 'ProcessingInstanceCount=abc', '--runtime', 'process', '--workspace', ws.path], { cwd: REPO_ROOT });
    expect([malformed.code, invalid.code]).toEqual([2, 2]);
  });

  it('GIVEN output piped to `head -1` WHEN the reader stops THEN sagepipe ends quietly, exit 0, no EPIPE trace', () => {
    const out = execFileSync('bash', ['-c', `set -o pipefail; node bin/sagepipe.js executions logs ${ID} a --workspace ${ws.path} 2>stderr.txt | head -1; echo "exit=$?"; cat stderr.txt; rm stderr.txt`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(out).toBe('a line of output\nexit=0\n');
  });
});
