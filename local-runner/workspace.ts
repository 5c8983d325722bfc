/**
 * The composition root of local runs: opening a workspace gives its stores (local S3, execution store, model
 * registry, model store, pipelines), and from it the container runtime (Docker, or processes where no daemon
 * answers), the local backend and the endpoints are built. The CLI, `serve` and the library call this; nothing global.
 */
import { join, resolve } from 'node:path';
import { LocalBackend } from './local-backend.ts';
import { readLambdaFunctions } from './config/lambda-functions.ts';
import { ModelStore } from './model-store.ts';
import { FileRegistry } from './registry/file-registry.ts';
import { DockerRuntime } from './runtime/docker-runtime.ts';
import { ImageBuilder } from './runtime/image-builder.ts';
import { ProcessRuntime } from './runtime/process-runtime.ts';
import type { ContainerRuntime } from './runtime/runtime.ts';
import { LocalS3 } from './s3/local-s3.ts';
import { Endpoints } from './endpoints/endpoints.ts';
import { PipelinesStore } from './pipelines-store.ts';
import { PROJECT_IMAGES, type ProjectImage } from './images/catalogue.ts';
import { type ContentTags, contentTag, readContentTags, versionTag } from './images/build-context.ts';
import { parseImageMapArgs, readProjectConfig } from './config/project-config.ts';
import { packageRoot } from '../src/package-root.ts';
import { type CodeAsset, LOCAL_ACCOUNT } from '../src/compile/compile.ts';
import { ExecutionStore } from '../src/engine/store.ts';
import type { ExecutionRecord } from '../src/engine/records.ts';
import { recoverAbandoned } from '../src/engine/runner-lease.ts';
import { removeAbandonedJobs } from './abandoned-jobs.ts';
import { ErrorCode, SagepipeError } from '../src/errors.ts';
import { VERSION } from '../src/version.ts';

/** What opening a workspace needs from its host (the CLI's io, or the library's options). */
export interface HostEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The workspace folder: the option, else $SAGEPIPE_WORKSPACE, else `./.sagepipe`. */
export function workspaceDir(opts: { workspace?: string }, host: HostEnv): string {
  return resolve(host.cwd, opts.workspace ?? host.env.SAGEPIPE_WORKSPACE ?? '.sagepipe');
}

export type RuntimeChoice = 'docker' | 'process' | 'auto';

export interface LocalSession {
  readonly workspace: string;
  readonly s3: LocalS3;
  readonly store: ExecutionStore;
  readonly registry: FileRegistry;
  readonly models: ModelStore;
  /** Pipelines by name (CreatePipeline's records): serve's, and those a local run created or updated. */
  readonly pipelines: PipelinesStore;
  readonly region: string;
  readonly account: string;
  /** Folders searched for the project config (sagepipe.config.json), first match wins: the pipeline's, then cwd. */
  readonly projectDirs: string[];
  /** Image URI or repository → local image: sagepipe.config.json's `imageMap`, with `--image-map` over it. */
  readonly imageMap: Readonly<Record<string, string>>;
}

export function openSession(opts: { workspace?: string; region?: string; imageMap?: readonly string[] }, io: HostEnv): LocalSession {
  const workspace = workspaceDir(opts, io);
  const region = opts.region ?? io.env.AWS_REGION ?? 'us-east-1';
  const imageMap = { ...readProjectConfig(io.cwd).imageMap, ...parseImageMapArgs(opts.imageMap ?? []) };
  return {
    imageMap,
    workspace,
    s3: new LocalS3(join(workspace, 's3')),
    store: new ExecutionStore(workspace),
    registry: new FileRegistry(join(workspace, 'registry'), { region, account: LOCAL_ACCOUNT }),
    models: new ModelStore(join(workspace, 'models')),
    pipelines: new PipelinesStore(join(workspace, 'pipelines')),
    region,
    account: LOCAL_ACCOUNT,
    projectDirs: [io.cwd],
  };
}

export function parseRuntime(value: string | undefined): RuntimeChoice {
  const v = value ?? 'auto';
  if (v !== 'docker' && v !== 'process' && v !== 'auto') {
    throw new SagepipeError(ErrorCode.UsageError, `--runtime must be docker, process or auto (got '${v}')`);
  }
  return v;
}

/** Picks the runtime; with `auto`, Docker when a daemon answers, else processes with a notice. */
export async function selectRuntime(choice: RuntimeChoice, notice: (text: string) => void): Promise<ContainerRuntime> {
  if (choice === 'process') return new ProcessRuntime();
  const available = await DockerRuntime.available();
  if (available) return new DockerRuntime();
  if (choice === 'docker') {
    throw new SagepipeError(ErrorCode.ImageUnavailable, 'no Docker daemon answers (DOCKER_HOST or /var/run/docker.sock): start Docker, or use --runtime process');
  }
  notice('Docker is not available (no daemon answered): running jobs as processes (--runtime process). Start Docker to run them in containers.');
  return new ProcessRuntime();
}

