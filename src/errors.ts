/**
 * The one error hierarchy of sagepipe.
 *
 * Every error the library raises carries a stable `code`, the path of the thing that caused it (a step, a field,
 * a file), and whether the user or sagepipe is at fault. The CLI prints user errors as one line per issue and
 * keeps stack traces for `--debug`.
 *
 * Error kinds are checked with brand guards, not `instanceof`: a user's pipeline module is bundled with its own
 * copy of the SDK, so its classes are not ours.
 */

const BRAND = Symbol.for('sagepipe.error');

export const ErrorCode = {
  /** The pipeline, written with the SDK, has mistakes (several issues collected in one pass). */
  PipelineInvalid: 'PIPELINE_INVALID',
  /** A definition JSON does not parse or does not validate. */
  DefinitionInvalid: 'DEFINITION_INVALID',
  /** A file could not be read or loaded (pipeline module, definition, data). */
  FileUnreadable: 'FILE_UNREADABLE',
  /** A parameter value given to an execution is wrong. */
  ParameterInvalid: 'PARAMETER_INVALID',
  /** A reference (`Get`, `Std:JsonGet`) could not be resolved while running a step. */
  ReferenceUnresolved: 'REFERENCE_UNRESOLVED',
  /** An execution record is missing or unreadable. */
  ExecutionNotFound: 'EXECUTION_NOT_FOUND',
  ExecutionCorrupt: 'EXECUTION_CORRUPT',
  /** An operation is not allowed in the current state (retry of a running execution …). */
  InvalidState: 'INVALID_STATE',
  /** A step the local engine or backend cannot run (its type, its image): refused before the execution starts. */
  StepUnsupported: 'STEP_UNSUPPORTED',
  /** A job failed; the message is the job's failure reason. */
  JobFailed: 'JOB_FAILED',
  /** A container image could not be found or built. */
  ImageUnavailable: 'IMAGE_UNAVAILABLE',
  /** A local S3 URI or key is malformed or unsafe. */
  S3UriInvalid: 'S3_URI_INVALID',
  S3ObjectNotFound: 'S3_OBJECT_NOT_FOUND',
  S3BucketNotFound: 'S3_BUCKET_NOT_FOUND',
  /** A model package / group / model cannot be found. */
  ResourceNotFound: 'RESOURCE_NOT_FOUND',
  /** A path from input (a name, a key, a link a container made) would lead outside the folder it belongs to. */
  PathUnsafe: 'PATH_UNSAFE',
  /** Another process is already doing this (running the execution …). */
  Conflict: 'CONFLICT',
  /** Command line misuse. */
  UsageError: 'USAGE_ERROR',
  /** Something in sagepipe itself went wrong. */
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem found, with the JSON/object path that locates it (e.g. `Steps[2].Arguments.HyperParameters.eta`). */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

export interface SagepipeErrorOptions {
  /** Where the problem is: a step name, a JSON path, a file. */
  readonly path?: string;
  /** All problems found, when several are reported at once. */
  readonly issues?: readonly Issue[];
  readonly cause?: unknown;
  /** @default 'user' */
  readonly fault?: 'user' | 'sagepipe';
}

export class SagepipeError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly issues: readonly Issue[];
  readonly fault: 'user' | 'sagepipe';

  constructor(code: ErrorCode, message: string, options: SagepipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SagepipeError';
    this.code = code;
    this.path = options.path;
    this.issues = options.issues ?? [];
    this.fault = options.fault ?? 'user';
  }
}

export function isSagepipeError(value: unknown): value is SagepipeError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Renders an error's issues as `path: message` lines, or its message when it has none. */
export function describeError(error: SagepipeError): string[] {
  if (error.issues.length === 0) return [error.path && !error.message.includes(error.path) ? `${error.path}: ${error.message}` : error.message];
  return [error.message, ...error.issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}`)];
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
