/**
 * Docker tests run where a daemon answers; in CI (SAGEPIPE_REQUIRE_DOCKER=1, set by .ci/run) a missing daemon fails
 * them instead of skipping them.
 */
import { execFileSync } from 'node:child_process';

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
