/**
 * The local runner's JobBackend: CreateProcessingJob / CreateTrainingJob requests run as containers (Docker or
 * processes) on SageMaker's container contracts, with a file-based S3, model store and model registry.
 */
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json, JsonObject, PipelineDefinition } from '../src/definition/types.ts';
import { type ImageBuildReporter, type ImagePlan, type JobBackend, type JobContext, JobFailure, type JobResult, type RunPreparation } from '../src/engine/backend.ts';
import { type JobIdentity, describeModel, describeModelPackage, describeProcessingJob, describeTrainingJob } from './describe.ts';
import { ErrorCode, type Issue, SagepipeError, errorMessage, isSagepipeError } from '../src/errors.ts';
import type { LoadedDefinition } from '../src/definition/loader.ts';
import { imageIssues, missingInputIssues } from './preflight.ts';
import { extractModel, packModel } from '../containers/runtime/model-archive.ts';
import { MetricsCollector } from './metrics.ts';
import { OutputDigest, jobFailureReason } from './failure-reason.ts';
import { assertConfinedTree, confinedJoin } from '../src/util/confine.ts';
import type { ModelStore } from './model-store.ts';
import type { FileRegistry, ModelPackage } from './registry/file-registry.ts';
import type { ImagePurpose } from './images/catalogue.ts';
import { ImageResolver, type ResolvedImage, imageReady } from './images/resolve.ts';
import type { ContentTags } from './images/build-context.ts';
import type { ContainerRuntime, ContainerSpec } from './runtime/runtime.ts';
import { jobResources } from './runtime/resources.ts';
import type { LocalS3 } from './s3/local-s3.ts';
import type { LambdaInvocation } from '../src/engine/backend.ts';
import { describeTransformJob } from './describe.ts';
import { type LambdaFunctions, PROJECT_CONFIG_FILE } from './config/lambda-functions.ts';
import { invokeLocalLambda } from './lambda/lambda-runner.ts';
import { runTransform } from './transform/transform-job.ts';

export interface LocalBackendOptions {
  readonly s3: LocalS3;
  readonly registry: FileRegistry;
  readonly models: ModelStore;
  /** Where job folders (standing in for each container's `/`) are made. */
  readonly jobsDir: string;
  readonly runtime: ContainerRuntime;
  /** sagepipe's version: the tag of its images. */
  readonly version: string;
  readonly region: string;
  readonly account: string;
  /** Relative local input paths are resolved against this folder. @default process.cwd() */
  readonly cwd?: string;
  /** Makes an image available (builds sagepipe's own on demand). @default none: a missing image fails the job */
  readonly ensureImage?: (image: ResolvedImage, log: (line: string) => void) => Promise<void>;
  /** Local handlers of Lambda functions, by FunctionArn (the project config's `lambdaFunctions`). @default none */
  readonly lambdaFunctions?: LambdaFunctions;
  /**
   * Give jobs a network (Docker's default bridge). Local jobs read and write files only, so by default they get none.
   * @default false
   */
  readonly jobNetwork?: boolean;
  /**
   * Accept inputs that are local paths (file:// or a path) besides s3:// URIs. A server taking definitions from
   * clients turns this off: a client must not make the host read its files. @default true
   */
  readonly localInputs?: boolean;
  /** Image URI or repository → local image (the project config's `imageMap` and `--image-map`). @default {} */
  readonly imageMap?: Readonly<Record<string, string>>;
  /** sagepipe's images by content (see build-context.ts): Docker runs the one built from this checkout. @default none */
  readonly contentTags?: ContentTags;
  /** Keep job folders after success (they are always kept after a failure). @default false */
  readonly keepJobFolders?: boolean;
  readonly now?: () => Date;
}

const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/**
 * A request's `Environment`, values as strings. Node in the job maps stack traces through the bundle's source map
 * (to the step's TypeScript file and line) unless the request sets NODE_OPTIONS itself.
 */
