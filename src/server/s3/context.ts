/** What the S3 handlers share: the local S3, ETags, folders for uploads in progress, limits. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LocalS3 } from '../../../local-runner/s3/local-s3.ts';
import { isSagepipeError } from '../../errors.ts';
import { ApiError } from '../http/api-error.ts';
import { ETags } from './etags.ts';

export interface S3Limits {
  /** Largest object (PutObject) or part (UploadPart) accepted, in bytes. @default 5 GiB, as S3 */
  readonly maxObjectBytes: number;
  /** Largest XML request body (DeleteObjects, CompleteMultipartUpload). @default 1 MiB */
  readonly maxControlBytes: number;
}

export interface S3Request {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
}

export class S3Context {
  readonly etags = new ETags();
  /** Bodies being received, renamed into place once complete (same file system as the objects). */
  readonly incoming: string;
  readonly uploads: string;

  constructor(
    readonly s3: LocalS3,
    readonly region: string,
    readonly limits: S3Limits,
  ) {
    this.incoming = join(s3.root, '..', 's3-incoming');
    this.uploads = join(s3.root, '..', 's3-uploads');
  }

  bucketDir(bucket: string): string {
    return join(this.s3.root, bucket);
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return stat(this.bucketDir(bucket)).then((s) => s.isDirectory(), () => false);
  }

  async requireBucket(bucket: string): Promise<void> {
    if (!(await this.bucketExists(bucket))) throw new ApiError('NoSuchBucket', 'The specified bucket does not exist', 404);
  }

  /** The file of an object, confined to its bucket (a key that leaves it is refused). */
  objectPath(bucket: string, key: string): string {
    if (key.split('/').some((segment) => segment === '..' || segment === '.') || key.includes('\0') || key.includes('.sagepipe-tmp-')) {
      throw new ApiError('InvalidArgument', `key '${key}' is not accepted by sagepipe serve ('.' or '..' segments, NUL, or a reserved name)`);
    }
    try {
      return this.s3.pathOf(`s3://${bucket}/${key}`);
    } catch (error) {
      if (isSagepipeError(error)) throw new ApiError('InvalidArgument', error.message);
      throw error;
    }
  }

  tempFile(): string {
    return join(this.incoming, randomUUID());
  }

  /** Moves a complete temp file to be the object (atomically replacing an older one). */
  async commit(temp: string, path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    try {
      await rename(temp, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'ENOTDIR' || code === 'EEXIST') {
        throw new ApiError('InvalidArgument', 'the key names a folder of other keys, or goes through an object (the local S3 keeps objects as files)', 409);
      }
      throw error;
    }
    this.etags.forget(path);
  }
}
