/**
 * The SageMaker operations `sagepipe serve` implements, on the local runner and its stores. Requests and responses
 * follow the SageMaker API model (timestamps as epoch seconds, the JSON 1.1 protocol's form).
 */
import { loadDefinitionText } from '../definition/loader.ts';
import type { Json, JsonObject } from '../definition/types.ts';
import { Engine, newExecutionId } from '../engine/engine.ts';
import { resolveParameters } from '../engine/parameters.ts';
import { prepareRun } from '../engine/runnable.ts';
import type { ExecutionRecord } from '../engine/records.ts';
import { isSagepipeError } from '../errors.ts';
import { setApproval } from '../../local-runner/registry/approval.ts';
import type { ModelPackage } from '../../local-runner/registry/file-registry.ts';
import type { LocalBackend } from '../../local-runner/local-backend.ts';
import type { LocalSession } from '../cli/session.ts';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/store.ts';
import type { Endpoints } from '../../local-runner/endpoints/endpoints.ts';
import { ApiError, notFound, validation } from './api-error.ts';
import { type PipelineRecord, PipelinesStore } from './pipelines-store.ts';


export type Operation = (input: JsonObject) => Promise<JsonObject>;

const TIMESTAMP_FIELDS = new Set([
  'CreationTime',
  'LastModifiedTime',
  'StartTime',
  'EndTime',
  'ProcessingStartTime',
  'ProcessingEndTime',
  'TrainingStartTime',
  'TrainingEndTime',
  'Timestamp',
]);

/** ISO times become epoch seconds (the JSON protocol's timestamps), at any depth; sagepipe's own fields are dropped. */
export function toWire(value: Json | undefined): Json {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toWire);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('sagepipe:') || v === undefined || v === null) continue;
    out[k] = TIMESTAMP_FIELDS.has(k) && typeof v === 'string' ? Date.parse(v) / 1000 : toWire(v);
  }
  return out;
}

