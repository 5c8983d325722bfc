/**
 * Which process holds something (an execution, a lock, a container): its pid, when it started, and on which host.
 * A pid alone is not enough: after a crash the number is reused by an unrelated process, which must not keep an
 * execution "running" for good. The start time (Linux: /proc/<pid>/stat) tells the two apart.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  readonly pid: number;
  /** Opaque start time of the process (clock ticks since boot on Linux); absent where it cannot be read. */
  readonly start?: string;
  /** The host it runs on (see hostId). */
  readonly host: string;
}

let cachedHost: string | undefined;

/** This machine: /etc/machine-id where there is one, else the host name. Stable across runs. */
export function hostId(): string {
  if (cachedHost !== undefined) return cachedHost;
  let id = '';
  try {
    id = readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    // Not Linux, or no machine id.
  }
  cachedHost = id ? `${hostname()}-${id.slice(0, 12)}` : hostname();
  return cachedHost;
}

/** A process's start time, or undefined when it does not exist or this system cannot tell. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function currentProcess(): ProcessIdentity {
  const start = processStartTime(process.pid);
  return { pid: process.pid, ...(start ? { start } : {}), host: hostId() };
}

/** Whether a process has ended but not been reaped by its parent yet (Linux): it runs nothing any more. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** Whether a process with this pid runs (a zombie does not). */
export function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/**
 * Whether the process is still the one recorded. On another host it cannot be checked and counts as alive; with a
 * recorded start time, a live pid that started at another time is a different process (the number was reused).
 */
export function isAlive(id: ProcessIdentity): boolean {
  if (id.host !== hostId()) return true;
  if (!Number.isInteger(id.pid) || id.pid <= 0 || !pidRunning(id.pid)) return false;
  if (id.start === undefined) return true;
  const now = processStartTime(id.pid);
  return now === undefined || now === id.start;
}
