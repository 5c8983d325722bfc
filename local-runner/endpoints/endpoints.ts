/**
 * Local endpoints: a model's inference container (the `serve` contract: /ping, /invocations) started with its model
 * data on a loopback port, recorded as `<workspace>/endpoints/<name>.json` shaped like DescribeEndpoint. Endpoints
 * outlive the command that deployed them; one whose container died is reported Failed with its last log lines.
 */
import { sageMakerArn } from '../../src/arn.ts';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { freePort } from '../free-port.ts';
import { join } from 'node:path';
import type { Json, JsonObject } from '../../src/definition/types.ts';
import { writeFileAtomic } from '../../src/write-file-atomic.ts';
import { ErrorCode, SagepipeError, errorMessage } from '../../src/errors.ts';
import { extractModel } from '../../containers/runtime/model-archive.ts';
import type { ModelStore } from '../model-store.ts';
import type { FileRegistry, ModelPackage } from '../registry/file-registry.ts';
import { ImageResolver, imageReady } from '../images/resolve.ts';
import type { ContentTags } from '../images/build-context.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import type { LocalS3 } from '../s3/local-s3.ts';

export type EndpointStatus = 'Creating' | 'InService' | 'Failed' | 'Deleting';

export interface EndpointRecord extends JsonObject {
  EndpointName: string;
  EndpointArn: string;
  EndpointStatus: EndpointStatus;
  CreationTime: string;
  LastModifiedTime: string;
  FailureReason: string | null;
  /** sagepipe: where and how it runs. */
  Url: string;
  Port: number;
  Runtime: string;
  ContainerId: string;
  Image: string;
  ModelDataUrl: string;
  Source: JsonObject;
}

export interface EndpointsOptions {
  readonly root: string;
  readonly s3: LocalS3;
  readonly registry: FileRegistry;
  readonly models: ModelStore;
  /** The runtime new endpoints are deployed with. */
  readonly runtime: ContainerRuntime;
  /** The runtime an existing endpoint was deployed with (it may differ from `runtime`). */
  readonly runtimeFor: (kind: string) => ContainerRuntime;
  readonly version: string;
  readonly region: string;
  readonly account: string;
  /** Builds sagepipe's image when missing. */
  readonly ensureImage?: (image: string) => Promise<void>;
  /** Image URI or repository → local image (the project config's `imageMap` and `--image-map`). @default {} */
  readonly imageMap?: Readonly<Record<string, string>>;
  /** sagepipe's images by content (see build-context.ts), for the Docker runtime. @default none */
  readonly contentTags?: ContentTags;
}

export interface DeployOptions {
  readonly name?: string;
  readonly port?: number;
  /** Deploy a version that is not Approved. @default false */
  readonly allowUnapproved?: boolean;
  /** How long to wait for /ping. @default 30 s */
  readonly timeoutMs?: number;
  /** Extra fields kept in the record's Source (e.g. the endpoint configuration it came from). */
  readonly source?: JsonObject;
}