/** Puts compiled step code into the workspace's S3; its keys are content hashes, so what is there is left as it is. */
export async function stageAssets(session: LocalSession, assets: readonly CodeAsset[]): Promise<void> {
  for (const asset of assets) {
    if (!(await session.s3.headObject(asset.s3Uri))) await session.s3.putObject(asset.s3Uri, asset.content);
  }
}

/**
 * Builds one of sagepipe's own images when a job or endpoint needs it: only this version's, and by content only the
 * one this checkout's files make (another tree's hash is another tree's image).
 */
async function buildProjectImage(builder: ImageBuilder, local: string, tags: ContentTags | undefined, log: (line: string) => void): Promise<void> {
  const m = new RegExp(`^sagepipe-(${PROJECT_IMAGES.join('|')}):(.+)$`).exec(local);
  if (!m) return;
  const image = m[1] as ProjectImage;
  const buildable = [versionTag(image, VERSION), ...(tags ? [contentTag(image, tags)] : [])];
  if (!buildable.includes(local)) {
    throw new SagepipeError(
      ErrorCode.ImageUnavailable,
      `${local} is not an image this sagepipe builds (it builds ${buildable.join(' or ')}): compile the pipeline again, or build that version`,
    );
  }
  // Asked for by version (a runner without content tags): that tag is made too.
  await builder.build(image, { version: VERSION, root: packageRoot(), ...(tags ? { contentTags: tags } : {}), tagVersion: local === versionTag(image, VERSION), progress: log });
}

/** Ends what a crashed runner of an execution left running (containers on this host, process trees). */
export function abandonedJobsRemover(session: LocalSession, runtime?: ContainerRuntime): (executionId: string) => Promise<void> {
  return async (executionId) => {
    await removeAbandonedJobs({ jobsDir: join(session.workspace, 'jobs'), ...(runtime instanceof DockerRuntime ? { docker: runtime } : {}) }, executionId);
  };
}

/** Brings non-final executions whose runner died up to date (Failed, or Stopped when asked), removing their jobs. */
export async function recoverExecution(session: LocalSession, id: string, status: 'Failed' | 'Stopped' = 'Failed'): Promise<{ record: ExecutionRecord; recovered: boolean }> {
  return recoverAbandoned(session.store, id, { removeJobs: abandonedJobsRemover(session), status });
}

export function localBackend(session: LocalSession, runtime: ContainerRuntime, io: HostEnv, options: { keepJobFolders?: boolean; jobNetwork?: boolean } = {}): LocalBackend {
  const builder = runtime instanceof DockerRuntime ? new ImageBuilder(runtime) : undefined;
  // Docker runs sagepipe's images by content; the process runtime runs this checkout's programs directly.
  const contentTags = builder ? readContentTags(packageRoot(), VERSION) : undefined;
  return new LocalBackend({
    s3: session.s3,
    registry: session.registry,
    models: session.models,
    jobsDir: join(session.workspace, 'jobs'),
    runtime,
    version: VERSION,
    region: session.region,
    account: session.account,
    cwd: io.cwd,
    lambdaFunctions: readLambdaFunctions(session.projectDirs),
    keepJobFolders: options.keepJobFolders ?? false,
    jobNetwork: options.jobNetwork ?? false,
    imageMap: session.imageMap,
    ...(contentTags ? { contentTags } : {}),
    ...(builder ? { ensureImage: (image, log) => buildProjectImage(builder, image.local, contentTags, log) } : {}),
  });
}

/** Local endpoints of the workspace; new ones are deployed with `runtime`. */
export function localEndpoints(session: LocalSession, runtime: ContainerRuntime): Endpoints {
  let docker: DockerRuntime | undefined;
  const contentTags = runtime instanceof DockerRuntime ? readContentTags(packageRoot(), VERSION) : undefined;
  const processRuntime = new ProcessRuntime();
  return new Endpoints({
    root: join(session.workspace, 'endpoints'),
    s3: session.s3,
    registry: session.registry,
    models: session.models,
    runtime,
    runtimeFor: (kind) => (kind === 'docker' ? (docker ??= new DockerRuntime()) : processRuntime),
    version: VERSION,
    region: session.region,
    account: session.account,
    imageMap: session.imageMap,
    ...(contentTags ? { contentTags } : {}),
    ...(runtime instanceof DockerRuntime ? { ensureImage: (image: string) => buildProjectImage(new ImageBuilder(runtime), image, contentTags, () => undefined) } : {}),
  });
}

