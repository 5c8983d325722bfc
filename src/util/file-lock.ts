/**
 * The one lock for read-modify-write records shared by processes (approval history, registry versions, an
 * execution's runner). A lock is a file created exclusively, holding its owner's identity; a lock whose owner died
 * (kill -9) is taken over, so a crash never blocks anyone for good.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { ErrorCode, SagepipeError } from '../errors.ts';
import { type ProcessIdentity, currentProcess, isAlive } from './process-identity.ts';

export interface LockHolder extends ProcessIdentity {
  readonly since: string;
  /** What the holder is doing, for the conflict message. */
  readonly purpose?: string;
}

export interface LockOptions {
  /** Give up after this long. 0: fail at once when held (a conflict). @default 30000 */
  readonly waitMs?: number;
  /** What the lock protects, in conflict messages. */
  readonly what?: string;
  readonly purpose?: string;
}

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

async function readHolder(path: string): Promise<{ text: string | undefined; holder: LockHolder | undefined }> {
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
    return { text, holder: JSON.parse(text) as LockHolder };
  } catch {
    return { text, holder: undefined };
  }
}

/**
 * Removes a lock whose holder died, if it is still the one seen (`seen`, its exact content). Takeovers are serialised
 * by a second lock file, so no one can remove a lock a live process took in the meantime: between our check and the
 * removal nobody else may remove it, and no one can create a new one while it exists.
 */
async function removeDeadLock(path: string, seen: string): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    await (await open(guard, 'wx')).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A takeover in progress, or one whose process died in the middle (then its guard is old).
    const age = Date.now() - ((await stat(guard).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > 10_000) await rm(guard, { force: true });
    return;
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => undefined);
    if (now === seen) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/** Takes the lock at `path` (a file), waiting while a live process holds it. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  const waitMs = options.waitMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  const me: LockHolder = { ...currentProcess(), since: new Date().toISOString(), ...(options.purpose ? { purpose: options.purpose } : {}) };
  const token = randomUUID();
  const content = JSON.stringify({ ...me, token });
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return {
        path,
        release: async () => {
          // Only our own lock is removed (a taken-over one belongs to someone else now).
          const held = await readFile(path, 'utf8').catch(() => '');
          if (held.includes(token)) await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const { text, holder } = await readHolder(path);
    // Empty or unreadable: its writer is between open and write, or died there; dead owners are taken over.
    const abandoned = !holder && text !== undefined && Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now()) > 5000;
    if ((holder && !isAlive(holder)) || abandoned) {
      await removeDeadLock(path, text ?? '');
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid}${holder.purpose ? ` (${holder.purpose})` : ''} since ${holder.since}` : 'another process';
      throw new SagepipeError(ErrorCode.Conflict, `${options.what ?? path} is held by ${who}`, { path });
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
  }
}

/** Runs `fn` holding the lock at `path`. */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
