import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import adultPipeline from '../../examples/adult/pipeline.ts';
import { loadDefinition } from '../../src/definition/loader.ts';
import { isSagepipeError } from '../../src/errors.ts';
import { testContext } from '../helpers/context.ts';
import { definition, harness, outputOf, processingStep, runToEnd, retryToEnd } from './helpers.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h?.dir.remove());

const adult = () =>
  loadDefinition(JSON.parse(adultPipeline(testContext).definition({ resolveCode: (p) => ({ s3Uri: `s3://test-bucket/code/${p}`, fileName: p.replace('.ts', '.mjs') }) })));

function adultHarness(accuracy: number) {
  h = harness();
  h.backend.writes.set('adultEval', { evaluation: { 'evaluation.json': JSON.stringify({ metrics: { accuracy: { value: accuracy } } }) } });
  return h;
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; issues: { path: string; message: string }[] }> {
  try {
    await promise;
  } catch (e) {
    if (isSagepipeError(e)) return { code: e.code, message: e.message, issues: [...e.issues] };
    throw e;
  }
  throw new Error('expected an error');
}

describe('the reference pipeline on the engine', () => {
  it('GIVEN accuracy 0.87 and the default threshold WHEN run THEN the If branch registers and creates the model', async () => {
    adultHarness(0.87);
    const record = await runToEnd(h.engine, { loaded: adult(), pipelineName: 'adultPipeline' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.Steps.map((s) => s.StepName).sort()).toEqual(['adultAccCond', 'adultCreateModel', 'adultEval', 'adultProcess', 'adultRegisterModel', 'adultTrain']);
    const register = record.Steps.find((s) => s.StepName === 'adultRegisterModel');
    expect(register?.Properties?.ModelPackageArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:model-package/adultmodelpackagegroupname/1');
    expect(register?.Properties?.ModelApprovalStatus).toBe('PendingManualApproval');
    // References resolved through Describe-shaped properties:
    const evalCall = h.backend.calls.find((c) => c.step === 'adultEval');
    const inputs = evalCall?.request.ProcessingInputs as { S3Input: { S3Uri: string } }[];
    expect(inputs[0]?.S3Input.S3Uri).toMatch(/^s3:\/\/test-bucket\/adultTrain\/pipelines-exec1-adultTrain-[0-9a-f]{10}\/output\/model\.tar\.gz$/);
    expect(inputs[1]?.S3Input.S3Uri).toBe('s3://test-bucket/adultPipeline/exec1/adultProcess/output/test');
  });

  it('GIVEN a threshold of 0.9 WHEN run THEN the Else branch is taken and nothing is registered', async () => {
    adultHarness(0.87);
    const record = await runToEnd(h.engine, { loaded: adult(), pipelineName: 'adultPipeline', parameters: { AccuracyThreshold: '0.9' } });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.Steps.find((s) => s.StepName === 'adultAccCond')?.Metadata).toEqual({ Condition: { Outcome: 'False' } });
    expect(record.NotExecutedSteps.map((s) => s.StepName).sort()).toEqual(['adultCreateModel', 'adultRegisterModel']);
    expect(h.backend.calls.map((c) => c.kind)).not.toContain('modelPackage');
  });

  it('GIVEN bad parameter values WHEN starting THEN nothing runs and each value is explained', async () => {
    adultHarness(0.87);
    const err = await errorOf(runToEnd(h.engine, { loaded: adult(), pipelineName: 'adultPipeline', parameters: { ProcessingInstanceCount: 'abc', Nope: '1', AccuracyThreshold: 'high' } }));
    expect(err.code).toBe('PARAMETER_INVALID');
    expect(err.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/unknown parameter 'Nope'/),
      "parameter 'ProcessingInstanceCount' is an Integer: 'abc' is not a whole number",
      "parameter 'AccuracyThreshold' is a Float: 'high' is not a number",
    ]);
    expect(h.backend.calls).toEqual([]);
  });
});

