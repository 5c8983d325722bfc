/**
 * Transform jobs and Lambda functions on the local runner, with both runtimes: a real model served by the
 * sagepipe-xgboost serve program, records split, filtered, joined and assembled; handlers in Node and Python.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBackend, openSession, selectRuntime } from '../../local-runner/workspace.ts';
import type { JobContext } from '../../src/engine/backend.ts';
import { isJobFailure } from '../../src/engine/backend.ts';
import { packModel } from '../../containers/contract/model-archive.ts';
import { Booster } from '../../containers/runtime/xgboost.ts';
import { REPO_ROOT, tempDir } from '../helpers/context.ts';
import { cli } from '../helpers/cli.ts';
import { runDockerTests } from '../helpers/docker.ts';

const ctx = (jobName: string): JobContext => ({
  executionId: 'exec1',
  executionArn: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/exec1',
  pipelineName: 'p',
  stepName: 'S',
  attempt: 1,
  jobName,
  signal: new AbortController().signal,
  log: () => undefined,
});

async function failureOf(p: Promise<unknown>): Promise<{ kind: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isJobFailure(e)) return { kind: e.kind, message: e.message };
    throw e;
  }
  throw new Error('expected a failure');
}

describe.each([['process', true] as const, ['docker', runDockerTests] as const])('transform jobs with the %s runtime', (runtime, enabled) => {
  const ws = tempDir(`sagepipe-transform-${runtime}-`);
  const io = { out: () => undefined, err: () => undefined, interactive: false, env: process.env, cwd: ws.path };
  const session = openSession({ workspace: join(ws.path, 'ws') }, io);
  let backend: ReturnType<typeof localBackend>;
  const image = '000000000000.dkr.ecr.us-east-1.amazonaws.com/sagepipe-xgboost:0.1.0';

  beforeAll(async () => {
    if (!enabled) return;
    backend = localBackend(session, await selectRuntime(runtime, () => undefined), io);
    // label = x0 > 0.5
    const rows = 400;
    const data = new Float32Array(rows * 2);
    const labels = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      data[i * 2] = (i % 100) / 100;
      data[i * 2 + 1] = (i * 7) % 13;
      labels[i] = (data[i * 2] as number) > 0.5 ? 1 : 0;
    }
    const booster = await Booster.create({ rows, cols: 2, data }, labels, { objective: 'binary:logistic', max_depth: '2', silent: '1' });
    for (let r = 0; r < 5; r++) booster.updateOneRound(r);
    const dir = join(ws.path, 'model');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'xgboost-model'), booster.save());
    await packModel(dir, join(ws.path, 'model.tar.gz'), ['xgboost-model']);
    await session.s3.putFile('s3://bkt/models/model.tar.gz', join(ws.path, 'model.tar.gz'));
    await session.models.save({ ModelName: 'rule', PrimaryContainer: { Image: image, ModelDataUrl: 's3://bkt/models/model.tar.gz' } });
    await session.s3.putObject('s3://bkt/in/part-1.csv', '1,0.9,1\n0,0.1,1\n1,0.8,3\n');
    await session.s3.putObject('s3://bkt/in/sub/part-2.csv', '0,0.2,5\n');
    await session.s3.putObject('s3://bkt/bad/rows.csv', '1,0.9,1\nx,oops,1\n');
  }, 120_000);
  afterAll(() => ws.remove());

  const request = (over: Record<string, unknown> = {}) => ({
    ModelName: 'rule',
    TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bkt/in' } }, ContentType: 'text/csv', SplitType: 'Line' },
    TransformOutput: { S3OutputPath: 's3://bkt/out', AssembleWith: 'Line', Accept: 'text/csv' },
    TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
    BatchStrategy: 'SingleRecord',
    MaxConcurrentTransforms: 2,
    DataProcessing: { InputFilter: '$[1:]', JoinSource: 'Input', OutputFilter: '$[0,-1]' },
    ...over,
  });

  it.runIf(enabled)('GIVEN labelled rows WHEN transformed with filters and join THEN each <input>.out line is label,score', async () => {
    const result = await backend.runTransformJob(request() as never, ctx('t1'));
    expect(result.properties.TransformJobStatus).toBe('Completed');
    const lines = (await session.s3.getObject('s3://bkt/out/part-1.csv.out')).toString().trim().split('\n');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['1', '0', '1']);
    const scores = lines.map((l) => Number(l.split(',')[1]));
    expect(scores[0]).toBeGreaterThan(0.5);
    expect(scores[1]).toBeLessThan(0.5);
    expect((await session.s3.getObject('s3://bkt/out/sub/part-2.csv.out')).toString().trim().split(',')[0]).toBe('0');
  }, 120_000);

  it.runIf(enabled)('GIVEN MultiRecord without filters WHEN transformed THEN the model answers a batch and the output is its scores, one per line', async () => {
    await backend.runTransformJob(
      request({
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bkt/in/part-1.csv' } }, ContentType: 'text/csv', SplitType: 'Line' },
        TransformOutput: { S3OutputPath: 's3://bkt/out2', AssembleWith: 'Line' },
        BatchStrategy: 'MultiRecord',
        MaxPayloadInMB: 1,
        DataProcessing: { InputFilter: '$[1:]' },
      }) as never,
      ctx('t2'),
    );
    const lines = (await session.s3.getObject('s3://bkt/out2/part-1.csv.out')).toString().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => Number.isFinite(Number(l)))).toBe(true);
  }, 120_000);

  it.runIf(enabled)('GIVEN a record the model rejects WHEN transformed THEN the job fails naming the record and the reason', async () => {
    const f = await failureOf(
      backend.runTransformJob(request({ TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bkt/bad' } }, ContentType: 'text/csv', SplitType: 'Line' }, DataProcessing: { InputFilter: '$[1:]' } }) as never, ctx('t3')),
    );
    expect(f.kind).toBe('ClientError');
    expect(f.message).toMatch(/the model rejected record 2 of rows\.csv: 400 malformed CSV/);
  }, 120_000);

  it.runIf(enabled)('GIVEN a model that does not exist WHEN transformed THEN the job fails before starting a container', async () => {
    const f = await failureOf(backend.runTransformJob(request({ ModelName: 'nope' }) as never, ctx('t4')));
    expect(f.message).toMatch(/^ClientError: Could not find model "nope"/);
  });
});

describe('Lambda functions', () => {
  const ws = tempDir('sagepipe-lambda-');
  writeFileSync(join(ws.path, 'ok.mjs'), 'export const handler = async (event, context) => ({ doubled: event.n * 2, name: context.functionName });\n');
  writeFileSync(join(ws.path, 'throws.mjs'), "export async function handler() { throw new Error('quota exceeded'); }\n");
  writeFileSync(join(ws.path, 'list.mjs'), 'export const handler = () => [1, 2];\n');
  writeFileSync(join(ws.path, 'ok.py'), 'def lambda_handler(event, context):\n    return {"doubled": event["n"] * 2, "name": context.function_name}\n');
  writeFileSync(
    join(ws.path, 'sagepipe.config.json'),
    JSON.stringify({
      imageMap: { unrelated: 'key of another reader' },
      lambdaFunctions: { 'arn:aws:lambda:us-east-1:1:function:ok': 'ok.mjs', py: 'ok.py', throws: 'throws.mjs', list: 'list.mjs' },
    }),
  );
  const io = { out: () => undefined, err: () => undefined, interactive: false, env: process.env, cwd: ws.path };
  const session = openSession({ workspace: join(ws.path, 'ws') }, io);
  let backend: ReturnType<typeof localBackend>;
  beforeAll(async () => {
    backend = localBackend(session, await selectRuntime('process', () => undefined), io);
  });
  afterAll(() => ws.remove());

  it('GIVEN a Node handler WHEN invoked THEN it gets the event and its context, and its result comes back', async () => {
    expect(await backend.invokeLambda({ functionArn: 'arn:aws:lambda:us-east-1:1:function:ok', event: { n: 21 } }, ctx('l1'))).toEqual({ doubled: 42, name: 'ok' });
  });

  it('GIVEN a Python handler mapped by function name WHEN invoked in any region THEN it runs under python3', async () => {
    expect(await backend.invokeLambda({ functionArn: 'arn:aws:lambda:eu-west-1:2:function:py', event: { n: 4 } }, ctx('l2'))).toEqual({ doubled: 8, name: 'py' });
  });

  it('GIVEN a handler that throws WHEN invoked THEN the failure carries its message', async () => {
    const f = await failureOf(backend.invokeLambda({ functionArn: 'arn:aws:lambda:us-east-1:1:function:throws', event: {} }, ctx('l3')));
    expect(f).toEqual({ kind: 'AlgorithmError', message: 'Lambda function arn:aws:lambda:us-east-1:1:function:throws failed: quota exceeded' });
  });

  it('GIVEN a handler returning a list WHEN invoked THEN it is refused: outputs are an object', async () => {
    expect((await failureOf(backend.invokeLambda({ functionArn: 'arn:aws:lambda:us-east-1:1:function:list', event: {} }, ctx('l4')))).message).toMatch(/must return a JSON object/);
  });

  it('GIVEN a pipeline with an unmapped function WHEN run THEN it stops before starting, naming the step and the config file', async () => {
    writeFileSync(
      join(ws.path, 'p.json'),
      JSON.stringify({ Version: '2020-12-01', Steps: [{ Name: 'Notify', Type: 'Lambda', FunctionArn: 'arn:aws:lambda:us-east-1:1:function:missing', Arguments: {} }] }),
    );
    const run = await cli(['run', join(ws.path, 'p.json'), '--runtime', 'process', '--workspace', join(ws.path, 'ws2')], { cwd: ws.path });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("Lambda function arn:aws:lambda:us-east-1:1:function:missing has no local handler: add it under \"lambdaFunctions\" in sagepipe.config.json");
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect((await cli(['executions', 'list', '--workspace', join(ws.path, 'ws2')])).stdout).toMatch(/no executions/);
  });
});
