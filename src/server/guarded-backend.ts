/**
 * The local backend as `serve` exposes it to remote callers: a job may read only S3 inputs (not the serving host's
 * files), and under the process runtime — where a job is a process of the serving user — may not name its own
 * entrypoint (host code). Both are allowed again only by flags the person starting `serve` gives.
 */
import type { JsonObject } from '../definition/types.ts';
import { type JobBackend, type JobContext, type JobResult, JobFailure, type LambdaInvocation } from '../engine/backend.ts';
import { FrameworkHyperparameter } from '../../containers/contract/environment.ts';

export interface ServePolicy {
  /** Inputs may be local paths or file:// URIs on the serving host (`--allow-local-paths`). @default false */
  readonly allowLocalPaths: boolean;
  /** Under the process runtime, jobs may run their own entrypoint as host processes (`--allow-host-code`). @default false */
  readonly allowHostCode: boolean;
}

const obj = (v: unknown): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : {});
const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map(obj) : []);

function refuseLocal(uris: readonly unknown[], what: string): void {
  for (const uri of uris) {
    if (typeof uri === 'string' && !uri.startsWith('s3://')) {
      throw new JobFailure('ClientError', `ClientError: ${what} '${uri}' is not an s3:// URI; sagepipe serve reads inputs from S3 only (start it with --allow-local-paths to let requests read the serving host's files)`);
    }
  }
}

export class GuardedBackend implements JobBackend {
  /** The inner backend's pre-run checks, as they are (present only when it has them). */
  readonly prepare?: JobBackend['prepare'];
  readonly checkDefinition?: JobBackend['checkDefinition'];

  constructor(
    private readonly inner: JobBackend,
    private readonly runtimeKind: 'docker' | 'process',
    private readonly policy: ServePolicy,
  ) {
    if (inner.prepare) this.prepare = inner.prepare.bind(inner);
    if (inner.checkDefinition) this.checkDefinition = inner.checkDefinition.bind(inner);
  }

  private checkEntrypoint(entrypoint: unknown): void {
    if (this.runtimeKind === 'process' && !this.policy.allowHostCode && Array.isArray(entrypoint) && entrypoint.length > 0) {
      throw new JobFailure(
        'ClientError',
        'ClientError: ContainerEntrypoint runs as a process of the serving user under the process runtime; sagepipe serve refuses it (use the Docker runtime, or start serve with --allow-host-code)',
      );
    }
  }

  async runProcessingJob(request: JsonObject, context: JobContext): Promise<JobResult> {
    if (!this.policy.allowLocalPaths) refuseLocal(list(request.ProcessingInputs).map((i) => obj(i.S3Input).S3Uri), 'ProcessingInput');
    this.checkEntrypoint(obj(request.AppSpecification).ContainerEntrypoint);
    return this.inner.runProcessingJob(request, context);
  }

  async runTrainingJob(request: JsonObject, context: JobContext): Promise<JobResult> {
    if (!this.policy.allowLocalPaths) refuseLocal(list(request.InputDataConfig).map((c) => obj(obj(c.DataSource).S3DataSource).S3Uri), 'InputDataConfig');
    this.checkEntrypoint(obj(request.AlgorithmSpecification).ContainerEntrypoint);
    // Script mode (the SDK's framework estimators) names the user's program in the hyperparameters.
    const hyper = obj(request.HyperParameters);
    if (hyper[FrameworkHyperparameter.program] !== undefined || hyper[FrameworkHyperparameter.submitDirectory] !== undefined) this.checkEntrypoint([FrameworkHyperparameter.program]);
    return this.inner.runTrainingJob(request, context);
  }

  createModel(request: JsonObject, context: JobContext): Promise<JobResult> {
    return this.inner.createModel(request, context);
  }

  createModelPackage(request: JsonObject, context: JobContext): Promise<JobResult> {
    return this.inner.createModelPackage(request, context);
  }

  /** Transform inputs are S3 only (the local runner refuses anything else). */
  runTransformJob(request: JsonObject, context: JobContext): Promise<JobResult> {
    return this.inner.runTransformJob(request, context);
  }

  /** Only handlers the operator mapped in the server's sagepipe.config.json can run; a request names one by its ARN. */
  invokeLambda(invocation: LambdaInvocation, context: JobContext): Promise<JsonObject> {
    return this.inner.invokeLambda(invocation, context);
  }

  readObject(s3Uri: string): Promise<Uint8Array> {
    return this.inner.readObject(s3Uri);
  }


}
