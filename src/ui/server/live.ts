/**
 * Live updates for the page: an execution's record and a step's log, followed on disk. The runner may be another
 * process (`sagepipe run` writes its record as it goes), so the files are the source of truth; one poll timer per
 * followed execution serves every page that watches it, and the engine's events of runs in this process trigger a
 * check at once (`poke`).
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';

export interface LiveOptions {
  /** How often followed files are checked. @default 250 ms */
  readonly intervalMs?: number;
}

export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write(': sagepipe ui\n\n');
}

export function sendEvent(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * What changes when a file does (mtime, size, inode: an atomic rename changes the inode). For a folder, the same of
 * each file directly in it (sub-folders and temporary files left out): an execution's record may be kept in more
 * than one file (a record and a journal of changes), and the UI does not need to know which.
 */
export async function signature(path: string): Promise<string> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) return `${s.mtimeMs}:${s.size}:${s.ino}`;
    const entries = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.includes('.tmp-')).map((e) => e.name).sort();
    const parts = await Promise.all(
      entries.map(async (name) => {
        try {
          const f = await stat(join(path, name));
          return `${name}=${f.mtimeMs}:${f.size}:${f.ino}`;
        } catch {
          return `${name}=gone`;
        }
      }),
    );
    return parts.join('|');
  } catch {
    return 'missing';
  }
}

interface Followed {
  readonly listeners: Set<() => void>;
  readonly timer: NodeJS.Timeout;
  readonly check: () => void;
}

/** Calls each listener when a file or a folder's files change (see `signature`). */
export class FileFollower {
  private readonly followed = new Map<string, Followed>();
  private readonly intervalMs: number;
  constructor(options: LiveOptions = {}) {
    this.intervalMs = options.intervalMs ?? 250;
  }

  follow(path: string, listener: () => void): () => void {
    let entry = this.followed.get(path);
    if (!entry) {
      const listeners = new Set<() => void>();
      let last: string | undefined;
      let busy = false;
      let again = false;
      const check = (): void => {
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        void signature(path)
          .then((sig) => {
            // The first check fires too: a change between a caller's first read and this baseline is not lost.
            if (sig !== last) for (const l of listeners) l();
            last = sig;
          })
          .finally(() => {
            busy = false;
            if (again) {
              again = false;
              check();
            }
          });
      };
      const timer = setInterval(check, this.intervalMs);
      timer.unref();
      entry = { listeners, timer, check };
      this.followed.set(path, entry);
    }
    entry.listeners.add(listener);
    return () => {
      const e = this.followed.get(path);
      if (!e) return;
      e.listeners.delete(listener);
      if (e.listeners.size === 0) {
        clearInterval(e.timer);
        this.followed.delete(path);
      }
    };
  }

  /** Checks a followed path now (something said it changed), without waiting for the next poll. */
  poke(path: string): void {
    this.followed.get(path)?.check();
  }

  close(): void {
    for (const e of this.followed.values()) clearInterval(e.timer);
    this.followed.clear();
  }
}

/** Reads a file from `offset` to its end (at most `limit` bytes); a missing file reads as empty. */
export async function readFrom(file: string, offset: number, limit = 1024 * 1024): Promise<{ text: string; next: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return { text: '', next: offset };
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return { text: '', next: size < offset ? 0 : offset };
    const length = Math.min(size - offset, limit);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    // Cut at the last newline so a multi-byte character or half a line is never sent.
    const cut = bytesRead === size - offset ? bytesRead : buffer.lastIndexOf(0x0a, bytesRead - 1) + 1 || bytesRead;
    return { text: buffer.subarray(0, cut).toString('utf8'), next: offset + cut };
  } finally {
    await handle.close();
  }
}
