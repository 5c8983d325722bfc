/**
 * Docker tests run where a daemon answers; in CI (SAGEPIPE_REQUIRE_DOCKER=1, set by .ci/run) a missing daemon fails
 * them instead of skipping them.
 */
import { execFileSync } from 'node:child_process';
import { contentTag, readContentTags, versionTag } from '../../local-runner/images/build-context.ts';
import type { ProjectImage } from '../../local-runner/images/catalogue.ts';
import { VERSION } from '../../src/version.ts';
import { REPO_ROOT } from './context.ts';

export function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export const dockerRequired = process.env.SAGEPIPE_REQUIRE_DOCKER === '1';
/** Whether to run Docker tests: yes when a daemon answers, and always when required (they then fail loudly). */
export const runDockerTests = dockerRequired || dockerAvailable();

/**
 * The local name sagepipe runs one of its images as: by content under Docker (`sagepipe-node:0.1.0-<hash12>`, what
 * `sagepipe images build` and a run build from this checkout), by version under the process runtime (nothing is built).
 */
export function projectImage(image: ProjectImage, runtime: 'docker' | 'process' = 'docker'): string {
  const tags = runtime === 'docker' ? readContentTags(REPO_ROOT, VERSION) : undefined;
  return tags ? contentTag(image, tags) : versionTag(image, VERSION);
}