const str = (input: JsonObject, field: string, required = true): string => {
  const v = input[field];
  if (typeof v === 'string' && v.length > 0) return v;
  if (required) throw validation(`1 validation error detected: Value at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return '';
};

export interface SageMakerApiOptions {
  readonly session: LocalSession;
  readonly backend: LocalBackend;
  readonly pipelines: PipelinesStore;
  /** Local endpoints, for CreateEndpoint & co. */
  readonly endpoints: Endpoints;
  readonly endpointConfigs: string;
}

export function sageMakerOperations(options: SageMakerApiOptions): Record<string, Operation> {
  const { session, backend, pipelines, endpoints } = options;
  const configFile = (name: string) => {
    if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name)) throw validation(`EndpointConfigName '${name}' is not valid`);
    return join(options.endpointConfigs, `${name}.json`);
  };
  const readConfig = async (name: string): Promise<JsonObject> => {
    try {
      return JSON.parse(await readFile(configFile(name), 'utf8')) as JsonObject;
    } catch {
      throw validation(`Could not find endpoint configuration "${name}".`);
    }
  };
  const endpointShape = async (name: string): Promise<JsonObject> => {
    let e;
    try {
      e = await endpoints.describe(name);
    } catch {
      throw validation(`Could not find endpoint "${name}".`);
    }
    return toWire({
      EndpointName: e.EndpointName,
      EndpointArn: e.EndpointArn,
      EndpointConfigName: (e.Source.EndpointConfigName as string | undefined) ?? null,
      EndpointStatus: e.EndpointStatus,
      FailureReason: e.FailureReason,
      CreationTime: e.CreationTime,
      LastModifiedTime: e.LastModifiedTime,
    }) as JsonObject;
  };
  const running = new Map<string, AbortController>();
  const engine = (newId?: string) =>
    new Engine({ backend, store: session.store, region: session.region, account: session.account, ...(newId ? { newExecutionId: () => newId } : {}) });
  const pipelineArn = (name: string) => `arn:aws:sagemaker:${session.region}:${session.account}:pipeline/${name.toLowerCase()}`;

  const requirePipeline = async (name: string): Promise<PipelineRecord> => {
    const p = await pipelines.get(name);
    if (!p) throw notFound(`Pipeline '${pipelineArn(name)}' does not exist.`);
    return p;
  };
  const checkDefinition = (text: string) => {
    try {
      return loadDefinitionText(text, { source: 'PipelineDefinition' });
    } catch (error) {
      if (isSagepipeError(error)) {
        const detail = error.issues.length > 0 ? error.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : error.message;
        throw validation(`Invalid PipelineDefinition: ${detail}`);
      }
      throw error;
    }
  };
  const execution = async (arn: string): Promise<ExecutionRecord> => {
    try {
      return (await session.store.resolve(arn)).record;
    } catch {
      throw notFound(`Pipeline execution '${arn}' does not exist.`);
    }
  };
  const background = (id: string, work: (signal: AbortSignal) => Promise<unknown>) => {
    const controller = new AbortController();
    running.set(id, controller);
    void work(controller.signal)
      .catch(() => undefined)
      .finally(() => running.delete(id));
  };
  const findJob = async (field: 'ProcessingJobName' | 'TrainingJobName', name: string): Promise<JsonObject> => {
    const { executions } = await session.store.list();
    // Job names are unique without regard to case; ARNs carry them in lower case.
    const wanted = name.toLowerCase();
    for (const e of executions) for (const s of e.Steps) if (s.Properties && String(s.Properties[field] ?? '').toLowerCase() === wanted) return s.Properties;
    throw notFound(`Could not find job '${name}'.`);
  };

  const ops: Record<string, Operation> = {
    async CreatePipeline(input) {
      const name = str(input, 'PipelineName');
      const definition = str(input, 'PipelineDefinition');
      const roleArn = str(input, 'RoleArn');
      if (await pipelines.get(name)) throw new ApiError('ResourceInUse', `Pipeline names must be unique within an AWS account and region. Pipeline with name (${name}) already exists.`);
      checkDefinition(definition);
      const now = new Date().toISOString();
      await pipelines.put({
        PipelineName: name,
        PipelineArn: pipelineArn(name),
        PipelineDisplayName: (input.PipelineDisplayName as string | undefined) ?? name,
        ...(typeof input.PipelineDescription === 'string' ? { PipelineDescription: input.PipelineDescription } : {}),
        PipelineDefinition: definition,
        RoleArn: roleArn,
        PipelineStatus: 'Active',
        CreationTime: now,
        LastModifiedTime: now,
        ...(input.ParallelismConfiguration ? { ParallelismConfiguration: input.ParallelismConfiguration as { MaxParallelExecutionSteps: number } } : {}),
      });
      return { PipelineArn: pipelineArn(name) };
    },
    async UpdatePipeline(input) {
      const p = await requirePipeline(str(input, 'PipelineName'));
      if (typeof input.PipelineDefinition === 'string') {
        checkDefinition(input.PipelineDefinition);
        p.PipelineDefinition = input.PipelineDefinition;
      }
      if (typeof input.RoleArn === 'string') p.RoleArn = input.RoleArn;
      if (typeof input.PipelineDisplayName === 'string') p.PipelineDisplayName = input.PipelineDisplayName;
      if (typeof input.PipelineDescription === 'string') p.PipelineDescription = input.PipelineDescription;
      if (input.ParallelismConfiguration) p.ParallelismConfiguration = input.ParallelismConfiguration as { MaxParallelExecutionSteps: number };
      p.LastModifiedTime = new Date().toISOString();
      await pipelines.put(p);
      return { PipelineArn: p.PipelineArn };
    },
    async DescribePipeline(input) {
      const p = await requirePipeline(str(input, 'PipelineName').split('/').pop() as string);
      return toWire(p as unknown as Json) as JsonObject;
    },
    async DeletePipeline(input) {
      const p = await requirePipeline(str(input, 'PipelineName'));
      await pipelines.delete(p.PipelineName);
      return { PipelineArn: p.PipelineArn };
    },
    async ListPipelines(input) {
      const prefix = typeof input.PipelineNamePrefix === 'string' ? input.PipelineNamePrefix : '';
      const list = (await pipelines.list()).filter((p) => p.PipelineName.startsWith(prefix));
      return {
        PipelineSummaries: list.map((p) =>
          toWire({ PipelineArn: p.PipelineArn, PipelineName: p.PipelineName, PipelineDisplayName: p.PipelineDisplayName, CreationTime: p.CreationTime, LastModifiedTime: p.LastModifiedTime }),
        ),
      };
    },
    async StartPipelineExecution(input) {
      const p = await requirePipeline(str(input, 'PipelineName'));
      const loaded = checkDefinition(p.PipelineDefinition);
      const given = Object.fromEntries(((input.PipelineParameters ?? []) as JsonObject[]).map((x) => [String(x.Name), String(x.Value)]));
      let values: ReadonlyMap<string, string | number | boolean>;
      try {
        values = resolveParameters(loaded.parameters, given);
      } catch (error) {
        if (isSagepipeError(error)) throw validation(error.issues.map((i) => i.message).join('; ') || error.message);
        throw error;
      }
      // What the local runner cannot run is refused now, as a ValidationException, not as an execution that fails
      // (the engine checks again when it starts; a selective execution is checked there, knowing its steps).
      if (!input.SelectiveExecutionConfig) {
        try {
          await prepareRun(loaded, backend, values, undefined, p.PipelineName);
        } catch (error) {
          if (!isSagepipeError(error)) throw error;
          const detail = error.issues.length > 0 ? error.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : error.message;
          throw validation(`The local runner cannot run this pipeline: ${detail}`);
        }
      }
      const id = newExecutionId();
      const max = (input.ParallelismConfiguration as { MaxParallelExecutionSteps?: number } | undefined)?.MaxParallelExecutionSteps ?? p.ParallelismConfiguration?.MaxParallelExecutionSteps;
      const selective = input.SelectiveExecutionConfig as { SourcePipelineExecutionArn?: string; SelectedSteps?: { StepName: string }[] } | undefined;
      let created!: () => void;
      const ready = new Promise<void>((r) => (created = r));
      background(id, (signal) =>
        engine(id)
          .start({
            loaded,
            pipelineName: p.PipelineName,
            parameters: given,
            signal,
            ...(typeof input.PipelineExecutionDisplayName === 'string' ? { displayName: input.PipelineExecutionDisplayName } : {}),
            ...(max ? { maxParallelExecutionSteps: max } : {}),
            ...(selective?.SourcePipelineExecutionArn
              ? { selective: { sourceExecutionId: selective.SourcePipelineExecutionArn, steps: (selective.SelectedSteps ?? []).map((s) => s.StepName) } }
              : {}),
          })
          .finally(created),
      );
      // Answer once the execution is recorded (or has already ended), as the service does.
      for (let i = 0; i < 200; i++) {
        if (await session.store.load(id).then(() => true, () => false)) break;
        await Promise.race([ready, new Promise((r) => setTimeout(r, 10))]);
      }
      return { PipelineExecutionArn: `${p.PipelineArn}/execution/${id}` };
    },
    async DescribePipelineExecution(input) {
      const r = await execution(str(input, 'PipelineExecutionArn'));
      return toWire({
        PipelineArn: r.PipelineArn,
        PipelineExecutionArn: r.PipelineExecutionArn,
        PipelineExecutionDisplayName: r.PipelineExecutionDisplayName,
        PipelineExecutionStatus: r.PipelineExecutionStatus,
        FailureReason: r.FailureReason ?? null,
        CreationTime: r.CreationTime,
        LastModifiedTime: r.LastModifiedTime,
        ParallelismConfiguration: r.ParallelismConfiguration,
        ...(r.SelectiveExecutionConfig ? { SelectiveExecutionConfig: r.SelectiveExecutionConfig as unknown as Json } : {}),
      }) as JsonObject;
    },
    async DescribePipelineDefinitionForExecution(input) {
      const arn = str(input, 'PipelineExecutionArn');
      try {
        const stored = await session.store.resolve(arn);
        return toWire({ PipelineDefinition: JSON.stringify(stored.definition), CreationTime: stored.record.CreationTime }) as JsonObject;
      } catch {
        throw notFound(`Pipeline execution '${arn}' does not exist.`);
      }
    },
    async ListPipelineExecutions(input) {
      const name = str(input, 'PipelineName').split('/').pop() as string;
      await requirePipeline(name);
      const { executions } = await session.store.list({ pipelineName: name });
      return {
        PipelineExecutionSummaries: executions.map((r) =>
          toWire({
            PipelineExecutionArn: r.PipelineExecutionArn,
            StartTime: r.StartTime ?? r.CreationTime,
            PipelineExecutionStatus: r.PipelineExecutionStatus,
            PipelineExecutionDisplayName: r.PipelineExecutionDisplayName,
            PipelineExecutionFailureReason: r.FailureReason ?? null,
          }),
        ),
      };
    },
    async StopPipelineExecution(input) {
      const r = await execution(str(input, 'PipelineExecutionArn'));
      const controller = running.get(r.PipelineExecutionId);
      if (controller) controller.abort();
      else if (r.PipelineExecutionStatus === 'Executing') await session.store.requestStop(r.PipelineExecutionId);
      else throw validation(`Pipeline execution with ARN ${r.PipelineExecutionArn} status ${r.PipelineExecutionStatus}. Only Executing executions can be stopped.`);
      return { PipelineExecutionArn: r.PipelineExecutionArn };
    },
    async RetryPipelineExecution(input) {
      const r = await execution(str(input, 'PipelineExecutionArn'));
      if (r.PipelineExecutionStatus !== 'Failed' && r.PipelineExecutionStatus !== 'Stopped') {
        throw validation(`Pipeline execution with ARN ${r.PipelineExecutionArn} status ${r.PipelineExecutionStatus}. Only Failed or Stopped executions can be retried.`);
      }
      background(r.PipelineExecutionId, (signal) => engine().retry(r.PipelineExecutionId, { signal }));
      return { PipelineExecutionArn: r.PipelineExecutionArn };
    },
    async ListPipelineExecutionSteps(input) {
      const r = await execution(str(input, 'PipelineExecutionArn'));
      const steps = [...r.Steps].sort((a, b) => (b.StartTime ?? '').localeCompare(a.StartTime ?? ''));
      return {
        PipelineExecutionSteps: steps.map((s) =>
          toWire({
            StepName: s.StepName,
            ...(s.StepDisplayName ? { StepDisplayName: s.StepDisplayName } : {}),
            StartTime: s.StartTime ?? null,
            EndTime: s.EndTime ?? null,
            StepStatus: s.StepStatus,
            FailureReason: s.FailureReason ?? null,
            AttemptCount: s.AttemptCount,
            Metadata: s.Metadata,
            ...(s.CacheHitResult ? { CacheHitResult: s.CacheHitResult as unknown as Json } : {}),
          }),
        ),
      };
    },
    async ListPipelineParametersForExecution(input) {
      const r = await execution(str(input, 'PipelineExecutionArn'));
      return { PipelineParameters: r.PipelineParameters.map((p) => ({ Name: p.Name, Value: p.Value })) };
    },
    async DescribeProcessingJob(input) {
      return toWire(await findJob('ProcessingJobName', str(input, 'ProcessingJobName'))) as JsonObject;
    },
    async DescribeTrainingJob(input) {
      return toWire(await findJob('TrainingJobName', str(input, 'TrainingJobName'))) as JsonObject;
    },
    async CreateModel(input) {
      const name = str(input, 'ModelName');
      const exists = await session.models.describe(name).then(() => true, () => false);
      if (exists) throw validation(`Cannot create already existing model "arn:aws:sagemaker:${session.region}:${session.account}:model/${name.toLowerCase()}".`);
      const arn = `arn:aws:sagemaker:${session.region}:${session.account}:model/${name.toLowerCase()}`;
      await session.models.save({ ...input, ModelName: name, ModelArn: arn, CreationTime: new Date().toISOString() });
      return { ModelArn: arn };
    },
    async DescribeModel(input) {
      const name = str(input, 'ModelName');
      try {
        const found = (await session.models.list()).find((m) => String(m.ModelName).toLowerCase() === name.toLowerCase());
        return toWire(found ?? (await session.models.describe(name))) as JsonObject;
      } catch {
        throw validation(`Could not find model "arn:aws:sagemaker:${session.region}:${session.account}:model/${name.toLowerCase()}".`);
      }
    },
    async ListModels() {
      const list = await session.models.list();
      return { Models: list.map((m) => toWire({ ModelName: m.ModelName ?? null, ModelArn: m.ModelArn ?? null, CreationTime: m.CreationTime ?? null })) };
    },
    async CreateModelPackageGroup(input) {
      const name = str(input, 'ModelPackageGroupName');
      const existing = (await session.registry.groups()).some((g) => g.ModelPackageGroupName === name);
      if (existing) throw validation(`Model Package Group already exists: ${session.registry.groupArn(name)}`);
      const g = await session.registry.ensureGroup(name, new Date().toISOString());
      return { ModelPackageGroupArn: String(g.ModelPackageGroupArn) };
    },
    async DescribeModelPackageGroup(input) {
      const name = await session.registry.resolveGroupName(str(input, 'ModelPackageGroupName').split('/').pop() as string);
      const g = (await session.registry.groups()).find((x) => x.ModelPackageGroupName === name);
      if (!g) throw validation(`ModelPackageGroup ${name} does not exist.`);
      return toWire(g) as JsonObject;
    },
    async ListModelPackageGroups() {
      return { ModelPackageGroupSummaryList: (await session.registry.groups()).map((g) => toWire(g)) };
    },
    async DescribeModelPackage(input) {
      const ref = str(input, 'ModelPackageName');
      try {
        return toWire(await session.registry.describe(ref)) as JsonObject;
      } catch {
        throw validation(`ModelPackage ${ref} does not exist.`);
      }
    },
    async ListModelPackages(input) {
      const groups = typeof input.ModelPackageGroupName === 'string' ? [await session.registry.resolveGroupName(input.ModelPackageGroupName)] : (await session.registry.groups()).map((g) => String(g.ModelPackageGroupName));
      const list: ModelPackage[] = [];
      for (const g of groups) list.push(...(await session.registry.list(g)));
      return {
        ModelPackageSummaryList: list.map((p) =>
          toWire({
            ModelPackageGroupName: p.ModelPackageGroupName,
            ModelPackageVersion: p.ModelPackageVersion,
            ModelPackageArn: p.ModelPackageArn,
            CreationTime: p.CreationTime,
            ModelPackageStatus: 'Completed',
            ModelApprovalStatus: p.ModelApprovalStatus,
          }),
        ),
      };
    },
    async UpdateModelPackage(input) {
      const arn = str(input, 'ModelPackageArn');
      const status = input.ModelApprovalStatus;
      if (status !== undefined && status !== 'Approved' && status !== 'Rejected' && status !== 'PendingManualApproval') {
        throw validation(`1 validation error detected: Value '${String(status)}' at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum value set: [Approved, Rejected, PendingManualApproval]`);
      }
      try {
        const p = await setApproval(session.registry, arn, (status as 'Approved' | 'Rejected' | 'PendingManualApproval' | undefined) ?? (await session.registry.describe(arn)).ModelApprovalStatus, {
          ...(typeof input.ApprovalDescription === 'string' ? { description: input.ApprovalDescription } : {}),
          force: true,
        });
        return { ModelPackageArn: p.ModelPackageArn };
      } catch (error) {
        if (isSagepipeError(error)) throw validation(error.message);
        throw error;
      }
    },
  };
  Object.assign(ops, {
    async CreateEndpointConfig(input: JsonObject) {
      const name = str(input, 'EndpointConfigName');
      const variants = input.ProductionVariants;
      if (!Array.isArray(variants) || variants.length === 0) throw validation('ProductionVariants must name at least one variant');
      await mkdir(options.endpointConfigs, { recursive: true });
      const arn = `arn:aws:sagemaker:${session.region}:${session.account}:endpoint-config/${name.toLowerCase()}`;
      await writeFileAtomic(configFile(name), JSON.stringify({ ...input, EndpointConfigArn: arn, CreationTime: new Date().toISOString() }));
      return { EndpointConfigArn: arn };
    },
    async DescribeEndpointConfig(input: JsonObject) {
      return toWire(await readConfig(str(input, 'EndpointConfigName'))) as JsonObject;
    },
    async DeleteEndpointConfig(input: JsonObject) {
      const name = str(input, 'EndpointConfigName');
      await readConfig(name);
      await rm(configFile(name), { force: true });
      return {};
    },
    async CreateEndpoint(input: JsonObject) {
      const name = str(input, 'EndpointName');
      const configName = str(input, 'EndpointConfigName');
      const config = await readConfig(configName);
      const model = String(((config.ProductionVariants as JsonObject[])[0] as JsonObject).ModelName ?? '');
      const found = (await session.models.list()).find((m) => String(m.ModelName).toLowerCase() === model.toLowerCase());
      if (!found) throw validation(`Could not find model "${model}".`);
      // The endpoint starts in the background; DescribeEndpoint reports Creating, then InService or Failed.
      void endpoints.deploy(String(found.ModelName), { name, allowUnapproved: true, source: { EndpointConfigName: configName } }).catch(() => undefined);
      for (let i = 0; i < 100 && !(await endpoints.describe(name).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 10));
      return { EndpointArn: `arn:aws:sagemaker:${session.region}:${session.account}:endpoint/${name.toLowerCase()}` };
    },
    async DescribeEndpoint(input: JsonObject) {
      return endpointShape(str(input, 'EndpointName'));
    },
    async ListEndpoints() {
      const list = await endpoints.list();
      return { Endpoints: list.map((e) => toWire({ EndpointName: e.EndpointName, EndpointArn: e.EndpointArn, EndpointStatus: e.EndpointStatus, CreationTime: e.CreationTime, LastModifiedTime: e.LastModifiedTime })) };
    },
    async DeleteEndpoint(input: JsonObject) {
      const name = str(input, 'EndpointName');
      try {
        await endpoints.delete(name);
      } catch {
        throw validation(`Could not find endpoint "${name}".`);
      }
      return {};
    },
  });
  return ops;
}

export { PipelinesStore };
