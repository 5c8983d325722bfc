/**
 * Whether Debian's python3 has a module. In CI (`CI=true`) a missing one is an error, never a skip: .ci/run installs
 * python3-boto3 and awscli.
 */
import { spawnSync } from 'node:child_process';

export function requirePython(module: string): boolean {
  const ok = spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0;
  if (!ok && process.env.CI) throw new Error(`/usr/bin/python3 cannot import ${module}: install it (see .ci/run)`);
  return ok;
}

export function requireAwsCli(): boolean {
  const ok = spawnSync('/usr/bin/aws', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!ok && process.env.CI) throw new Error('/usr/bin/aws (Debian\'s awscli) is missing: install it (see .ci/run)');
  return ok;
}
