/**
 * Container paths. Inside a container they are what they say (`/opt/ml/...`); under sagepipe's process runtime,
 * where a job runs as a child process, each job has its own folder standing in for `/`, named by
 * `SAGEPIPE_CONTAINER_ROOT`. Scripts that use `containerPath()` run unchanged under both.
 */
import { join } from 'node:path';

export const CONTAINER_ROOT_ENV = 'SAGEPIPE_CONTAINER_ROOT';

export function containerPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env[CONTAINER_ROOT_ENV];
  if (!root || !path.startsWith('/')) return path;
  return join(root, path);
}
