/** CreatePipeline, UpdatePipeline, DescribePipeline, DeletePipeline, ListPipelines, ListPipelineVersions. */
import { loadDefinitionText } from '../../definition/loader.ts';
import type { LoadedDefinition } from '../../definition/loader.ts';
import type { JsonObject } from '../../definition/types.ts';
import { isSagepipeError } from '../../errors.ts';
import { conflict, notFound, validation } from '../http/api-error.ts';
import type { SageMakerContext } from './context.ts';
import type { PipelineRecord, PipelineSummary } from '../../engine/target.ts';
import {
  type Operations,
  PIPELINE_NAME,
  inWindow,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalTime,
  paginate,
  pipelineNameOrArn,
  requiredString,
  sortBy,
  wireObject,
} from './wire.ts';

/** The service's limit on an inline PipelineDefinition; larger ones go through PipelineDefinitionS3Location. */
export const MAX_INLINE_DEFINITION = 1024 * 1024;
const MAX_S3_DEFINITION = 10 * 1024 * 1024;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

/** serve's bounds on a definition, checked before the loader sees it, so no request holds the server for long. */
export const MAX_STEPS = 500;
export const MAX_NESTING = 64;

/** Steps (condition branches included) and the deepest nesting of a parsed definition, counted without recursion. */
function measure(value: unknown): { steps: number; depth: number } {
  let steps = 0;
  let depth = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    depth = Math.max(depth, d);
    if (depth > MAX_NESTING) break;
    const o = v as Record<string, unknown>;
    for (const key of ['Steps', 'IfSteps', 'ElseSteps']) if (Array.isArray(o[key])) steps += (o[key] as unknown[]).length;
    for (const child of Array.isArray(v) ? v : Object.values(o)) stack.push([child, d + 1]);
  }
  return { steps, depth };
}

export function checkDefinition(text: string): LoadedDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw validation(`Invalid PipelineDefinition: not JSON (${(error as Error).message})`);
  }
  const { steps, depth } = measure(parsed);
  if (depth > MAX_NESTING) throw validation(`Invalid PipelineDefinition: nested more than ${MAX_NESTING} levels deep`);
  if (steps > MAX_STEPS) throw validation(`Invalid PipelineDefinition: ${steps} steps; sagepipe serve takes at most ${MAX_STEPS}`);
  try {
    return loadDefinitionText(text, { source: 'PipelineDefinition' });
  } catch (error) {
    if (isSagepipeError(error)) {
      const detail = error.issues.length > 0 ? error.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : error.message;
      throw validation(`Invalid PipelineDefinition: ${detail}`);
    }
    throw error;
  }
}

export async function requirePipeline(ctx: SageMakerContext, name: string): Promise<PipelineRecord> {
  const p = await ctx.target.getPipeline(name);
  if (!p) throw notFound(`Pipeline '${ctx.arn('pipeline', name)}' does not exist.`);
  return p;
}

/** One mutation per key at a time; a second concurrent one is the service's ConflictException. */
export async function exclusive<T>(held: Set<string>, key: string, work: () => Promise<T>): Promise<T> {
  if (held.has(key)) throw conflict(`Another request is modifying '${key}' at the moment; try again.`);
  held.add(key);
  try {
    return await work();
  } finally {
    held.delete(key);
  }
}

async function definitionText(ctx: SageMakerContext, input: JsonObject, required: boolean): Promise<string | undefined> {
  const inline = optionalString(input, 'PipelineDefinition', undefined, MAX_INLINE_DEFINITION);
  const location = optionalObject(input, 'PipelineDefinitionS3Location');
  if (inline !== undefined && location) throw validation('Specify either PipelineDefinition or PipelineDefinitionS3Location, not both');
  if (location) {
    const bucket = requiredString(location, 'Bucket', /^[a-z0-9][.a-z0-9-]{1,61}[a-z0-9]$/, 63);
    const key = requiredString(location, 'ObjectKey', undefined, 1024);
    const uri = `s3://${bucket}/${key}`;
    const head = await ctx.session.s3.headObject(uri).catch(() => undefined);
    if (!head) throw validation(`PipelineDefinitionS3Location: object ${uri} does not exist`);
    if (head.size > MAX_S3_DEFINITION) throw validation(`PipelineDefinitionS3Location: ${uri} is larger than ${MAX_S3_DEFINITION} bytes`);
    return (await ctx.session.s3.getObject(uri)).toString('utf8');
  }
  if (inline === undefined && required) throw validation('Either PipelineDefinition or PipelineDefinitionS3Location must be specified');
  return inline;
}

const summary = (p: PipelineSummary) =>
  wireObject({
    PipelineArn: p.PipelineArn,
    PipelineName: p.PipelineName,
    PipelineDisplayName: p.PipelineDisplayName,
    PipelineDescription: p.PipelineDescription,
    RoleArn: p.RoleArn,
    CreationTime: p.CreationTime,
    LastModifiedTime: p.LastModifiedTime,
    LastExecutionTime: p.LastRunTime,
  });

