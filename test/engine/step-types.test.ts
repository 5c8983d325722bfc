/** Transform, Tuning, Lambda and Callback steps on the engine, with a fake backend. */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import { isSagepipeError } from '../../src/errors.ts';
import { definition, harness, processingStep, runToEnd } from './helpers.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h?.dir.remove());

const transformStep = (name: string, model: unknown) => ({
  Name: name,
  Type: 'Transform',
  Arguments: {
    ModelName: model,
    TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/test' } }, ContentType: 'text/csv', SplitType: 'Line' },
    TransformOutput: { S3OutputPath: 's3://b/out', AssembleWith: 'Line' },
    TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
  },
});

const lambdaStep = (name: string, outputs: { OutputName: string; OutputType?: string }[], args: unknown = { a: 1 }) => ({
  Name: name,
  Type: 'Lambda',
  FunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${name}`,
  OutputParameters: outputs,
  Arguments: args,
});

const callbackStep = (name: string, outputs: { OutputName: string; OutputType?: string }[]) => ({
  Name: name,
  Type: 'Callback',
  SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/approvals',
  OutputParameters: outputs,
  Arguments: { model: 's3://b/model.tar.gz', threshold: 0.8 },
});

const tuningStep = (strategy: string, max: number, parallel: number) => ({
  Name: 'Tune',
  Type: 'Tuning',
  Arguments: {
    HyperParameterTuningJobConfig: {
      Strategy: strategy,
      HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'validation:logloss' },
      ResourceLimits: { MaxNumberOfTrainingJobs: max, MaxParallelTrainingJobs: parallel },
      TrainingJobEarlyStoppingType: 'Off',
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '1', ScalingType: 'Logarithmic' }],
        IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '2', MaxValue: '8', ScalingType: 'Linear' }],
      },
    },
    TrainingJobDefinition: {
      StaticHyperParameters: { objective: 'binary:logistic', num_round: '10' },
      AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
      RoleArn: 'arn:role',
      OutputDataConfig: { S3OutputPath: 's3://b/tune' },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/train' } } }],
    },
  },
});

/** A smooth objective with its minimum at eta = 0.3, max_depth = 5. */
const bowl = (hp: Record<string, string>) => {
  const v = 0.2 + (Math.log(Number(hp.eta)) - Math.log(0.3)) ** 2 * 0.05 + (Number(hp.max_depth) - 5) ** 2 * 0.01;
  return [v + 0.3, v + 0.1, v];
};

describe('Transform steps', () => {
  it('GIVEN a transform of a Model step WHEN run THEN the job gets the model name and the step links the TransformJob', async () => {
    h = harness();
    const model = { Name: 'M', Type: 'Model', Arguments: { ExecutionRoleArn: 'r', PrimaryContainer: { Image: 'img', ModelDataUrl: 's3://b/m.tar.gz' } } };
    const record = await runToEnd(h.engine, { loaded: definition([model, transformStep('T', { Get: 'Steps.M.ModelName' })]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    const call = h.backend.calls.find((c) => c.kind === 'transform');
    const modelName = record.Steps.find((s) => s.StepName === 'M')?.Properties?.ModelName;
    expect(call?.request.ModelName).toBe(modelName);
    const t = record.Steps.find((s) => s.StepName === 'T');
    expect(t?.Metadata).toEqual({ TransformJob: { Arn: t?.Properties?.TransformJobArn } });
    expect(t?.Properties?.TransformOutput).toEqual({ S3OutputPath: 's3://b/out', AssembleWith: 'Line' });
  });

  it('GIVEN a reference to a property a transform job does not have WHEN loaded THEN the path is named', () => {
    const bad = { ...processingStep('P'), Arguments: { ...processingStep('P').Arguments, Environment: { X: { Get: 'Steps.T.TransformOutput.Nope' } } } };
    expect(() => definition([transformStep('T', 'm'), bad])).toThrow(/2 error|1 error/);
  });
});

describe('Lambda steps', () => {
  it('GIVEN declared outputs WHEN the function returns them THEN they are typed and flow to a later step', async () => {
    h = harness();
    h.backend.lambdas.set('arn:aws:lambda:us-east-1:111122223333:function:L', { count: '3', ratio: 0.5, ok: true, extra: 'x' });
    const later = processingStep('P');
    later.Arguments.Environment = { COUNT: { 'Std:Join': { On: '', Values: [{ Get: "Steps.L.OutputParameters['count']" }] } } };
    const loaded = definition([
      lambdaStep('L', [{ OutputName: 'count', OutputType: 'Integer' }, { OutputName: 'ratio', OutputType: 'Float' }, { OutputName: 'ok', OutputType: 'Boolean' }], { n: { Get: 'Execution.PipelineExecutionId' } }),
      later,
    ]);
    const record = await runToEnd(h.engine, { loaded, pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(h.backend.calls.find((c) => c.kind === 'lambda')?.request).toEqual({ n: record.PipelineExecutionId });
    const l = record.Steps.find((s) => s.StepName === 'L');
    expect(l?.Properties).toEqual({ OutputParameters: { count: 3, ratio: 0.5, ok: true } });
    expect(l?.Metadata).toEqual({
      Lambda: { Arn: 'arn:aws:lambda:us-east-1:111122223333:function:L', OutputParameters: [{ Name: 'count', Value: '3' }, { Name: 'ratio', Value: '0.5' }, { Name: 'ok', Value: 'true' }] },
    });
    expect((h.backend.calls.find((c) => c.step === 'P')?.request.Environment as Record<string, string>).COUNT).toBe('3');
  });

  it('GIVEN a handler that throws WHEN run THEN the step and the execution fail with its error', async () => {
    h = harness();
    h.backend.lambdas.set('arn:aws:lambda:us-east-1:111122223333:function:L', new Error('quota exceeded'));
    const record = await runToEnd(h.engine, { loaded: definition([lambdaStep('L', [])]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.Steps[0]?.FailureReason).toContain('quota exceeded');
  });

  it('GIVEN an output declared Integer WHEN the function returns text THEN the step fails naming the output', async () => {
    h = harness();
    h.backend.lambdas.set('arn:aws:lambda:us-east-1:111122223333:function:L', { count: 'many' });
    const record = await runToEnd(h.engine, { loaded: definition([lambdaStep('L', [{ OutputName: 'count', OutputType: 'Integer' }])]), pipelineName: 'p' });
    expect(record.Steps[0]?.FailureReason).toContain("output 'count' is declared Integer, got 'many'");
  });

  it('GIVEN a function the backend cannot run WHEN starting THEN nothing is recorded and the step is named', async () => {
    h = harness();
    let error: unknown;
    try {
      await runToEnd(h.engine, { loaded: definition([lambdaStep('L', [])]), pipelineName: 'p' });
    } catch (e) {
      error = e;
    }
    expect(isSagepipeError(error) && error.issues[0]?.path).toBe('Steps[0].FunctionArn');
    expect((await h.store.list()).executions).toHaveLength(0);
  });

  it('GIVEN a reference to an undeclared output WHEN loaded THEN the loader names the declared ones', () => {
    const later = processingStep('P');
    later.Arguments.Environment = { X: { Get: "Steps.L.OutputParameters['nope']" } };
    expect(() => definition([lambdaStep('L', [{ OutputName: 'count' }]), later])).toThrow();
    try {
      definition([lambdaStep('L', [{ OutputName: 'count' }]), later]);
    } catch (e) {
      expect(isSagepipeError(e) && e.issues.map((i) => i.message).join()).toContain("declares no output parameter 'nope' (declared: count)");
    }
  });
});

describe('Callback steps', () => {
  const waiting = (events: EngineEvent[]) => events.find((e): e is Extract<EngineEvent, { type: 'stepWaitingForCallback' }> => e.type === 'stepWaitingForCallback');

  it('GIVEN a waiting callback WHEN answered with success THEN its outputs are typed and flow on, and the token is in the record', async () => {
    h = harness();
    const later = processingStep('P');
    later.Arguments.Environment = { APPROVER: { Get: "Steps.Gate.OutputParameters['approver']" } };
    const loaded = definition([callbackStep('Gate', [{ OutputName: 'approver' }, { OutputName: 'score', OutputType: 'Float' }]), later]);
    const run = runToEnd(h.engine, { loaded, pipelineName: 'p' });
    await h.waitForEvent((e) => e.type === 'stepWaitingForCallback');
    const event = waiting(h.events);
    expect(event?.arguments).toEqual({ model: 's3://b/model.tar.gz', threshold: 0.8 });
    const found = await h.store.findCallback(event?.token as string);
    expect(found?.step.StepStatus).toBe('Executing');
    expect(found?.step.Metadata).toEqual({ Callback: { CallbackToken: event?.token, SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/approvals' } });
    await h.store.writeCallbackResponse('exec1', event?.token as string, { Status: 'Success', OutputParameters: [{ Name: 'approver', Value: 'ana' }, { Name: 'score', Value: '0.91' }] });
    const record = await run;
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(record.Steps.find((s) => s.StepName === 'Gate')?.Properties).toEqual({ OutputParameters: { approver: 'ana', score: 0.91 } });
    expect((h.backend.calls.find((c) => c.step === 'P')?.request.Environment as Record<string, string>).APPROVER).toBe('ana');
  });

  it('GIVEN a waiting callback WHEN answered with failure THEN the execution fails with that reason and later steps do not run', async () => {
    h = harness();
    const run = runToEnd(h.engine, { loaded: definition([callbackStep('Gate', []), processingStep('P', { dependsOn: ['Gate'] })]), pipelineName: 'p' });
    await h.waitForEvent((e) => e.type === 'stepWaitingForCallback');
    await h.store.writeCallbackResponse('exec1', waiting(h.events)?.token as string, { Status: 'Failure', FailureReason: 'rejected by reviewer' });
    const record = await run;
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.FailureReason).toContain('rejected by reviewer');
    expect(h.backend.calls).toHaveLength(0);
  });

  it('GIVEN no answer WHEN the callback time limit passes THEN the step fails saying so', async () => {
    h = harness();
    const engine = new Engine({ backend: h.backend, store: h.store, clock: h.clock, callbackTimeoutMs: 5000, newExecutionId: () => 'exec9' });
    const record = await runToEnd(engine, { loaded: definition([callbackStep('Gate', [])]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.Steps[0]?.FailureReason).toMatch(/was not answered within 5 s/);
  });
});

describe('Tuning steps', () => {
  it('GIVEN Bayesian, 6 trials, 2 in parallel WHEN run THEN 6 training jobs run at most 2 at once and the best is the lowest objective', async () => {
    h = harness();
    h.backend.trainingCurve = bowl;
    const record = await runToEnd(h.engine, { loaded: definition([tuningStep('Bayesian', 6, 2)]), pipelineName: 'p', maxParallelExecutionSteps: 4 });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    const trials = h.backend.calls.filter((c) => c.kind === 'training');
    expect(trials).toHaveLength(6);
    expect(h.backend.maxRunning).toBeLessThanOrEqual(2);
    const props = record.Steps[0]?.Properties as any;
    const values = props.TrainingJobSummaries.map((s: any) => s.FinalHyperParameterTuningJobObjectiveMetric.Value);
    expect(values).toEqual([...values].sort((a: number, b: number) => a - b));
    expect(props.BestTrainingJob.TrainingJobName).toBe(props.TrainingJobSummaries[0].TrainingJobName);
    expect(props.TrainingJobStatusCounters.Completed).toBe(6);
    // Each trial got the static hyperparameters and its own tuned ones.
    for (const t of trials) expect((t.request.HyperParameters as Record<string, string>).num_round).toBe('10');
    const best = trials.find((t) => (t.request as any).HyperParameters.eta === props.BestTrainingJob.TunedHyperParameters.eta);
    expect(best).toBeDefined();
    expect(record.Steps[0]?.Metadata).toEqual({ TuningJob: { Arn: props.HyperParameterTuningJobArn } });
  });

  it('GIVEN one trial that fails WHEN tuning THEN the others still decide the best, and the failure is counted', async () => {
    h = harness();
    let n = 0;
    h.backend.trainingCurve = (hp) => (++n === 2 ? new Error('bad hyperparameters') : bowl(hp));
    const record = await runToEnd(h.engine, { loaded: definition([tuningStep('Random', 4, 1)]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    const props = record.Steps[0]?.Properties as any;
    expect(props.TrainingJobStatusCounters).toMatchObject({ Completed: 3, NonRetryableError: 1 });
    const failed = props.TrainingJobSummaries.find((s: any) => s.TrainingJobStatus === 'Failed');
    expect(failed.FailureReason).toContain('bad hyperparameters');
    expect(props.TrainingJobSummaries[3]).toBe(failed);
  });

  it('GIVEN every trial failing WHEN tuning THEN the step fails with the trials reason', async () => {
    h = harness();
    h.backend.trainingCurve = () => new Error('exploded');
    const record = await runToEnd(h.engine, { loaded: definition([tuningStep('Random', 2, 2)]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Failed');
    expect(record.Steps[0]?.FailureReason).toMatch(/No training job succeeded: all 2 trials failed .*exploded/);
  });

  it('GIVEN a Grid over two categorical values and an integer range WHEN tuning THEN every combination runs once', async () => {
    h = harness();
    h.backend.trainingCurve = () => [0.5];
    const step = tuningStep('Grid', 100, 2) as any;
    step.Arguments.HyperParameterTuningJobConfig.ParameterRanges = {
      CategoricalParameterRanges: [{ Name: 'booster', Values: ['gbtree', 'dart'] }],
      IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '5' }],
    };
    const record = await runToEnd(h.engine, { loaded: definition([step]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    const combos = h.backend.calls.map((c) => `${(c.request as any).HyperParameters.booster}/${(c.request as any).HyperParameters.max_depth}`).sort();
    expect(combos).toEqual(['dart/3', 'dart/4', 'dart/5', 'gbtree/3', 'gbtree/4', 'gbtree/5']);
  });

  it('GIVEN an objective metric with no definition WHEN tuning THEN the step fails before any trial', async () => {
    h = harness();
    const step = tuningStep('Random', 2, 1) as any;
    step.Arguments.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName = 'my-accuracy';
    const record = await runToEnd(h.engine, { loaded: definition([step]), pipelineName: 'p' });
    expect(record.Steps[0]?.FailureReason).toMatch(/ClientError: objective metric 'my-accuracy' has no metric definition/);
    expect(h.backend.calls).toHaveLength(0);
  });

  it('GIVEN Hyperband WHEN trials report poor early rounds THEN some are stopped early and counted Stopped', async () => {
    h = harness();
    let n = 0;
    // Trials 4+ are worse at every round than the first three.
    h.backend.trainingCurve = () => (++n <= 3 ? [0.3, 0.2, 0.1, 0.05] : [0.9, 0.8, 0.7, 0.6]);
    const step = tuningStep('Hyperband', 6, 1) as any;
    step.Arguments.HyperParameterTuningJobConfig.StrategyConfig = { HyperbandStrategyConfig: { MinResource: 1, MaxResource: 4 } };
    const record = await runToEnd(h.engine, { loaded: definition([step]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    const props = record.Steps[0]?.Properties as any;
    expect(props.TrainingJobStatusCounters.Stopped).toBe(3);
    expect(props.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value).toBe(0.05);
  });
});

describe('step types the engine does not run', () => {
  it('GIVEN an EMR step WHEN checked before a run THEN it is refused with the reason, naming the step', async () => {
    const { unrunnableStepIssues } = await import('../../src/engine/runnable.ts');
    const node = { name: 'Spark', type: 'EMR' as const, path: 'Steps[0]', definition: { Name: 'Spark', Type: 'EMR', Arguments: {} }, dependsOn: [], branch: undefined, policies: { cache: { enabled: false as const }, retry: [] } };
    const issues = unrunnableStepIssues({ definition: { Version: '2020-12-01', Steps: [] }, parameters: new Map(), graph: { nodes: new Map([['Spark', node]]), order: ['Spark'] } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('Steps[0]');
    expect(issues[0]?.message).toMatch(/^step 'Spark' has type 'EMR', which sagepipe's local engine cannot run \(it runs .*Transform, Tuning, Lambda, Callback\): it submits steps to an Amazon EMR cluster; it runs on SageMaker/);
  });
});

describe('caching and stopping the new step types', () => {
  it('GIVEN a cached Tuning step WHEN the pipeline runs again THEN no trial runs and the best trial is reused', async () => {
    h = harness();
    h.backend.trainingCurve = bowl;
    const step = { ...tuningStep('Random', 2, 1), CacheConfig: { Enabled: true, ExpireAfter: 'P1D' } };
    const first = await runToEnd(h.engine, { loaded: definition([step]), pipelineName: 'p' });
    const second = await runToEnd(h.engine, { loaded: definition([step]), pipelineName: 'p' });
    expect(h.backend.calls.filter((c) => c.kind === 'training')).toHaveLength(2);
    expect(second.Steps[0]?.CacheHitResult).toEqual({ SourcePipelineExecutionArn: first.PipelineExecutionArn });
    expect((second.Steps[0]?.Properties as any).BestTrainingJob).toEqual((first.Steps[0]?.Properties as any).BestTrainingJob);
  });

  it('GIVEN a waiting Callback WHEN the execution is stopped THEN the step ends Stopped', async () => {
    h = harness();
    const controller = new AbortController();
    const run = runToEnd(h.engine, { loaded: definition([callbackStep('Gate', [])]), pipelineName: 'p', signal: controller.signal });
    await h.waitForEvent((e) => e.type === 'stepWaitingForCallback');
    controller.abort();
    const record = await run;
    expect(record.PipelineExecutionStatus).toBe('Stopped');
    expect(record.Steps[0]?.StepStatus).toBe('Stopped');
  });
});

describe('caching Lambda steps', () => {
  it('GIVEN a cached Lambda step WHEN its FunctionArn changes THEN the cache misses naming it, and hits when nothing changed', async () => {
    h = harness();
    const a = 'arn:aws:lambda:us-east-1:111122223333:function:L';
    const b = 'arn:aws:lambda:us-east-1:111122223333:function:M';
    h.backend.lambdas.set(a, { n: '1' });
    h.backend.lambdas.set(b, { n: '2' });
    const step = (arn: string) => ({ ...lambdaStep('L', [{ OutputName: 'n', OutputType: 'Integer' }]), FunctionArn: arn, CacheConfig: { Enabled: true } });
    await runToEnd(h.engine, { loaded: definition([step(a)]), pipelineName: 'p' });
    const same = await runToEnd(h.engine, { loaded: definition([step(a)]), pipelineName: 'p' });
    expect(same.Steps[0]?.CacheHitResult).toBeDefined();
    const changed = await runToEnd(h.engine, { loaded: definition([step(b)]), pipelineName: 'p' });
    expect(changed.Steps[0]?.CacheHitResult).toBeUndefined();
    expect(changed.Steps[0]?.CacheMissReason).toContain('sagepipe:FunctionArn');
    expect(changed.Steps[0]?.Properties).toEqual({ OutputParameters: { n: 2 } });
  });
});

describe('tuning completion criteria', () => {
  it('GIVEN a target objective value WHEN a trial reaches it THEN no further trials start', async () => {
    h = harness();
    h.backend.trainingCurve = () => [0.1];
    const step = tuningStep('Random', 5, 1) as any;
    step.Arguments.HyperParameterTuningJobConfig.TuningJobCompletionCriteria = { TargetObjectiveMetricValue: 0.2 };
    const record = await runToEnd(h.engine, { loaded: definition([step]), pipelineName: 'p' });
    expect(record.PipelineExecutionStatus).toBe('Succeeded');
    expect(h.backend.calls.filter((c) => c.kind === 'training')).toHaveLength(1);
  });
});
