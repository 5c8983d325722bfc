/**
 * The SageMaker JSON protocol's conventions in one place: timestamps as epoch seconds, input checks that answer
 * like the service (`1 validation error detected: Value … at 'field' failed to satisfy constraint: …`), and
 * pagination (`MaxResults`, an opaque `NextToken`).
 */
import type { Json, JsonObject } from '../../definition/types.ts';
import { validation } from '../http/api-error.ts';

export type Operation = (input: JsonObject) => Promise<JsonObject>;
export type Operations = Record<string, Operation>;

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
  'ApprovalTime',
  'LastRunTime',
  'LastExecutionTime',
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

export const wireObject = (value: unknown): JsonObject => toWire(value as Json) as JsonObject;

const member = (field: string) => field.charAt(0).toLowerCase() + field.slice(1);
const constraint = (field: string, value: unknown, text: string) =>
  validation(`1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at '${member(field)}' failed to satisfy constraint: ${text}`);

/** SageMaker's entity-name pattern (pipelines, models, endpoints, groups …). */
export const ENTITY_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const PIPELINE_NAME = /^[A-Za-z0-9-]{1,256}$/;
const PIPELINE_NAME_OR_ARN = /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:pipeline\/)?[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;

export function requiredString(input: JsonObject, field: string, pattern?: RegExp, max = 2048): string {
  const v = input[field];
  if (v === undefined || v === null) throw validation(`1 validation error detected: Value null at '${member(field)}' failed to satisfy constraint: Member must not be null`);
  return checkString(field, v, pattern, max);
}

export function optionalString(input: JsonObject, field: string, pattern?: RegExp, max = 2048): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  return checkString(field, v, pattern, max);
}

function checkString(field: string, v: Json, pattern: RegExp | undefined, max: number): string {
  if (typeof v !== 'string') throw validation(`Start of structure or map found where not expected: '${member(field)}' must be a string`);
  if (v.length === 0 || v.length > max) throw constraint(field, v, `Member must have length between 1 and ${max}`);
  if (pattern && !pattern.test(v)) throw constraint(field, v, `Member must satisfy regular expression pattern: ${pattern.source}`);
  return v;
}

export function optionalEnum<T extends string>(input: JsonObject, field: string, values: readonly T[]): T | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !values.includes(v as T)) throw constraint(field, v, `Member must satisfy enum value set: [${values.join(', ')}]`);
  return v as T;
}

export function optionalInteger(input: JsonObject, field: string, min: number, max: number): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validation(`'${member(field)}' must be an integer`);
  if (v < min || v > max) throw constraint(field, v, `Member must have value ${v < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`);
  return v;
}

/** A timestamp input (epoch seconds in the JSON protocol) as epoch ms. */
export function optionalTime(input: JsonObject, field: string): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'string' && Number.isFinite(Date.parse(v))) return Date.parse(v);
  throw validation(`'${member(field)}' must be a timestamp`);
}

/** A pipeline name, or its ARN (whose name part is lower case), as the service accepts both. */
export function pipelineNameOrArn(input: JsonObject, field = 'PipelineName'): string {
  const v = requiredString(input, field, PIPELINE_NAME_OR_ARN, 2048);
  return v.includes(':pipeline/') ? (v.split(':pipeline/')[1] as string) : v;
}

export const EXECUTION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:pipeline\/[a-zA-Z0-9-]{1,256}\/execution\/[a-z0-9]{1,256}$/;

export function optionalObject(input: JsonObject, field: string): JsonObject | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw validation(`'${member(field)}' must be a structure`);
  return v;
}

export function optionalList(input: JsonObject, field: string): JsonObject[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) throw validation(`'${member(field)}' must be a list of structures`);
  return v as JsonObject[];
}

export type SortOrder = 'Ascending' | 'Descending';

export function sortBy<T>(items: T[], key: (item: T) => string | number, order: SortOrder): T[] {
  const sign = order === 'Ascending' ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -sign : x > y ? sign : 0;
  });
}

/** One page of `items` for `MaxResults`/`NextToken` (the token is the offset, opaque to clients). */
export function paginate<T>(items: readonly T[], input: JsonObject, maxAllowed = 100): { page: T[]; NextToken?: string } {
  const max = optionalInteger(input, 'MaxResults', 1, maxAllowed) ?? maxAllowed;
  const token = optionalString(input, 'NextToken', undefined, 8192);
  let offset = 0;
  if (token !== undefined) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) throw validation(`Invalid pagination token: '${token}'`);
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + max);
  return offset + max < items.length ? { page, NextToken: Buffer.from(`o${offset + max}`).toString('base64url') } : { page };
}

/** The creation-time window filters (`CreationTimeAfter`/`Before`, `CreatedAfter`/`Before`). */
export function inWindow(time: string, after: number | undefined, before: number | undefined): boolean {
  const t = Date.parse(time);
  return (after === undefined || t > after) && (before === undefined || t < before);
}
