/** A promise resolved or rejected from the outside, for ordering events in tests without sleeping. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after pending microtasks and I/O callbacks have run. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Waits until a predicate holds, flushing the event loop between checks (bounded, no timers). */
export async function until(predicate: () => boolean, rounds = 100_000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (predicate()) return;
    await flush();
  }
  throw new Error('condition not reached');
}