/** A container's `Environment`, values as strings. */
function environmentOf(container: JsonObject): Record<string, string> {
  const env = container.Environment;
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export class Endpoints {
  constructor(private readonly options: EndpointsOptions) {}

  private file(name: string): string {
    if (!NAME.test(name)) throw new SagepipeError(ErrorCode.UsageError, `'${name}' is not a valid endpoint name (1-63 letters, digits and hyphens)`, { path: name });
    return join(this.options.root, `${name}.json`);
  }

  private dir(name: string): string {
    return join(this.options.root, name);
  }

  private async save(record: EndpointRecord): Promise<void> {
    await mkdir(this.options.root, { recursive: true });
    await writeFileAtomic(this.file(record.EndpointName), `${JSON.stringify(record, null, 2)}\n`);
  }

  /** What to deploy: a model package (ARN or group/version) or a model created by a Model step. */
  private async source(
    ref: string,
    allowUnapproved: boolean,
  ): Promise<{ image: string; modelDataUrl: string; environment: Record<string, string>; source: JsonObject; defaultName: string }> {
    if (/\/\d+$/.test(ref)) {
      const p: ModelPackage = await this.options.registry.describe(ref);
      if (p.ModelApprovalStatus !== 'Approved' && !allowUnapproved) {
        throw new SagepipeError(
          ErrorCode.InvalidState,
          `${p.ModelPackageGroupName}/${p.ModelPackageVersion} is ${p.ModelApprovalStatus}: approve it (sagepipe models approve) or deploy with --allow-unapproved`,
          { path: ref },
        );
      }
      const container = ((p.InferenceSpecification as JsonObject | undefined)?.Containers as JsonObject[] | undefined)?.[0];
      if (!container) throw new SagepipeError(ErrorCode.ResourceNotFound, `${ref} has no inference container`, { path: ref });
      return {
        image: String(container.Image),
        modelDataUrl: String(container.ModelDataUrl),
        environment: environmentOf(container),
        source: { ModelPackageArn: p.ModelPackageArn },
        defaultName: `${p.ModelPackageGroupName}-${p.ModelPackageVersion}`.toLowerCase(),
      };
    }
    const model = await this.options.models.describe(ref);
    const container = model.PrimaryContainer as JsonObject | undefined;
    if (!container) throw new SagepipeError(ErrorCode.ResourceNotFound, `model ${ref} has no PrimaryContainer`, { path: ref });
    return {
      image: String(container.Image),
      modelDataUrl: String(container.ModelDataUrl),
      environment: environmentOf(container),
      source: { ModelName: String(model.ModelName) },
      defaultName: String(model.ModelName).slice(0, 63),
    };
  }

  async deploy(ref: string, options: DeployOptions = {}): Promise<EndpointRecord> {
    const found = await this.source(ref, options.allowUnapproved ?? false);
    const name = options.name ?? found.defaultName;
    this.file(name);
    const existing = await this.tryDescribe(name);
    if (existing && existing.EndpointStatus !== 'Failed') {
      throw new SagepipeError(ErrorCode.InvalidState, `endpoint '${name}' already exists (${existing.EndpointStatus}): delete it first or choose --name`, { path: name });
    }
    if (existing) await this.delete(name);
    let port = options.port;
    if (port !== undefined) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SagepipeError(ErrorCode.UsageError, `--port must be 1-65535 (got ${port})`);
      if (!(await portFree(port))) throw new SagepipeError(ErrorCode.UsageError, `port ${port} is in use on 127.0.0.1: choose another --port or leave it out`);
    } else port = await freePort();

    const runtime = this.options.runtime;
    const resolver = new ImageResolver({
      version: this.options.version,
      imageMap: this.options.imageMap ?? {},
      ...(runtime.kind === 'docker' ? { hasLocalImage: (n: string) => runtime.hasImage(n), ...(this.options.contentTags ? { contentTags: this.options.contentTags } : {}) } : {}),
    });
    const image = await resolver.resolve(found.image, 'inference');
    await runtime.preflight?.(image.local, Boolean(found.environment.SAGEMAKER_PROGRAM));
    if (!(await imageReady(this.options.runtime, image))) {
      if (image.project && this.options.ensureImage) await this.options.ensureImage(image.local);
      else throw new SagepipeError(ErrorCode.ImageUnavailable, `image ${image.local} is not available here (${this.options.runtime.kind} runtime)`);
    }
    const root = this.dir(name);
    await rm(root, { recursive: true, force: true });
    const modelDir = join(root, 'opt/ml/model');
    await mkdir(modelDir, { recursive: true });
    const archive = join(root, 'model.tar.gz');
    try {
      await this.options.s3.downloadPrefix(found.modelDataUrl, root);
      await extractModel(archive, modelDir);
    } catch (error) {
      throw new SagepipeError(ErrorCode.ResourceNotFound, `model data ${found.modelDataUrl} could not be read: ${errorMessage(error)}`, { cause: error });
    }
    await this.stageSubmitDirectory(found.environment.SAGEMAKER_SUBMIT_DIRECTORY, root);
    const logFile = join(root, 'endpoint.log');
    const now = new Date().toISOString();
    const containerId = await this.options.runtime.startDetached(
      {
        image: image.local,
        args: ['serve'],
        env: found.environment,
        root,
        labels: { 'sagepipe.endpoint': name },
        networkIsolation: false,
        port: { container: 8080, host: port },
      },
      logFile,
    );
    const record: EndpointRecord = {
      EndpointName: name,
      EndpointArn: sageMakerArn(this.options, 'endpoint', name),
      EndpointStatus: 'Creating',
      CreationTime: now,
      LastModifiedTime: now,
      FailureReason: null,
      Url: `http://127.0.0.1:${port}`,
      Port: port,
      Runtime: this.options.runtime.kind,
      ContainerId: containerId,
      Image: image.local,
      ModelDataUrl: found.modelDataUrl,
      Source: { ...found.source, ...(options.source ?? {}) },
    };
    await this.save(record);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    // fetch() with a timeout signal keeps no reference on the event loop while it waits: hold one until we know.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      return await this.waitInService(record, logFile, deadline);
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * An inference script's source archive on S3 (SAGEMAKER_SUBMIT_DIRECTORY, when the model was not repacked with its
   * code) is extracted into /opt/ml/code: the container has no S3 to fetch it from here.
   */
  private async stageSubmitDirectory(uri: string | undefined, root: string): Promise<void> {
    if (!uri?.startsWith('s3://')) return;
    const download = join(root, 'sourcedir');
    try {
      await this.options.s3.downloadPrefix(uri, download);
      const [archive] = await readdir(download);
      await extractModel(join(download, archive ?? ''), join(root, 'opt/ml/code'));
    } catch (error) {
      throw new SagepipeError(ErrorCode.ResourceNotFound, `SAGEMAKER_SUBMIT_DIRECTORY ${uri} could not be read: ${errorMessage(error)}`, { cause: error });
    } finally {
      await rm(download, { recursive: true, force: true });
    }
  }

  private async waitInService(record: EndpointRecord, logFile: string, deadline: number): Promise<EndpointRecord> {
    const containerId = record.ContainerId;
    const name = record.EndpointName;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${record.Url}/ping`, { signal: AbortSignal.timeout(1000) })).ok) {
          record.EndpointStatus = 'InService';
          record.LastModifiedTime = new Date().toISOString();
          await this.save(record);
          return record;
        }
      } catch {
        // Not answering yet.
      }
      const state = await this.options.runtime.inspect(containerId);
      if (!state.running) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const lines = await this.options.runtime.logs(containerId, logFile, 5);
    record.EndpointStatus = 'Failed';
    record.FailureReason = `the inference container did not answer /ping${lines.length ? `; last output: ${lines.join(' | ')}` : ''}`;
    await this.save(record);
    await this.options.runtime.remove(containerId);
    throw new SagepipeError(ErrorCode.JobFailed, `endpoint '${name}' failed: ${record.FailureReason}`, { path: name });
  }

  private async tryDescribe(name: string): Promise<EndpointRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.file(name), 'utf8')) as EndpointRecord;
    } catch (error) {
      if (error instanceof SagepipeError) throw error;
      return undefined;
    }
  }

  /** The endpoint, its status refreshed: InService only while its container runs. */
  async describe(name: string): Promise<EndpointRecord> {
    const record = await this.tryDescribe(name);
    if (!record) throw new SagepipeError(ErrorCode.ResourceNotFound, `no endpoint '${name}' (sagepipe endpoints list)`, { path: name });
    if (record.EndpointStatus === 'InService' || record.EndpointStatus === 'Creating') {
      const runtime = this.options.runtimeFor(record.Runtime);
      const state = await runtime.inspect(record.ContainerId);
      if (!state.running) {
        const lines = await runtime.logs(record.ContainerId, join(this.dir(name), 'endpoint.log'), 5);
        record.EndpointStatus = 'Failed';
        record.FailureReason = `the inference container stopped${state.exitCode === undefined ? '' : ` (exit code ${state.exitCode})`}${lines.length ? `; last output: ${lines.join(' | ')}` : ''}`;
        record.LastModifiedTime = new Date().toISOString();
        await this.save(record);
      }
    }
    return record;
  }

  async list(): Promise<EndpointRecord[]> {
    let files: string[];
    try {
      files = (await readdir(this.options.root)).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
    const out: EndpointRecord[] = [];
    for (const f of files.sort()) out.push(await this.describe(f.slice(0, -5)));
    return out;
  }

  async delete(name: string): Promise<void> {
    const record = await this.tryDescribe(name);
    if (!record) throw new SagepipeError(ErrorCode.ResourceNotFound, `no endpoint '${name}' (sagepipe endpoints list)`, { path: name });
    await this.options.runtimeFor(record.Runtime).remove(record.ContainerId);
    await rm(this.dir(name), { recursive: true, force: true });
    await rm(this.file(name), { force: true });
  }

  /** POSTs a body to /invocations; a non-2xx answer is an error carrying the container's reason. */
  async invoke(name: string, body: Uint8Array, contentType: string, accept?: string): Promise<{ contentType: string; body: string }> {
    const record = await this.describe(name);
    if (record.EndpointStatus !== 'InService') {
      throw new SagepipeError(ErrorCode.InvalidState, `endpoint '${name}' is ${record.EndpointStatus}${record.FailureReason ? `: ${record.FailureReason}` : ''}`, { path: name });
    }
    const res = await fetch(`${record.Url}/invocations`, { method: 'POST', headers: { 'Content-Type': contentType, ...(accept ? { Accept: accept } : {}) }, body });
    const text = await res.text();
    if (!res.ok) {
      let reason = text;
      try {
        reason = String((JSON.parse(text) as { error?: Json }).error ?? text);
      } catch {
        // Plain text.
      }
      throw new SagepipeError(ErrorCode.JobFailed, `endpoint '${name}' answered ${res.status}: ${reason}`, { path: name });
    }
    return { contentType: res.headers.get('content-type') ?? '', body: text };
  }
}
