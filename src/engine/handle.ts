/**
 * What starting an execution gives back: its ARN at once, a promise of its final record, its events as an async
 * iterable, and a way to stop it. Every target (the local engine, SageMaker) hands out this same shape.
 */
import type { EngineEvent } from './events.ts';
import type { ExecutionRecord } from './records.ts';

export interface ExecutionHandle<Result = ExecutionRecord> {
  readonly executionArn: string;
  readonly executionId: string;
  /** Settles when the execution has ended (Succeeded, Failed or Stopped); rejects only when sagepipe itself fails. */
  readonly done: Promise<Result>;
  /** Every event of this execution from its start, then the end; each iteration replays from the start. */
  readonly events: AsyncIterable<EngineEvent>;
  /** Asks the execution to stop: running jobs are ended, and it ends Stopped. */
  stop(): void;
}

/** An event buffer that any number of readers iterate from the start, each waiting for what comes next. */
export class EventStream<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private ended = false;
  private wake: (() => void)[] = [];

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.flush();
  }

  end(): void {
    this.ended = true;
    this.flush();
  }

  private flush(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const w of waiting) w();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let i = 0;
    for (;;) {
      while (i < this.items.length) yield this.items[i++] as T;
      if (this.ended) return;
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }
}