export function pipelineOperations(ctx: SageMakerContext): Operations {
  const mutating = new Set<string>();
  return {
    async CreatePipeline(input) {
      const name = requiredString(input, 'PipelineName', PIPELINE_NAME, 256);
      requiredString(input, 'ClientRequestToken', undefined, 128);
      const roleArn = requiredString(input, 'RoleArn', ROLE_ARN);
      const displayName = optionalString(input, 'PipelineDisplayName', PIPELINE_NAME, 256);
      const description = optionalString(input, 'PipelineDescription', undefined, 3072);
      const parallelism = optionalObject(input, 'ParallelismConfiguration');
      const max = parallelism ? optionalInteger(parallelism, 'MaxParallelExecutionSteps', 1, 100000) : undefined;
      const text = (await definitionText(ctx, input, true)) as string;
      return exclusive(mutating, name.toLowerCase(), async () => {
        if (await ctx.target.getPipeline(name)) {
          // The SDK's upsert() falls back to UpdatePipeline on exactly this: a ValidationException saying "already exists".
          throw validation(`Pipeline names must be unique within an AWS account and region. Pipeline with name (${name}) already exists.`);
        }
        checkDefinition(text);
        const now = new Date().toISOString();
        await ctx.target.putPipeline({
          PipelineName: name,
          PipelineArn: ctx.arn('pipeline', name),
          PipelineDisplayName: displayName ?? name,
          ...(description !== undefined ? { PipelineDescription: description } : {}),
          PipelineDefinition: text,
          RoleArn: roleArn,
          PipelineStatus: 'Active',
          CreationTime: now,
          LastModifiedTime: now,
          PipelineVersionId: 1,
          ...(max ? { ParallelismConfiguration: { MaxParallelExecutionSteps: max } } : {}),
        });
        return { PipelineArn: ctx.arn('pipeline', name) };
      });
    },
    async UpdatePipeline(input) {
      const name = requiredString(input, 'PipelineName', PIPELINE_NAME, 256);
      const roleArn = optionalString(input, 'RoleArn', ROLE_ARN);
      const displayName = optionalString(input, 'PipelineDisplayName', PIPELINE_NAME, 256);
      const description = optionalString(input, 'PipelineDescription', undefined, 3072);
      const parallelism = optionalObject(input, 'ParallelismConfiguration');
      const max = parallelism ? optionalInteger(parallelism, 'MaxParallelExecutionSteps', 1, 100000) : undefined;
      const text = await definitionText(ctx, input, false);
      return exclusive(mutating, name.toLowerCase(), async () => {
        const p = await requirePipeline(ctx, name);
        if (text !== undefined) {
          checkDefinition(text);
          if (text !== p.PipelineDefinition) p.PipelineVersionId = (p.PipelineVersionId ?? 1) + 1;
          p.PipelineDefinition = text;
        }
        if (roleArn !== undefined) p.RoleArn = roleArn;
        if (displayName !== undefined) p.PipelineDisplayName = displayName;
        if (description !== undefined) p.PipelineDescription = description;
        if (max !== undefined) p.ParallelismConfiguration = { MaxParallelExecutionSteps: max };
        p.LastModifiedTime = new Date().toISOString();
        await ctx.target.putPipeline(p);
        return { PipelineArn: p.PipelineArn, PipelineVersionId: p.PipelineVersionId ?? 1 };
      });
    },
    async DescribePipeline(input) {
      const p = await requirePipeline(ctx, pipelineNameOrArn(input));
      return wireObject({ ...p, PipelineVersionId: undefined, CreatedBy: {}, LastModifiedBy: {}, LastRunTime: p.LastRunTime });
    },
    async DeletePipeline(input) {
      const name = requiredString(input, 'PipelineName', PIPELINE_NAME, 256);
      requiredString(input, 'ClientRequestToken', undefined, 128);
      return exclusive(mutating, name.toLowerCase(), async () => {
        const p = await requirePipeline(ctx, name);
        await ctx.target.deletePipeline(p.PipelineName);
        return { PipelineArn: p.PipelineArn };
      });
    },
    async ListPipelines(input) {
      const prefix = optionalString(input, 'PipelineNamePrefix', undefined, 256) ?? '';
      const after = optionalTime(input, 'CreatedAfter');
      const before = optionalTime(input, 'CreatedBefore');
      const by = optionalEnum(input, 'SortBy', ['Name', 'CreationTime'] as const) ?? 'CreationTime';
      const order = optionalEnum(input, 'SortOrder', ['Ascending', 'Descending'] as const) ?? 'Descending';
      const matching = (await ctx.target.listPipelines()).filter((p) => p.PipelineName.startsWith(prefix) && inWindow(p.CreationTime, after, before));
      const sorted = sortBy(matching, (p) => (by === 'Name' ? p.PipelineName : p.CreationTime), order);
      const { page, NextToken } = paginate(sorted, input);
      return { PipelineSummaries: page.map(summary), ...(NextToken ? { NextToken } : {}) };
    },
    async ListPipelineVersions(input) {
      // sagepipe keeps the current definition only: one version, the latest.
      const p = await requirePipeline(ctx, pipelineNameOrArn(input, 'PipelineName'));
      const { page, NextToken } = paginate([p], input);
      return {
        PipelineVersionSummaries: page.map((v) =>
          wireObject({ PipelineArn: v.PipelineArn, PipelineVersionId: v.PipelineVersionId ?? 1, CreationTime: v.LastModifiedTime, PipelineVersionDisplayName: v.PipelineDisplayName }),
        ),
        ...(NextToken ? { NextToken } : {}),
      };
    },
  };
}
