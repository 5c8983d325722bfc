/** `sagepipe executions callback` and `--callback-timeout`: answering a waiting Callback step from the command line. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/context.ts';

const ws = tempDir('sagepipe-callback-');
afterAll(() => ws.remove());
const pipeline = join(ws.path, 'gate.json');
writeFileSync(
  pipeline,
  JSON.stringify({
    Version: '2020-12-01',
    Steps: [{ Name: 'Gate', Type: 'Callback', SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q', OutputParameters: [{ OutputName: 'ok', OutputType: 'Boolean' }], Arguments: { a: 1 } }],
  }),
);

describe('sagepipe executions callback', () => {
  it('GIVEN no answer WHEN the --callback-timeout passes THEN the run fails saying the token was not answered', async () => {
    const run = await cli(['run', pipeline, '--runtime', 'process', '--workspace', ws.path, '--json', '--callback-timeout', '1'], { cwd: ws.path });
    expect(run.code).toBe(1);
    const record = JSON.parse(run.stdout);
    const token = record.Steps[0].Metadata.Callback.CallbackToken;
    expect(record.Steps[0].FailureReason).toBe(`the callback token ${token} was not answered within 1 s (SendPipelineExecutionStepSuccess / SendPipelineExecutionStepFailure)`);
    expect(run.stderr).toContain(`⏸ Gate waits for a callback: token ${token}, arguments {"a":1}`);
    // Its token can no longer be answered.
    const late = await cli(['executions', 'callback', token, '--success', '--workspace', ws.path]);
    expect(late.code).not.toBe(0);
    expect(late.stderr).toMatch(/is Failed: its token can no longer be answered/);
  }, 60_000);

  it('GIVEN bad flags WHEN answering THEN usage errors say what is expected', async () => {
    expect((await cli(['executions', 'callback', 'abc', '--workspace', ws.path])).stderr).toMatch(/exactly one of --success and --failure/);
    expect((await cli(['executions', 'callback', 'abc', '--success', '--output', 'novalue', '--workspace', ws.path])).stderr).toMatch(/--output must be name=value/);
    expect((await cli(['executions', 'callback', 'abc', '--failure', '--workspace', ws.path])).stderr).toMatch(/no Callback step is waiting on token 'abc'/);
    expect((await cli(['run', pipeline, '--workspace', ws.path, '--callback-timeout', 'soon'])).stderr).toMatch(/--callback-timeout must be seconds or an ISO-8601 duration/);
  });
});
