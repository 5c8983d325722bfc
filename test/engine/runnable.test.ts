/** Step types the local engine cannot run are refused before an execution starts, every such step named. */
import { afterEach, describe, expect, it } from 'vitest';
import { isSagepipeError } from '../../src/errors.ts';
import { unrunnableStepIssues } from '../../src/engine/runnable.ts';
import { definition, harness, outputOf, processingStep, runToEnd } from './helpers.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h?.dir.remove());

// Transform, Tuning, Lambda and Callback run locally now (issue 15); EMR steps do not.
const emr = (name: string, dependsOn?: string[]) => ({
  Name: name,
  Type: 'EMR',
  Arguments: { ClusterId: 'j-1', StepConfig: { Name: name, HadoopJarStep: { Jar: 's3://bucket/job.jar' } } },
  ...(dependsOn ? { DependsOn: dependsOn } : {}),
});
const lambda = emr('Notify', ['Prep']);
const transform = emr('BatchScore');
const gate = (ifSteps: unknown[]) => ({
  Name: 'Gate',
  Type: 'Condition',
  Arguments: { Conditions: [{ Type: 'Equals', LeftValue: 1, RightValue: 1 }], IfSteps: ifSteps, ElseSteps: [] },
  DependsOn: ['Prep'],
});

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (e) {
    if (isSagepipeError(e)) return e;
    throw e;
  }
  throw new Error('expected the start to be refused');
}

describe('runnable step types', () => {
  it('GIVEN two EMR steps, one inside a condition, WHEN started THEN it is refused naming both, and nothing ran or was recorded', async () => {
    h = harness();
    const loaded = definition([processingStep('Prep'), lambda, gate([transform, processingStep('After', { input: outputOf('Prep') })])]);
    const error = await refusal(runToEnd(h.engine, { loaded, pipelineName: 'p' }));
    expect(error.code).toBe('STEP_UNSUPPORTED');
    expect(error.message).toBe('p: 2 problems keep steps from running locally, so the execution was not started');
    expect(error.issues.map((i) => [i.path, i.message.split(',')[0]])).toEqual([
      ['Steps[1]', "step 'Notify' has type 'EMR'"],
      ['Steps[2].Arguments.IfSteps[0]', "step 'BatchScore' has type 'EMR'"],
    ]);
    expect(h.backend.calls).toEqual([]);
    expect(h.events).toEqual([]);
    expect((await h.store.list()).executions).toEqual([]);
  });

  it('GIVEN only supported step types THEN there are no issues and the execution runs', async () => {
    h = harness();
    const loaded = definition([processingStep('Prep'), gate([{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: 'x' } }])]);
    expect(unrunnableStepIssues(loaded)).toEqual([]);
    const record = await runToEnd(h.engine, { loaded, pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.FailureReason).toBe('x');
  });

  it("GIVEN a backend that cannot run a step's image WHEN started THEN its issue is reported with the engine's, before anything runs", async () => {
    h = harness();
    const seen: (ReadonlySet<string> | undefined)[] = [];
    Object.assign(h.backend, {
      checkDefinition: async (_loaded: unknown, steps?: ReadonlySet<string>) => {
        seen.push(steps);
        return [{ path: 'Steps[0].Arguments.AppSpecification.ImageUri', message: "step 'Prep': no local image stands in for 'img'" }];
      },
    });
    const error = await refusal(runToEnd(h.engine, { loaded: definition([processingStep('Prep'), lambda]), pipelineName: 'p' }));
    expect(error.issues.map((i) => i.path)).toEqual(['Steps[1]', 'Steps[0].Arguments.AppSpecification.ImageUri']);
    expect([...(seen[0] ?? [])]).toEqual(['Prep', 'Notify']);
    expect(h.backend.calls).toEqual([]);
  });
});