describe('Fail steps and expressions', () => {
  it('GIVEN a Fail step with a Join of a JsonGet and a parameter WHEN it runs THEN the execution fails with that message', async () => {
    h = harness();
    const def = JSON.parse(readFileSync(new URL('../fixtures/definitions/python-sdk-fail-or-not-in.json', import.meta.url), 'utf8'));
    h.backend.writes.set('Evaluate', { report: { 'report.json': JSON.stringify({ metrics: { scores: [{ value: 0.5 }] } }) } });
    const record = await runToEnd(h.engine, { loaded: loadDefinition(def), pipelineName: 'gate' });
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.FailureReason).toBe('Score 0.5 is below 0.8 in exec1');
    expect(record.Steps.find((s) => s.StepName === 'TooLow')?.Metadata).toEqual({ Fail: { ErrorMessage: 'Score 0.5 is below 0.8 in exec1' } });
    const call = h.backend.calls[0];
    expect((call?.request.AppSpecification as { ContainerArguments: string[] }).ContainerArguments).toEqual(['--rounds', '10']);
  });

  it('GIVEN Mode=quick WHEN the Or/Not/In condition is evaluated THEN the If branch (empty) is taken', async () => {
    h = harness();
    const def = JSON.parse(readFileSync(new URL('../fixtures/definitions/python-sdk-fail-or-not-in.json', import.meta.url), 'utf8'));
    h.backend.writes.set('Evaluate', { report: { 'report.json': JSON.stringify({ metrics: { scores: [{ value: 0.5 }] } }) } });
    const record = await runToEnd(h.engine, { loaded: loadDefinition(def), pipelineName: 'gate', parameters: { Mode: 'quick' } });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.NotExecutedSteps.map((s) => s.StepName)).toEqual(['TooLow']);
  });

  it('GIVEN a reference to a property file that was not written WHEN resolved THEN the step fails naming the reference', async () => {
    h = harness();
    const def = definition([
      processingStep('A', { propertyFile: true }),
      { Name: 'Gate', Type: 'Condition', Arguments: { Conditions: [{ Type: 'Equals', LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.A.PropertyFiles.Report' }, Path: 'x' } }, RightValue: 1 }], IfSteps: [], ElseSteps: [] } },
    ]);
    const record = await runToEnd(h.engine, { loaded: def, pipelineName: 'p' });
    const gate = record.Steps.find((s) => s.StepName === 'Gate');
    expect(gate?.StepStatus).toBe('Failed');
    expect(gate?.FailureReason).toMatch(/^cannot resolve \{"Std:JsonGet":.*no such object: s3:\/\/b\/exec1\/A\/out\/report\.json/);
  });

  it('GIVEN a hand-written definition WHEN run THEN keyed and indexed property references resolve', async () => {
    h = harness();
    const def = definition([
      processingStep('A'),
      processingStep('B', { input: { 'Std:Join': { On: '', Values: [{ Get: "Steps.A.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri" }, '/x'] } } }),
    ]);
    await runToEnd(h.engine, { loaded: def, pipelineName: 'p' });
    const inputs = h.backend.calls[1]?.request.ProcessingInputs as { S3Input: { S3Uri: string } }[];
    expect(inputs[0]?.S3Input.S3Uri).toBe('s3://b/exec1/A/out/x');
  });
});

describe('caching', () => {
  const cached = (code = 's3://b/code/v1/A.mjs') => definition([processingStep('A', { cache: true, code }), processingStep('B', { input: outputOf('A'), cache: true })]);

  it('GIVEN a cached step WHEN run a second time THEN it is a cache hit reusing the first run', async () => {
    h = harness();
    const first = await runToEnd(h.engine, { loaded: cached(), pipelineName: 'p' });
    const second = await runToEnd(h.engine, { loaded: cached(), pipelineName: 'p' });
    expect(second.Steps.map((s) => s.CacheHitResult?.SourcePipelineExecutionArn)).toEqual([first.PipelineExecutionArn, first.PipelineExecutionArn]);
    expect(h.backend.calls.length).toBe(2);
    // The downstream reference reads the first run's output path.
    expect(second.Steps[1]?.Properties?.ProcessingInputs).toEqual(first.Steps[1]?.Properties?.ProcessingInputs);
  });

  it('GIVEN changed code WHEN run again THEN the step misses and the reason names the argument', async () => {
    h = harness();
    await runToEnd(h.engine, { loaded: cached(), pipelineName: 'p' });
    const second = await runToEnd(h.engine, { loaded: cached('s3://b/code/v2/A.mjs'), pipelineName: 'p' });
    expect(second.Steps[0]?.CacheHitResult).toBeUndefined();
    expect(second.Steps[0]?.CacheMissReason).toBe(
      'arguments differ from execution exec1: Arguments.ProcessingInputs[0].S3Input.S3Uri was "s3://b/code/v1/A.mjs", now "s3://b/code/v2/A.mjs"',
    );
    expect(h.events.filter((e) => e.type === 'stepCacheMiss').at(-2)).toMatchObject({ step: 'A' });
  });

  it('GIVEN an earlier run older than ExpireAfter WHEN run again THEN the step misses', async () => {
    h = harness();
    await runToEnd(h.engine, { loaded: cached(), pipelineName: 'p' });
    h.clock.time += 31 * 86400e3;
    const second = await runToEnd(h.engine, { loaded: cached(), pipelineName: 'p' });
    expect(second.Steps[0]?.CacheHitResult).toBeUndefined();
    expect(second.Steps[0]?.CacheMissReason).toMatch(/is older than ExpireAfter/);
  });
});

describe('retries, resumes and selective executions', () => {
  it('GIVEN a job-level retry policy WHEN the job fails with an internal error THEN it is retried with backoff', async () => {
    h = harness();
    h.backend.failures.set('A', { kind: 'SageMaker.JOB_INTERNAL_ERROR', times: 2, reason: 'internal' });
    const def = definition([processingStep('A', { retry: [{ ExceptionType: ['SageMaker.JOB_INTERNAL_ERROR'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 }] })]);
    const record = await runToEnd(h.engine, { loaded: def, pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.Steps[0]?.AttemptCount).toBe(3);
    expect(h.clock.sleeps).toEqual([2000, 6000]);
  });

  it('GIVEN a failure kind no policy names WHEN the job fails THEN it is not retried', async () => {
    h = harness();
    h.backend.failures.set('A', { kind: 'AlgorithmError', times: 1, reason: 'exit 1' });
    const def = definition([processingStep('A', { retry: [{ ExceptionType: ['Step.THROTTLING'], MaxAttempts: 5 }] })]);
    const record = await runToEnd(h.engine, { loaded: def, pipelineName: 'p' });
    expect(record.Steps[0]?.AttemptCount).toBe(1);
    expect(record.PipelineExecutionStatus).toBe('Failed');
  });

  it('GIVEN a failed execution WHEN retried after the cause is fixed THEN it resumes from the failed step', async () => {
    h = harness();
    h.backend.failures.set('B', { kind: 'AlgorithmError', times: 1, reason: 'boom' });
    const def = definition([processingStep('A'), processingStep('B', { input: outputOf('A') }), processingStep('C', { input: outputOf('B') })]);
    const failed = await runToEnd(h.engine, { loaded: def, pipelineName: 'p' });
    expect(failed.PipelineExecutionStatus).toBe('Failed');
    const retried = await retryToEnd(h.engine, failed.PipelineExecutionId);
    expect(retried.PipelineExecutionStatus).toBe('Succeeded');
    expect(retried.PipelineExecutionArn).toBe(failed.PipelineExecutionArn);
    expect(h.backend.stepsCalled()).toEqual(['A', 'B', 'B', 'C']);
    expect(retried.RetryCount).toBe(1);
  });

  it('GIVEN a succeeded execution WHEN retried THEN it is refused', async () => {
    h = harness();
    const ok = await runToEnd(h.engine, { loaded: definition([processingStep('A')]), pipelineName: 'p' });
    expect((await errorOf(retryToEnd(h.engine, ok.PipelineExecutionId))).message).toMatch(/is Succeeded: only Failed or Stopped executions can be retried/);
  });

  it('GIVEN an earlier execution WHEN only C is selected THEN A and B are taken from it', async () => {
    h = harness();
    const def = definition([processingStep('A'), processingStep('B', { input: outputOf('A') }), processingStep('C', { input: outputOf('B') })]);
    const first = await runToEnd(h.engine, { loaded: def, pipelineName: 'p' });
    const selective = await runToEnd(h.engine, { loaded: def, pipelineName: 'p', selective: { sourceExecutionId: first.PipelineExecutionId, steps: ['C'] } });
    expect(selective.Steps.map((s) => s.StepName)).toEqual(['C']);
    expect(selective.SelectiveExecutionConfig?.SourcePipelineExecutionArn).toBe(first.PipelineExecutionArn);
    const inputs = h.backend.calls.at(-1)?.request.ProcessingInputs as { S3Input: { S3Uri: string } }[];
    expect(inputs[0]?.S3Input.S3Uri).toBe('s3://b/exec1/B/out');
  });

  it('GIVEN a missing or corrupt execution record WHEN loaded THEN the error says which and where', async () => {
    h = harness();
    expect((await errorOf(retryToEnd(h.engine, 'nosuch'))).code).toBe('EXECUTION_NOT_FOUND');
    const ok = await runToEnd(h.engine, { loaded: definition([processingStep('A')]), pipelineName: 'p' });
    writeFileSync(join(h.store.dirOf(ok.PipelineExecutionId), 'execution.json'), '{"PipelineExecutionArn": ');
    const err = await errorOf(h.store.load(ok.PipelineExecutionId));
    expect(err.code).toBe('EXECUTION_CORRUPT');
    expect(err.message).toMatch(/executions\/exec1\/execution\.json is corrupt/);
  });
});
