/** Errors in the service's wire form: JSON `{"__type", "message"}` for SageMaker, XML `<Error>` for S3 and STS. */
import { isSagepipeError, errorMessage } from '../../errors.ts';

export class ApiError extends Error {
  constructor(
    /** The error code (`ValidationException`, `ResourceNotFound`, `NoSuchKey` …). */
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const validation = (message: string) => new ApiError('ValidationException', message);
export const notFound = (message: string) => new ApiError('ResourceNotFound', message);
export const conflict = (message: string) => new ApiError('ConflictException', message);

/**
 * Any error as the API answers it: a user's mistake (a SagepipeError the user caused: a bad name, an invalid
 * definition) is a 400 ValidationException, never a 500; only sagepipe's own faults are InternalFailure.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isSagepipeError(error) && error.fault === 'user') {
    const detail = error.issues.length > 0 ? error.issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join('; ') : error.message;
    return validation(detail);
  }
  return new ApiError('InternalFailure', errorMessage(error), 500);
}