const environmentOf = (request: JsonObject): Record<string, string> => ({
  NODE_OPTIONS: '--enable-source-maps',
  ...Object.fromEntries(Object.entries(obj(request.Environment)).map(([k, v]) => [k, str(v) ?? ''])),
});

/** `StoppingCondition.MaxRuntimeInSeconds` as a container time limit, when given. */
function timeoutOf(request: JsonObject): { timeoutSeconds?: number } {
  const seconds = obj(request.StoppingCondition).MaxRuntimeInSeconds;
  return typeof seconds === 'number' ? { timeoutSeconds: seconds } : {};
}

/** The SDK JSON-encodes hyperparameter values (`"\"train.py\""`); the training toolkit decodes what parses. */
export function decodeHyperparameter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

/** The image each step that runs a container names, with what it is for; condition branches included. */
interface StepImage {
  readonly step: string;
  readonly uri: string;
  readonly purpose: ImagePurpose;
  /** Runs a user's script (processing, framework-mode training) rather than the image's own program. */
  readonly scripts: boolean;
}

function stepImages(steps: readonly JsonObject[], parameters: ReadonlyMap<string, string | number | boolean>): StepImage[] {
  const found: StepImage[] = [];
  const literal = (v: Json | undefined): string | undefined => {
    if (typeof v === 'string') return v;
    // A parameter's value is known at the start; other expressions are resolved when the step runs.
    const get = obj(v).Get;
    if (typeof get === 'string' && get.startsWith('Parameters.')) {
      const value = parameters.get(get.slice('Parameters.'.length));
      return value === undefined ? undefined : String(value);
    }
    return undefined;
  };
  for (const step of steps) {
    const args = obj(step.Arguments);
    const name = str(step.Name) ?? '?';
    if (step.Type === 'Processing') {
      const uri = literal(obj(args.AppSpecification).ImageUri);
      if (uri) found.push({ step: name, uri, purpose: 'processing', scripts: true });
    } else if (step.Type === 'Training') {
      const uri = literal(obj(args.AlgorithmSpecification).TrainingImage);
      if (uri) found.push({ step: name, uri, purpose: 'training', scripts: obj(args.HyperParameters).sagemaker_program !== undefined });
    } else if (step.Type === 'Condition') {
      found.push(...stepImages([...list(args.IfSteps), ...list(args.ElseSteps)], parameters));
    }
  }
  return found;
}

export class LocalBackend implements JobBackend {
  private readonly now: () => Date;
  private readonly images: ImageResolver;
  private readonly building = new Map<string, Promise<void>>();
  /** What each planned local image resolved from (prepare), for the image-build phase. */
  private readonly planned = new Map<string, ResolvedImage>();
  /** Images the last image-build phase could not build, with why: their steps fail with it rather than build again. */
  private readonly failedBuilds = new Map<string, string>();
  constructor(private readonly options: LocalBackendOptions) {
    this.now = options.now ?? (() => new Date());
    const runtime = options.runtime;
    this.images = new ImageResolver({
      version: options.version,
      imageMap: options.imageMap ?? {},
      // Only Docker builds images; the process runtime runs this checkout's programs whatever the tag.
      ...(options.contentTags && runtime.kind === 'docker' ? { contentTags: options.contentTags } : {}),
      // Only Docker has images of arbitrary names; the process runtime runs sagepipe's own only.
      ...(runtime.kind === 'docker' ? { hasLocalImage: (name: string) => runtime.hasImage(name) } : {}),
    });
  }

