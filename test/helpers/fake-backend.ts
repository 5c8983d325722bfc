/** An in-memory JobBackend: answers with Describe-shaped properties, optionally holding or failing chosen steps. */
import type { JsonObject } from '../../src/definition/types.ts';
import { type FailureKind, type ImageBuildReporter, type ImagePlan, type JobBackend, type JobContext, JobFailure, type JobResult, type LambdaInvocation, type RunPreparation } from '../../src/engine/backend.ts';
import type { PipelineDefinition } from '../../src/definition/types.ts';
import type { LoadedDefinition } from '../../src/definition/loader.ts';
import { describeModel, describeModelPackage, describeProcessingJob, describeTrainingJob, describeTransformJob } from '../../local-runner/describe.ts';
import type { Issue } from '../../src/errors.ts';
import { type Deferred, deferred } from './deferred.ts';

export interface Call {
  readonly kind: 'processing' | 'training' | 'model' | 'modelPackage' | 'transform' | 'lambda';
  readonly step: string;
  readonly attempt: number;
  readonly request: JsonObject;
}

export class FakeBackend implements JobBackend {
  readonly calls: Call[] = [];
  readonly objects = new Map<string, string>();
  /** Steps whose jobs wait until the test releases them. */
  readonly held = new Map<string, Deferred<void>>();
  /** Failures to raise, per step, for the first N attempts. */
  readonly failures = new Map<string, { kind: FailureKind; times: number; reason: string }>();
  /** Files a processing step "writes" into its outputs: output name → file → content. */
  readonly writes = new Map<string, Record<string, Record<string, string>>>();
  /** What each Lambda function returns (or throws), by FunctionArn. */
  readonly lambdas = new Map<string, JsonObject | Error>();
  /** Training jobs' metric, from their hyperparameters: a number per round logged as `[i]#011validation-logloss:v`, or an Error to fail. */
  trainingCurve: ((hyperparameters: Record<string, string>) => number[] | Error) | undefined;
  running = 0;
  maxRunning = 0;
  /** What the backend checks before a run (none unless a test sets it). */
  prepare?: (definition: PipelineDefinition, parameters: ReadonlyMap<string, string | number | boolean>) => Promise<RunPreparation>;
  /** The image-build phase (none unless a test sets it). */
  provisionImages?: (images: readonly ImagePlan[], report: ImageBuildReporter) => Promise<void>;
  private packageVersions = new Map<string, number>();

  hold(step: string): Deferred<void> {
    const d = deferred<void>();
    this.held.set(step, d);
    return d;
  }

  private async job(kind: Call['kind'], request: JsonObject, ctx: JobContext, describe: () => JsonObject): Promise<JobResult> {
    this.calls.push({ kind, step: ctx.stepName, attempt: ctx.attempt, request });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      ctx.log(`running ${ctx.jobName}`, 'stdout');
      const held = this.held.get(ctx.stepName);
      if (held) {
        await new Promise<void>((resolve, reject) => {
          held.promise.then(resolve, reject);
          ctx.signal.addEventListener('abort', () => reject(new JobFailure('Stopped', 'stopped')), { once: true });
        });
      }
      const failure = this.failures.get(ctx.stepName);
      if (failure && failure.times > 0) {
        failure.times--;
        throw new JobFailure(failure.kind, failure.reason);
      }
      return { properties: describe() };
    } finally {
      this.running--;
    }
  }

  runProcessingJob(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    return this.job('processing', request, ctx, () => {
      const outputs = ((request.ProcessingOutputConfig as JsonObject | undefined)?.Outputs ?? []) as JsonObject[];
      const writes = this.writes.get(ctx.stepName) ?? {};
      for (const o of outputs) {
        const uri = String((o.S3Output as JsonObject).S3Uri);
        for (const [file, content] of Object.entries(writes[String(o.OutputName)] ?? {})) this.objects.set(`${uri}/${file}`, content);
      }
      return describeProcessingJob(request, this.identity(ctx), 'Completed');
    });
  }

  async runTrainingJob(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    const curve = this.trainingCurve?.((request.HyperParameters ?? {}) as Record<string, string>);
    if (curve !== undefined) {
      return this.job('training', request, ctx, () => {
        if (curve instanceof Error) throw new JobFailure('AlgorithmError', `AlgorithmError: ${curve.message}`);
        for (const [i, v] of curve.entries()) {
          if (ctx.signal.aborted) throw new JobFailure('Stopped', 'stopped');
          ctx.log(`[${i}]\ttrain-logloss:0.1\tvalidation-logloss:${v}`, 'stdout');
        }
        if (ctx.signal.aborted) throw new JobFailure('Stopped', 'stopped');
        return describeTrainingJob(request, this.identity(ctx), 'Completed', {
          FinalMetricDataList: [{ MetricName: 'validation:logloss', Value: curve[curve.length - 1] ?? 0, Timestamp: '2026-01-01T00:00:00.000Z' }],
        });
      });
    }
    return this.job('training', request, ctx, () =>
      describeTrainingJob(request, this.identity(ctx), 'Completed', {
        FinalMetricDataList: [{ MetricName: 'validation:logloss', Value: 0.29, Timestamp: '2026-01-01T00:00:00.000Z' }],
      }),
    );
  }

  createModel(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    return this.job('model', request, ctx, () => describeModel(request, this.identity(ctx)));
  }

  createModelPackage(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    return this.job('modelPackage', request, ctx, () => {
      const group = String(request.ModelPackageGroupName);
      const v = (this.packageVersions.get(group) ?? 0) + 1;
      this.packageVersions.set(group, v);
      return describeModelPackage(request, this.identity(ctx), v);
    });
  }

  runTransformJob(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    return this.job('transform', request, ctx, () => describeTransformJob(request, this.identity(ctx), 'Completed'));
  }

  async invokeLambda(invocation: LambdaInvocation, ctx: JobContext): Promise<JsonObject> {
    const result = await this.job('lambda', invocation.event, ctx, () => {
      const r = this.lambdas.get(invocation.functionArn);
      if (r instanceof Error) throw new JobFailure('AlgorithmError', `the function failed: ${r.message}`);
      return r ?? {};
    });
    return result.properties;
  }

  async checkDefinition(loaded: LoadedDefinition): Promise<readonly Issue[]> {
    return [...loaded.graph.nodes.values()]
      .filter((s) => s.type === 'Lambda' && !this.lambdas.has(String(s.definition.FunctionArn)))
      .map((s) => ({ path: `${s.path}.FunctionArn`, message: `no handler for ${String(s.definition.FunctionArn)}` }));
  }

  async readObject(uri: string): Promise<Uint8Array> {
    const content = this.objects.get(uri);
    if (content === undefined) throw new Error(`no such object: ${uri}`);
    return Buffer.from(content);
  }

  private identity(ctx: JobContext) {
    return { region: 'us-east-1', account: '000000000000', name: ctx.jobName, startTime: '2026-01-01T00:00:00.000Z', endTime: '2026-01-01T00:00:01.000Z' };
  }

  stepsCalled(): string[] {
    return this.calls.map((c) => c.step);
  }
}
