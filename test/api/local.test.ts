/** sagepipe/local: a pipeline run from code, its result read back as steps, outputs, metrics and the registered version. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type EngineEvent, runPipeline } from '../../src/api/local.ts';
import { temporaryWorkspace } from '../../src/api/testing.ts';
import { scorePipeline } from '../fixtures/library/score-pipeline.ts';

const baseDir = fileURLToPath(new URL('../fixtures/library/', import.meta.url));

describe('runPipeline (sagepipe/local)', async () => {
  const workspace = await temporaryWorkspace({ runtime: 'process' });
  afterAll(() => workspace.remove());

  it('GIVEN a pipeline function WHEN run with the process runtime THEN the result carries statuses, outputs as files, metrics and the registered version', async () => {
    const run = await runPipeline(scorePipeline, { workspace, baseDir, parameters: { Score: '0.875' } });
    expect(run.executionArn).toMatch(/^arn:aws:sagemaker:us-east-1:000000000000:pipeline\/scorepipeline\/execution\/[a-z0-9]{12}$/);
    const events: EngineEvent['type'][] = [];
    for await (const e of run.events) events.push(e.type);
    const result = await run.done;
    expect(result.status).toBe('Succeeded');
    expect(Object.fromEntries(Object.values(result.steps).map((s) => [s.name, s.status]))).toEqual({ evaluate: 'Succeeded', gate: 'Succeeded', register: 'Succeeded' });
    expect(events[0]).toBe('executionStarted');
    expect(events.at(-1)).toBe('executionFinished');
    expect(events.filter((t) => t === 'stepSucceeded')).toHaveLength(3);
    const evaluate = result.steps.evaluate;
    expect(evaluate?.metrics).toEqual({ accuracy: 0.875 });
    const reportPath = evaluate?.outputs.report?.path as string;
    expect(JSON.parse(readFileSync(`${reportPath}/report.json`, 'utf8'))).toEqual({ metrics: { accuracy: { value: 0.875 } } });
    expect(evaluate?.outputs.report?.s3Uri).toMatch(/^s3:\/\/sagepipe-local\//);
    expect(result.propertyFiles).toEqual([{ step: 'evaluate', file: 'Report', content: { metrics: { accuracy: { value: 0.875 } } } }]);
    expect(result.modelPackage).toMatchObject({ ModelPackageGroupName: 'ScoreModels', ModelPackageVersion: 1, ModelApprovalStatus: 'PendingManualApproval' });
    expect((await workspace.executions.describe(run.executionId)).PipelineExecutionStatus).toBe('Succeeded');
  });

  it('GIVEN a score under the threshold WHEN run THEN the gate takes the Else branch and nothing is registered', async () => {
    const result = await (await runPipeline(scorePipeline, { workspace, baseDir, parameters: { Score: '0.2' } })).done;
    expect(result.status).toBe('Succeeded');
    expect(result.steps.register).toBeUndefined();
    expect(result.notExecuted.map((n) => n.StepName)).toEqual(['register']);
    expect(result.modelPackage).toBeUndefined();
  });

  it('GIVEN the registered version WHEN approved through the workspace THEN the registry says Approved and the latest approved is it', async () => {
    const approved = await workspace.registry.approve('ScoreModels/1', { description: 'good enough' });
    expect(approved.ModelApprovalStatus).toBe('Approved');
    expect((await workspace.registry.latest('ScoreModels', { approved: true })).ModelPackageVersion).toBe(1);
  });

  it('GIVEN an earlier execution WHEN run with select THEN only the selected step runs and the record names its source', async () => {
    const { executions } = await workspace.executions.list({ pipelineName: 'scorePipeline' });
    const source = executions.find((e) => e.PipelineExecutionStatus === 'Succeeded')?.PipelineExecutionArn as string;
    const result = await (await runPipeline(scorePipeline, { workspace, baseDir, parameters: { Score: '0.6' }, select: { steps: ['evaluate'], from: source } })).done;
    expect(result.status).toBe('Succeeded');
    expect(Object.keys(result.steps)).toEqual(['evaluate']);
    expect(result.steps.evaluate?.metrics).toEqual({ accuracy: 0.6 });
    expect(result.record.SelectiveExecutionConfig).toEqual({ SourcePipelineExecutionArn: source, SelectedSteps: [{ StepName: 'evaluate' }] });
  });

  it('GIVEN a definition without a name WHEN run THEN it is refused with what to pass', async () => {
    await expect(runPipeline({ Version: '2020-12-01', Parameters: [], Steps: [] } as never, { workspace })).rejects.toThrow(/pass \{ name \}/);
  });
});
