/** Errors in the service's wire form: JSON `{"__type", "message"}` for SageMaker, XML `<Error>` for S3. */

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
