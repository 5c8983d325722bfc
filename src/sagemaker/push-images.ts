/**
 * `sagepipe images push`: sagepipe's images to Amazon ECR, under the URIs compiled definitions use
 * (`<account>.dkr.ecr.<region>.amazonaws.com/sagepipe-<image>:<version>`). Repositories are created when missing;
 * Docker logs in with GetAuthorizationToken. The ECR and Docker sides are narrow ports, so the plan is testable.
 */
import { imageUri } from '../sdk/context.ts';
import { ErrorCode, SagepipeError, errorMessage } from '../errors.ts';

export interface EcrPort {
  /** Creates the repository; resolves false when it already existed. */
  ensureRepository(name: string): Promise<boolean>;
  /** Docker credentials for the registry. */
  authorization(): Promise<{ username: string; password: string; registry: string }>;
}

export interface DockerPushPort {
  hasImage(name: string): Promise<boolean>;
  tag(source: string, repository: string, tag: string): Promise<void>;
  /** Pushes `repository:tag`, reporting progress; rejects when the stream reports an error. */
  push(repository: string, tag: string, auth: { username: string; password: string; serveraddress: string }, progress: (line: string) => void): Promise<void>;
}

export interface PushOptions {
  readonly images: readonly string[];
  readonly account: string;
  readonly region: string;
  readonly version: string;
  readonly progress: (line: string) => void;
}

export async function pushImages(ecr: EcrPort, docker: DockerPushPort, options: PushOptions): Promise<string[]> {
  const pushed: string[] = [];
  for (const name of options.images) {
    const local = `sagepipe-${name}:${options.version}`;
    if (!(await docker.hasImage(local))) {
      throw new SagepipeError(ErrorCode.ImageUnavailable, `${local} is not built: run 'sagepipe images build' first`);
    }
  }
  const auth = await ecr.authorization();
  for (const name of options.images) {
    const uri = imageUri({ account: options.account, region: options.region, imageVersion: options.version }, name as 'xgboost' | 'node');
    const repository = uri.slice(0, uri.lastIndexOf(':'));
    if (await ecr.ensureRepository(`sagepipe-${name}`)) options.progress(`created ECR repository sagepipe-${name}`);
    await docker.tag(`sagepipe-${name}:${options.version}`, repository, options.version);
    options.progress(`pushing ${uri}`);
    try {
      await docker.push(repository, options.version, { username: auth.username, password: auth.password, serveraddress: auth.registry }, options.progress);
    } catch (error) {
      throw new SagepipeError(ErrorCode.ImageUnavailable, `pushing ${uri} failed: ${errorMessage(error)}`, { cause: error });
    }
    pushed.push(uri);
  }
  return pushed;
}