  /**
   * The images the steps that will run use, with the parameter values (checkDefinition has checked the literal ones):
   * which local image stands in for each, reported before the first step; one given by a parameter that cannot run
   * stops the start here.
   */
  async prepare(definition: PipelineDefinition, parameters: ReadonlyMap<string, string | number | boolean>, steps?: ReadonlySet<string>): Promise<RunPreparation> {
    const plans: ImagePlan[] = [];
    const problems: { path: string; message: string }[] = [];
    for (const { step, uri, purpose, scripts } of stepImages(definition.Steps as unknown as JsonObject[], parameters)) {
      // Steps a selective execution takes from its source do not run.
      if (steps !== undefined && !steps.has(step)) continue;
      try {
        const resolved = await this.images.resolve(uri, purpose);
        await this.options.runtime.preflight?.(resolved.local, scripts);
        this.planned.set(resolved.local, resolved);
        plans.push({ StepName: step, Requested: uri, Local: resolved.local, ...(resolved.substitution ? { Substitution: resolved.substitution } : {}) });
      } catch (error) {
        problems.push({ path: `Steps.${step}`, message: errorMessage(error) });
      }
    }
    if (problems.length === 1) throw new SagepipeError(ErrorCode.ImageUnavailable, `step ${problems[0]?.path.slice(6)}: ${problems[0]?.message}`, { path: problems[0]?.path });
    if (problems.length > 1) throw new SagepipeError(ErrorCode.ImageUnavailable, `${problems.length} steps name images that cannot run here`, { issues: problems });
    return { images: plans };
  }

  /**
   * The image-build phase: sagepipe's own images that the plan names and that are missing (or predate this sagepipe)
   * are built now, one after the other, before the first step. Other missing images cannot be built here: their steps
   * fail as they start, saying so.
   */
  async provisionImages(images: readonly ImagePlan[], report: ImageBuildReporter): Promise<void> {
    this.failedBuilds.clear();
    const ensure = this.options.ensureImage;
    if (!ensure) return;
    const steps = new Map<string, string[]>();
    for (const plan of images) steps.set(plan.Local, [...(steps.get(plan.Local) ?? []), plan.StepName]);
    for (const [local, names] of steps) {
      const resolved = this.planned.get(local);
      if (!resolved?.project || (await imageReady(this.options.runtime, resolved))) continue;
      report.started(local, names);
      const started = Date.now();
      try {
        await this.buildOnce(resolved, (line) => report.log(local, line), ensure);
        report.finished(local, Date.now() - started, undefined);
      } catch (error) {
        this.failedBuilds.set(local, errorMessage(error));
        report.finished(local, Date.now() - started, errorMessage(error));
      }
    }
  }

  /** Builds an image once however many ask at the same time. */
  private buildOnce(resolved: ResolvedImage, log: (line: string) => void, ensure: NonNullable<LocalBackendOptions['ensureImage']>): Promise<void> {
    let building = this.building.get(resolved.local);
    if (!building) {
      building = ensure(resolved, log).finally(() => this.building.delete(resolved.local));
      this.building.set(resolved.local, building);
    }
    return building;
  }

  /**
   * Before an execution starts: literal job images resolve (and can run on this runtime: the process runtime's python3
   * has the image's modules), literal S3 reads exist (see preflight.ts).
   */
  async checkDefinition(loaded: LoadedDefinition, steps?: ReadonlySet<string>): Promise<readonly Issue[]> {
    const images = await imageIssues(
      loaded,
      async (uri, purpose, args) => {
        const resolved = await this.images.resolve(uri, purpose);
        await this.options.runtime.preflight?.(resolved.local, purpose === 'processing' || obj(args.HyperParameters).sagemaker_program !== undefined);
      },
      steps,
    );
    const inputs = await missingInputIssues(loaded, async (uri) => (await this.options.s3.list(uri)).length > 0, steps);
    return [...images, ...inputs, ...this.lambdaIssues(loaded, steps)];
  }

  private identity(name: string, start: Date): JobIdentity {
    return { region: this.options.region, account: this.options.account, name, startTime: start.toISOString(), endTime: this.now().toISOString() };
  }

  private jobRoot(ctx: JobContext): string {
    return join(this.options.jobsDir, ctx.executionId, ctx.jobName);
  }

