/**
 * Confinement: the one place that decides whether a path taken from input (a definition, a request, what a container
 * left behind) stays inside the folder it belongs to. Lexical checks catch `..` and absolute names; real-path checks
 * catch symbolic links a container created to point at host files. Every refusal is a SagepipeError with the reason.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ErrorCode, SagepipeError } from '../errors.ts';

/** Whether `path` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function refuse(message: string, path: string): SagepipeError {
  return new SagepipeError(ErrorCode.PathUnsafe, message, { path });
}

/**
 * A name used as one file or folder name (a pipeline name, a group name, a step name): refused when it could name
 * anything but a child of its folder.
 */
export function safeFileName(name: string, what: string): string {
  if (name.length === 0 || name.length > 255 || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw refuse(`${what} '${name}' cannot be used as a file name (no '/', '\\', NUL, '.' or '..'; 1-255 characters)`, name);
  }
  return name;
}

/**
 * `root` joined with paths from input, each taken relative to it (a container path `/opt/ml/x` is `<root>/opt/ml/x`);
 * refused when the result would leave `root` (lexically: `..`).
 */
export function confinedJoin(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const full = resolve(base, ...parts.map((p) => p.replace(/^\/+/, '')));
  if (!isInside(base, full)) throw refuse(`${parts.join('/')} is outside ${base}`, parts.join('/'));
  return full;
}

/**
 * Checks, after a job, that `path` (a folder or file the container may have replaced) and everything below it stay
 * inside `root` when links are followed. Refuses links that point outside (or nowhere); returns the real path.
 * A missing path is returned as it is: callers decide whether absence is an error.
 */
export async function assertConfinedTree(root: string, path: string, what: string): Promise<string> {
  const realRoot = await realpath(root);
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const link = await lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink()) throw refuse(`${what}: ${path} is a symbolic link to ${await readlink(path)}, which does not exist; refused`, path);
    return path;
  }
  if (!isInside(realRoot, real)) {
    throw refuse(`${what}: ${path} leads to ${real}, outside the job's folder ${realRoot} (a symbolic link made by the container); refused`, path);
  }
  const info = await lstat(real);
  if (!info.isDirectory()) return real;
  const stack = [real];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(full);
        } catch {
          throw refuse(`${what}: ${full} is a symbolic link to ${await readlink(full)}, which does not exist; refused`, full);
        }
        if (!isInside(realRoot, target)) {
          throw refuse(`${what}: ${full} is a symbolic link to ${target}, outside the job's folder ${realRoot}; refused`, full);
        }
      }
    }
  }
  return real;
}

/**
 * Reads at most `maxBytes` of a regular file inside `root` without following a link out of it (a container may have
 * replaced the file with a link to a host file). A missing file reads as undefined.
 */
export async function readConfinedFile(root: string, path: string, what: string, maxBytes = 64 * 1024): Promise<string | undefined> {
  const realRoot = await realpath(root);
  let parent: string;
  try {
    parent = await realpath(dirname(path));
  } catch {
    return undefined;
  }
  if (!isInside(realRoot, parent)) throw refuse(`${what}: ${dirname(path)} leads to ${parent}, outside the job's folder ${realRoot}; refused`, path);
  let handle;
  try {
    // O_NOFOLLOW: a link in the last component fails with ELOOP instead of being followed.
    handle = await open(join(parent, relative(dirname(path), path)), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw refuse(`${what}: ${path} is a symbolic link (to ${await readlink(path).catch(() => '?')}); refused`, path);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse(`${what}: ${path} is not a regular file; refused`, path);
    const buffer = Buffer.alloc(Math.min(maxBytes, info.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
