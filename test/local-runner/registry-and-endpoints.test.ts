/**
 * From a registered model to a working endpoint: approval workflow and local endpoints, after a real run of the
 * reference pipeline; bad input to every command gets a clear error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADULT_CSV, REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { runDockerTests } from '../helpers/docker.ts';

const ws = tempDir('sagepipe-endpoints-');
const w = ['--workspace', ws.path];
let testRows: string[] = [];
let evalPredictions: number[] = [];
const GROUP = 'AdultModelPackageGroupName';

beforeAll(async () => {
  const r = await cli(['run', 'examples/adult/pipeline.ts', '--runtime', 'process', '--no-logs', '--json', '--param', `InputData=${ADULT_CSV}`, ...w], { cwd: REPO_ROOT });
  expect(r.code, r.stderr).toBe(0);
  const record = JSON.parse(r.stdout);
  const out = (step: string) => record.Steps.find((s: { StepName: string }) => s.StepName === step).Properties.ProcessingOutputConfig.Outputs;
  const testUri: string = out('adultProcess').find((o: { OutputName: string }) => o.OutputName === 'test').S3Output.S3Uri;
  const evalUri: string = out('adultEval')[0].S3Output.S3Uri;
  const local = (uri: string) => join(ws.path, 's3', uri.replace('s3://', ''));
  testRows = readFileSync(join(local(testUri), 'test.csv'), 'utf8').split('\n').slice(0, 10);
  evalPredictions = readFileSync(join(local(evalUri), 'predictions.csv'), 'utf8').split('\n').slice(0, 10).map(Number);
  writeFileSync(join(ws.path, 'ten.csv'), `${testRows.map((r) => r.split(',').slice(1).join(',')).join('\n')}\n`);
}, 120_000);
afterAll(async () => {
  for (const name of ['adult-process', 'adult-docker']) await cli(['endpoints', 'delete', name, ...w]);
  ws.remove();
});

describe('the registry workflow', () => {
  it('GIVEN a successful run WHEN listing THEN the new version shows with its accuracy and source execution', async () => {
    const r = await cli(['models', 'list', GROUP, ...w]);
    expect(r.stdout).toMatch(/^AdultModelPackageGroupName\/1 {2}PendingManualApproval +\S+ {2}accuracy=0\.8\d{3} .* execution [a-z0-9]{12}\n$/);
  });

  it('GIVEN a pending version WHEN deployed without approval THEN it is refused and says how to proceed', async () => {
    const r = await cli(['endpoints', 'deploy', `${GROUP}/1`, ...w]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is PendingManualApproval: approve it (sagepipe models approve) or deploy with --allow-unapproved');
  });

  it('GIVEN the version WHEN rejected, approved without and with --force THEN statuses and history follow', async () => {
    expect((await cli(['models', 'reject', `${GROUP}/1`, '--description', 'not yet', ...w])).stdout).toBe(`${GROUP}/1 is Rejected\n`);
    const refused = await cli(['models', 'approve', `${GROUP}/1`, ...w]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is Rejected: approving it needs --force');
    const approved = await cli(['models', 'approve', `${GROUP}/1`, '--force', '--description', 'accuracy 0.87 ok', '--json', ...w]);
    const p = JSON.parse(approved.stdout);
    expect(p.ModelApprovalStatus).toBe('Approved');
    expect(p['sagepipe:ApprovalHistory'].map((h: { From: string; To: string; Description?: string }) => [h.From, h.To, h.Description])).toEqual([
      ['PendingManualApproval', 'Rejected', 'not yet'],
      ['Rejected', 'Approved', 'accuracy 0.87 ok'],
    ]);
  });

  it('GIVEN versions WHEN compared and asked for the latest THEN metrics sit side by side', async () => {
    const compare = await cli(['models', 'compare', GROUP, '1', ...w]);
    expect(compare.stdout).toMatch(/^metric +v1\nstatus +Approved\naccuracy +0\.8\d{3}\n/);
    expect((await cli(['models', 'latest', GROUP, '--approved', ...w])).stdout).toMatch(/\tAdultModelPackageGroupName\/1\tApproved\n$/);
  });

  it.each([
    [['models', 'approve', `${GROUP}/9`], /model package AdultModelPackageGroupName\/9 does not exist/],
    [['models', 'describe', 'garbage'], /'garbage' is not a model package ARN or <group>\/<version>/],
    [['models', 'compare', 'NoSuchGroup'], /model package group 'NoSuchGroup' has no versions/],
    [['models', 'compare', GROUP, 'x'], /'x' is not a version number/],
    [['models', 'latest', 'NoSuchGroup'], /model package group 'NoSuchGroup' has no versions/],
    [['endpoints', 'describe', 'nope'], /no endpoint 'nope'/],
    [['endpoints', 'delete', 'nope'], /no endpoint 'nope'/],
    [['endpoints', 'deploy', 'no-such-model'], /model 'no-such-model' does not exist/],
  ])('GIVEN %j THEN a clear error, no stack trace', async (args, message) => {
    const r = await cli([...args, ...w]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.each([['process', true] as const, ['docker', runDockerTests] as const])('a local endpoint with the %s runtime', (runtime, enabled) => {
  const name = `adult-${runtime}`;

  it.runIf(enabled)('GIVEN the approved version WHEN deployed and invoked with ten test rows THEN it returns the ten probabilities evaluate.ts computed', async () => {
    const d = await cli(['endpoints', 'deploy', `${GROUP}/1`, '--name', name, '--runtime', runtime, ...w]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(new RegExp(`^endpoint ${name} is InService at http://127\\.0\\.0\\.1:\\d+ \\(${runtime}\\)\\n$`));
    const r = await cli(['endpoints', 'invoke', name, '--body', join(ws.path, 'ten.csv'), ...w]);
    expect(r.code, r.stderr).toBe(0);
    const got = r.stdout.trim().split('\n').map(Number);
    expect(got).toHaveLength(10);
    got.forEach((p, i) => expect(Math.abs(p - (evalPredictions[i] as number))).toBeLessThan(1e-6));
  });

  it.runIf(enabled)('GIVEN a bad request WHEN invoked THEN the endpoint reason comes back', async () => {
    writeFileSync(join(ws.path, 'bad.csv'), '1,2,abc\n');
    const malformed = await cli(['endpoints', 'invoke', name, '--body', join(ws.path, 'bad.csv'), ...w]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain(`endpoint '${name}' answered 400: malformed CSV: line 1, column 3: 'abc' is not a number`);
    const wrongType = await cli(['endpoints', 'invoke', name, '--body', join(ws.path, 'bad.csv'), '--content-type', 'text/plain', ...w]);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain("--content-type must be text/csv or application/json (got 'text/plain')");
    const json = await cli(['endpoints', 'invoke', name, '--body', join(ws.path, 'ten.csv'), '--content-type', 'application/json', ...w]);
    expect(json.stderr).toContain('answered 400: body is not valid JSON');
    const missing = await cli(['endpoints', 'invoke', name, '--body', join(ws.path, 'nope.csv'), ...w]);
    expect(missing.stderr).toContain('cannot read the body file');
  });

  it.runIf(enabled)('GIVEN a port in use WHEN deploying there THEN it is refused', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await cli(['endpoints', 'deploy', `${GROUP}/1`, '--name', `${name}-x`, '--port', String(port), '--runtime', runtime, ...w]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`port ${port} is in use on 127.0.0.1`);
    } finally {
      server.close();
    }
  });

  it.runIf(enabled)('GIVEN the endpoint WHEN deleted THEN its container is gone and it is no longer listed', async () => {
    const described = JSON.parse((await cli(['endpoints', 'describe', name, '--json', ...w])).stdout);
    expect(described.EndpointStatus).toBe('InService');
    expect((await cli(['endpoints', 'delete', name, ...w])).code).toBe(0);
    await expect(fetch(`${described.Url}/ping`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    expect((await cli(['endpoints', 'list', ...w])).stdout).not.toContain(name);
  });
});

describe('an endpoint whose container dies', () => {
  it('GIVEN a running process endpoint WHEN its process is killed THEN it is reported Failed with its last log lines', async () => {
    const d = await cli(['endpoints', 'deploy', `${GROUP}/1`, '--name', 'doomed', '--runtime', 'process', '--json', ...w]);
    expect(d.code, d.stderr).toBe(0);
    const record = JSON.parse(d.stdout);
    process.kill(Number(record.ContainerId), 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const described = JSON.parse((await cli(['endpoints', 'describe', 'doomed', '--json', ...w])).stdout);
    expect(described.EndpointStatus).toBe('Failed');
    expect(described.FailureReason).toMatch(/^the inference container stopped; last output: serving \/opt\/ml\/model\/xgboost-model on port \d+/);
    const invoke = await cli(['endpoints', 'invoke', 'doomed', '--body', join(ws.path, 'ten.csv'), ...w]);
    expect(invoke.stderr).toContain("endpoint 'doomed' is Failed");
    expect((await cli(['endpoints', 'delete', 'doomed', ...w])).code).toBe(0);
  });
});