  /** Copies an input (s3://, file:// or a local path) into a folder, as a File-mode input. */
  private async stageInput(uri: string, destination: string, what: string): Promise<void> {
    await mkdir(destination, { recursive: true });
    if (uri.startsWith('s3://')) {
      try {
        await this.options.s3.downloadPrefix(uri, destination);
      } catch (error) {
        throw new JobFailure('ClientError', `ClientError: ${what}: ${errorMessage(error)}`);
      }
      return;
    }
    if (this.options.localInputs === false) {
      throw new JobFailure('ClientError', `ClientError: ${what}: ${uri} is a local path, and this runner only takes s3:// inputs (local paths are turned off)`);
    }
    const path = uri.startsWith('file://') ? fileURLToPath(uri) : isAbsolute(uri) ? uri : resolve(this.options.cwd ?? process.cwd(), uri);
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new JobFailure('ClientError', `ClientError: ${what}: local path ${path} does not exist`);
    }
    if (info.isDirectory() && (destination === path || destination.startsWith(`${path}${sep}`))) {
      throw new JobFailure('ClientError', `ClientError: ${what}: local folder ${path} holds the workspace (${destination}); choose a folder outside it`);
    }
    // Copied, never modified in place.
    try {
      if (info.isDirectory()) await cp(path, destination, { recursive: true });
      else await cp(path, join(destination, basename(path)));
    } catch (error) {
      throw new JobFailure('ClientError', `ClientError: ${what}: cannot copy ${path}: ${errorMessage(error)}`);
    }
  }

  private async image(uri: string, purpose: ImagePurpose, ctx: JobContext): Promise<string> {
    let resolved: ResolvedImage;
    try {
      resolved = await this.images.resolve(uri, purpose);
    } catch (error) {
      throw new JobFailure('ClientError', `ClientError: ${errorMessage(error)}`);
    }
    if (!(await imageReady(this.options.runtime, resolved))) {
      const failed = this.failedBuilds.get(resolved.local);
      if (failed !== undefined) throw new JobFailure('ClientError', `ClientError: image ${resolved.local} could not be built: ${failed}`);
      if (resolved.project && this.options.ensureImage) {
        // Only images the build phase did not know (named by a property, or for a model) are built here, inside the step.
        ctx.log(`image ${resolved.local} is missing: building it (once)`, 'stdout');
        try {
          await this.buildOnce(resolved, (l) => ctx.log(l, 'stdout'), this.options.ensureImage);
        } catch (error) {
          throw new JobFailure('ClientError', `ClientError: image ${resolved.local} could not be built: ${errorMessage(error)}`);
        }
      } else {
        if (this.options.runtime.kind === 'process' && !resolved.project) {
          throw new JobFailure('ClientError', `ClientError: image ${resolved.local} cannot run under the process runtime (only sagepipe's own images can): use --runtime docker`);
        }
        const how = resolved.project ? "build it with 'sagepipe images build'" : 'pull or build it yourself';
        throw new JobFailure('ClientError', `ClientError: image ${resolved.local} (for ${uri}) is not available locally: ${how}`);
      }
    }
    return resolved.local;
  }

  /**
   * Framework mode: the source archive (`sagemaker_submit_directory`) extracted into /opt/ml/code. SageMaker's
   * container downloads it itself; here the container has no S3, so the runner puts it in place.
   */
  private async stageSourceDirectory(uri: string | undefined, code: string, scratch: string): Promise<void> {
    if (!uri) return;
    await mkdir(code, { recursive: true });
    if (!uri.endsWith('.tar.gz')) {
      await this.stageInput(uri, code, 'sagemaker_submit_directory');
      return;
    }
    // Downloaded beside the job's opt/ml (not inside it, so the container never sees it), extracted, removed.
    await this.stageInput(uri, scratch, 'sagemaker_submit_directory');
    try {
      const [archive] = await readdir(scratch);
      await extractModel(join(scratch, archive ?? ''), code);
    } catch (error) {
      throw new JobFailure('ClientError', `ClientError: sagemaker_submit_directory ${uri} is not a readable .tar.gz: ${errorMessage(error)}`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async runContainer(spec: ContainerSpec, ctx: JobContext, what: string, onLine?: (line: string) => void): Promise<{ exitCode: number; digest: OutputDigest }> {
    // Only a digest of the output is kept here (the log goes to the store as it comes): memory stays constant.
    const digest = new OutputDigest();
    const log = (line: string, stream: 'stdout' | 'stderr') => {
      digest.feed(line, stream);
      onLine?.(line);
      ctx.log(line, stream);
    };
    let result;
    try {
      result = await this.options.runtime.run(spec, log, ctx.signal);
    } catch (error) {
      if (isSagepipeError(error) && error.code === 'IMAGE_UNAVAILABLE') throw new JobFailure('ClientError', `ClientError: ${error.message}`);
      throw new JobFailure('Step.SERVICE_FAULT', `the ${this.options.runtime.kind} runtime failed to run ${what}: ${errorMessage(error)}`);
    }
    if (result.stopped || ctx.signal.aborted) throw new JobFailure('Stopped', `${what} was stopped`);
    if (result.timedOut) {
      throw new JobFailure('ClientError', `${what} exceeded MaxRuntimeInSeconds (${spec.timeoutSeconds} s) and was stopped`);
    }
    return { exitCode: result.exitCode, digest };
  }

  /** Where a failed job's user finds the rest. */
  private logHint(ctx: JobContext, root: string): string {
    return `full log: sagepipe executions logs ${ctx.executionId} ${ctx.stepName}; job folder kept at ${root}`;
  }

  /** A folder a container wrote, checked to stay inside its job folder before the host reads it. */
  private async confined(root: string, path: string, what: string): Promise<string> {
    try {
      return await assertConfinedTree(root, path, what);
    } catch (error) {
      throw new JobFailure('ClientError', `ClientError: ${errorMessage(error)}`);
    }
  }

  /** A container path from a request, as a host path inside the job folder. */
  private hostPath(root: string, containerPath: string, what: string): string {
    try {
      return confinedJoin(root, containerPath);
    } catch (error) {
      throw new JobFailure('ClientError', `ClientError: ${what}: ${errorMessage(error)}`);
    }
  }

  async runProcessingJob(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    const start = this.now();
    const root = this.jobRoot(ctx);
    await rm(root, { recursive: true, force: true });
    await mkdir(join(root, 'opt/ml/config'), { recursive: true });
    const readOnly: string[] = [];
    for (const input of list(request.ProcessingInputs)) {
      const s3 = obj(input.S3Input);
      const name = str(input.InputName) ?? '?';
      const uri = str(s3.S3Uri);
      const local = str(s3.LocalPath);
      if (!uri || !local) throw new JobFailure('ClientError', `ClientError: input '${name}' needs S3Input.S3Uri and S3Input.LocalPath`);
      if (!local.startsWith('/opt/ml/processing/')) throw new JobFailure('ClientError', `ClientError: input '${name}': LocalPath ${local} must be under /opt/ml/processing/`);
      if (str(s3.S3DataType) === 'ManifestFile') throw new JobFailure('ClientError', `ClientError: input '${name}': ManifestFile inputs are not supported locally`);
      if (str(s3.S3InputMode) === 'Pipe') throw new JobFailure('ClientError', `ClientError: input '${name}': Pipe mode is not supported locally (use File)`);
      await this.stageInput(uri, this.hostPath(root, local, `input '${name}'`), `input '${name}'`);
      readOnly.push(local);
    }
    const outputs = list(obj(request.ProcessingOutputConfig).Outputs);
    for (const o of outputs) {
      const local = str(obj(o.S3Output).LocalPath);
      if (!local || !local.startsWith('/opt/ml/processing/')) {
        throw new JobFailure('ClientError', `ClientError: output '${str(o.OutputName)}': LocalPath ${local} must be under /opt/ml/processing/`);
      }
      await mkdir(this.hostPath(root, local, `output '${str(o.OutputName)}'`), { recursive: true });
    }
    await writeFile(join(root, 'opt/ml/config/processingjobconfig.json'), JSON.stringify({ ...request, ProcessingJobName: ctx.jobName }, null, 2));
    await writeFile(join(root, 'opt/ml/config/resourceconfig.json'), JSON.stringify({ current_host: 'algo-1', hosts: ['algo-1'] }));

    const app = obj(request.AppSpecification);
    const image = await this.image(str(app.ImageUri) ?? '', 'processing', ctx);
    const spec: ContainerSpec = {
      image,
      ...(Array.isArray(app.ContainerEntrypoint) ? { entrypoint: app.ContainerEntrypoint.map((v) => str(v) ?? '') } : {}),
      args: Array.isArray(app.ContainerArguments) ? app.ContainerArguments.map((v) => str(v) ?? '') : [],
      env: environmentOf(request),
      root,
      readOnlyPaths: readOnly,
      labels: { 'sagepipe.execution': ctx.executionId, 'sagepipe.step': ctx.stepName, 'sagepipe.job': ctx.jobName },
      networkIsolation: obj(request.NetworkConfig).EnableNetworkIsolation === true || !this.options.jobNetwork,
      resources: jobResources(str(obj(obj(request.ProcessingResources).ClusterConfig).InstanceType)),
      ...timeoutOf(request),
    };
    const { exitCode, digest } = await this.runContainer(spec, ctx, `processing job ${ctx.jobName}`);
    if (exitCode !== 0) {
      const { reason, fromFailureFile } = await jobFailureReason(root, exitCode, digest, this.logHint(ctx, root));
      throw new JobFailure(
        fromFailureFile && reason.startsWith('ClientError') ? 'ClientError' : 'AlgorithmError',
        reason,
        describeProcessingJob(request, this.identity(ctx.jobName, start), 'Failed', { ExitMessage: reason, FailureReason: reason }),
      );
    }
    for (const o of outputs) {
      const s3 = obj(o.S3Output);
      const uri = str(s3.S3Uri) ?? '';
      const folder = await this.confined(root, this.hostPath(root, str(s3.LocalPath) ?? '', `output '${str(o.OutputName)}'`), `output '${str(o.OutputName)}'`);
      try {
        await this.options.s3.uploadDirectory(folder, uri);
      } catch (error) {
        throw new JobFailure('ClientError', `ClientError: output '${str(o.OutputName)}' could not be uploaded to ${uri}: ${errorMessage(error)}`);
      }
    }
    if (!this.options.keepJobFolders) await rm(root, { recursive: true, force: true });
    return { properties: describeProcessingJob(request, this.identity(ctx.jobName, start), 'Completed') };
  }

  async runTrainingJob(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    const start = this.now();
    const root = this.jobRoot(ctx);
    await rm(root, { recursive: true, force: true });
    const ml = join(root, 'opt/ml');
    await mkdir(join(ml, 'input/config'), { recursive: true });
    await mkdir(join(ml, 'model'), { recursive: true });
    await mkdir(join(ml, 'output/data'), { recursive: true });
    const channels: Record<string, JsonObject> = {};
    for (const channel of list(request.InputDataConfig)) {
      const name = str(channel.ChannelName);
      const source = obj(obj(channel.DataSource).S3DataSource);
      const uri = str(source.S3Uri);
      if (!name || !uri) throw new JobFailure('ClientError', 'ClientError: every channel needs a ChannelName and DataSource.S3DataSource.S3Uri');
      await this.stageInput(uri, join(ml, 'input/data', name), `channel '${name}'`);
      channels[name] = {
        ContentType: str(channel.ContentType) ?? null,
        TrainingInputMode: str(channel.InputMode) ?? str(obj(request.AlgorithmSpecification).TrainingInputMode) ?? 'File',
        S3DistributionType: str(source.S3DataDistributionType) ?? 'FullyReplicated',
        RecordWrapperType: str(channel.RecordWrapperType) ?? 'None',
      };
    }
    const hyperparameters = Object.fromEntries(Object.entries(obj(request.HyperParameters)).map(([k, v]) => [k, str(v) ?? '']));
    await writeFile(join(ml, 'input/config/hyperparameters.json'), JSON.stringify(hyperparameters, null, 2));
    await writeFile(join(ml, 'input/config/inputdataconfig.json'), JSON.stringify(channels, null, 2));
    await writeFile(join(ml, 'input/config/resourceconfig.json'), JSON.stringify({ current_host: 'algo-1', hosts: ['algo-1'], network_interface_name: 'eth0' }));
    await this.stageSourceDirectory(decodeHyperparameter(hyperparameters.sagemaker_submit_directory), join(ml, 'code'), join(root, 'sourcedir'));

    const algorithm = obj(request.AlgorithmSpecification);
    const image = await this.image(str(algorithm.TrainingImage) ?? '', 'training', ctx);
    const spec: ContainerSpec = {
      image,
      // AlgorithmSpecification.ContainerEntrypoint / ContainerArguments override the image's, as on SageMaker.
      ...(Array.isArray(algorithm.ContainerEntrypoint) ? { entrypoint: algorithm.ContainerEntrypoint.map((v) => str(v) ?? '') } : {}),
      args: Array.isArray(algorithm.ContainerArguments) ? algorithm.ContainerArguments.map((v) => str(v) ?? '') : ['train'],
      env: environmentOf(request),
      root,
      readOnlyPaths: ['/opt/ml/input/data'],
      labels: { 'sagepipe.execution': ctx.executionId, 'sagepipe.step': ctx.stepName, 'sagepipe.job': ctx.jobName },
      networkIsolation: request.EnableNetworkIsolation === true || !this.options.jobNetwork,
      resources: jobResources(str(obj(request.ResourceConfig).InstanceType)),
      ...timeoutOf(request),
    };
    const collector = new MetricsCollector(list(algorithm.MetricDefinitions));
    const { exitCode, digest } = await this.runContainer(spec, ctx, `training job ${ctx.jobName}`, (line) => collector.feed(line));
    const metrics = collector.result(this.now());
    if (exitCode !== 0) {
      const { reason, fromFailureFile } = await jobFailureReason(root, exitCode, digest, this.logHint(ctx, root));
      throw new JobFailure(
        fromFailureFile && reason.startsWith('ClientError') ? 'ClientError' : 'AlgorithmError',
        reason,
        describeTrainingJob(request, this.identity(ctx.jobName, start), 'Failed', { FailureReason: reason, FinalMetricDataList: metrics }),
      );
    }
    const properties = describeTrainingJob(request, this.identity(ctx.jobName, start), 'Completed', { FinalMetricDataList: metrics });
    const artifact = String(obj(properties.ModelArtifacts).S3ModelArtifacts);
    const archive = join(root, 'model.tar.gz');
    const modelDir = await this.confined(root, join(ml, 'model'), '/opt/ml/model');
    const files = await readdir(modelDir).catch(() => [] as string[]);
    if (files.length === 0) throw new JobFailure('AlgorithmError', 'AlgorithmError: the training job wrote nothing to /opt/ml/model');
    await packModel(modelDir, archive, files.sort());
    await this.options.s3.putFile(artifact, archive);
    if (!this.options.keepJobFolders) await rm(root, { recursive: true, force: true });
    return { properties };
  }

  async createModel(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    const start = this.now();
    const container = obj(request.PrimaryContainer);
    const data = str(container.ModelDataUrl);
    if (data?.startsWith('s3://') && !(await this.options.s3.headObject(data))) {
      throw new JobFailure('ClientError', `ClientError: ModelDataUrl ${data} does not exist`);
    }
    const name = str(request.ModelName) ?? ctx.jobName;
    const model = describeModel({ ...request, ModelName: name }, this.identity(name, start));
    await this.options.models.save({ ...model, ModelName: name, 'sagepipe:Source': { PipelineExecutionArn: ctx.executionArn, StepName: ctx.stepName } });
    return { properties: model };
  }

  async createModelPackage(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    const start = this.now();
    const group = str(request.ModelPackageGroupName);
    if (!group) throw new JobFailure('ClientError', 'ClientError: ModelPackageGroupName is required');
    const status = str(request.ModelApprovalStatus) ?? 'PendingManualApproval';
    if (!['PendingManualApproval', 'Approved', 'Rejected'].includes(status)) {
      throw new JobFailure('ClientError', `ClientError: ModelApprovalStatus '${status}' is not PendingManualApproval, Approved or Rejected`);
    }
    // The metrics' content is kept with the version, so the registry shows them without S3.
    const stats = str(obj(obj(obj(request.ModelMetrics).ModelQuality).Statistics).S3Uri);
    let content: Json | undefined;
    if (stats?.startsWith('s3://')) {
      try {
        content = JSON.parse((await this.options.s3.getObject(stats)).toString('utf8')) as Json;
      } catch (error) {
        throw new JobFailure('ClientError', `ClientError: ModelMetrics statistics ${stats}: ${errorMessage(error)}`);
      }
    }
    const record = await this.options.registry.createPackage(group, start.toISOString(), (version) => {
      const described = describeModelPackage(request, this.identity(group, start), version);
      return {
        ...described,
        ModelPackageArn: this.options.registry.packageArn(group, version),
        ...(content === undefined ? {} : { 'sagepipe:ModelMetricsContent': { ModelQuality: { Statistics: content } } }),
        MetadataProperties: { GeneratedBy: ctx.executionArn },
        ModelApprovalStatus: status,
      } as unknown as ModelPackage;
    }, { PipelineExecutionArn: ctx.executionArn, StepName: ctx.stepName });
    return { properties: Object.fromEntries(Object.entries(record).filter(([k]) => !k.startsWith('sagepipe:'))) as JsonObject };
  }

  async runTransformJob(request: JsonObject, ctx: JobContext): Promise<JobResult> {
    const start = this.now();
    const root = this.jobRoot(ctx);
    try {
      await runTransform(request, ctx, {
        s3: this.options.s3,
        models: this.options.models,
        runtime: this.options.runtime,
        root,
        image: (uri) => this.image(uri, 'inference', ctx),
      });
    } catch (error) {
      const reason = errorMessage(error);
      const kind = error instanceof JobFailure ? error.kind : 'Step.SERVICE_FAULT';
      throw new JobFailure(kind, reason, describeTransformJob(request, this.identity(ctx.jobName, start), kind === 'Stopped' ? 'Stopped' : 'Failed', { FailureReason: reason }));
    }
    if (!this.options.keepJobFolders) await rm(root, { recursive: true, force: true });
    return { properties: describeTransformJob(request, this.identity(ctx.jobName, start), 'Completed') };
  }

  async invokeLambda(invocation: LambdaInvocation, ctx: JobContext): Promise<JsonObject> {
    const handler = this.lambdaHandler(invocation.functionArn);
    if (!handler) throw new JobFailure('ClientError', `ClientError: no local handler for Lambda function ${invocation.functionArn} (map it under lambdaFunctions in ${PROJECT_CONFIG_FILE})`);
    return invokeLocalLambda(handler, invocation.functionArn, invocation.event, this.jobRoot(ctx), ctx);
  }

  /** A function's handler, mapped by its full ARN or by its name (`function:<name>`, any region and account). */
  private lambdaHandler(arn: string) {
    const functions = this.options.lambdaFunctions;
    return functions?.get(arn) ?? functions?.get(/:function:([^:]+)/.exec(arn)?.[1] ?? arn);
  }

  /** Every Lambda step's function must have a local handler before anything runs. */
  private lambdaIssues(loaded: LoadedDefinition, steps?: ReadonlySet<string>): Issue[] {
    return [...loaded.graph.nodes.values()]
      .filter((s) => (steps === undefined || steps.has(s.name)) && s.type === 'Lambda' && !this.lambdaHandler(String(s.definition.FunctionArn)))
      .map((s) => ({
        path: `${s.path}.FunctionArn`,
        message: `step '${s.name}': Lambda function ${String(s.definition.FunctionArn)} has no local handler: add it under "lambdaFunctions" in ${PROJECT_CONFIG_FILE} (FunctionArn → a .mjs/.js or .py file)`,
      }));
  }

  async readObject(uri: string): Promise<Uint8Array> {
    return this.options.s3.getObject(uri);
  }
}
