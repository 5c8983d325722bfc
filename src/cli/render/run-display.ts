/**
 * Renders engine events for people: one line per step transition and tagged log lines; on a terminal, a live
 * status block (state, elapsed time, a spinner while running) redrawn under the log.
 */
import type { EngineEvent } from '../../engine/events.ts';
import type { CliIO } from '../io.ts';

type State = 'pending' | 'running' | 'succeeded' | 'cached' | 'failed' | 'stopped' | 'skipped' | 'retrying';

interface Row {
  readonly name: string;
  readonly type: string;
  state: State;
  started?: number;
  ended?: number;
  note?: string;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ICON: Record<State, string> = {
  pending: '·',
  running: '▶',
  retrying: '↻',
  succeeded: '✔',
  cached: '✔',
  failed: '✖',
  stopped: '■',
  skipped: '–',
};

export interface DisplayOptions {
  /** Print job logs. @default true */
  readonly logs: boolean;
  /** Live redraws (a terminal) or plain lines. */
  readonly live: boolean;
  readonly now?: () => number;
}

export class RunDisplay {
  private readonly rows = new Map<string, Row>();
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly io: CliIO,
    private readonly options: DisplayOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  private write(text: string): void {
    this.io.err(text);
  }

  private elapsed(row: Row): string {
    if (row.started === undefined) return '';
    const ms = (row.ended ?? this.now()) - row.started;
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
  }

  private clearBlock(): void {
    if (!this.options.live || this.drawn === 0) return;
    this.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private drawBlock(): void {
    if (!this.options.live) return;
    const width = Math.max(...[...this.rows.values()].map((r) => r.name.length), 4);
    const lines = [...this.rows.values()].map((r) => {
      const icon = r.state === 'running' ? (SPINNER[this.frame % SPINNER.length] as string) : ICON[r.state];
      const label = r.state === 'cached' ? 'cached' : r.state;
      return `  ${icon} ${r.name.padEnd(width)}  ${label.padEnd(9)} ${this.elapsed(r).padStart(8)}${r.note ? `  ${r.note}` : ''}`;
    });
    this.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  /** Prints lines above the live block. */
  private print(text: string): void {
    this.clearBlock();
    this.write(`${text}\n`);
    this.drawBlock();
  }

  private row(name: string): Row {
    let r = this.rows.get(name);
    if (!r) {
      r = { name, type: '', state: 'pending' };
      this.rows.set(name, r);
    }
    return r;
  }

  handle(event: EngineEvent): void {
    switch (event.type) {
      case 'executionStarted':
        for (const s of event.steps) if (!this.rows.has(s.name)) this.rows.set(s.name, { name: s.name, type: s.type, state: 'pending' });
        this.print(`${event.retry ? 'Retrying' : 'Running'} ${event.pipelineName} — execution ${event.executionId}`);
        if (this.options.live && !this.timer) {
          this.timer = setInterval(() => {
            this.frame++;
            this.clearBlock();
            this.drawBlock();
          }, 120);
          this.timer.unref();
        }
        return;
      case 'imagesResolved': {
        // One line per distinct stand-in: several steps on the same AWS image say it once.
        const lines = new Set(event.images.filter((i) => i.Substitution).map((i) => `  image ${i.Substitution}`));
        for (const line of lines) this.print(line);
        return;
      }
      case 'imageBuildStarted': {
        // The image-build phase: its own row in the live block, with its time (no step's time includes it).
        const r = this.row(`image ${event.image}`);
        r.state = 'running';
        r.started = this.now();
        r.note = `for ${event.steps.join(', ')}`;
        this.print(`▶ building image ${event.image} (missing; for ${event.steps.join(', ')}) before the first step`);
        return;
      }
      case 'imageBuildLog':
        if (this.options.logs) this.print(`  image ${event.image} | ${event.line}`);
        return;
      case 'imageBuildFinished': {
        const r = this.row(`image ${event.image}`);
        r.state = event.failureReason === undefined ? 'succeeded' : 'failed';
        r.started ??= this.now() - event.durationMs;
        r.ended = r.started + event.durationMs;
        if (event.failureReason === undefined) this.print(`✔ built image ${event.image} (${this.elapsed(r)})`);
        else this.print(`✖ image ${event.image} could not be built (${this.elapsed(r)}): ${event.failureReason}`);
        return;
      }
      case 'stepStarted': {
        const r = this.row(event.step);
        r.state = 'running';
        r.started ??= this.now();
        r.note = event.attempt > 1 ? `attempt ${event.attempt}` : undefined;
        if (!this.options.live) this.print(`▶ ${event.step} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`);
        else this.print(`▶ ${event.step}`);
        return;
      }
      case 'stepLog':
        if (this.options.logs) this.print(`  ${event.step} | ${event.line.replace(/\t/g, '  ')}`);
        return;
      case 'stepCacheHit': {
        const r = this.row(event.step);
        r.state = 'cached';
        r.started ??= this.now();
        r.ended = this.now();
        r.note = `from ${event.sourceExecutionArn.split('/').pop()}`;
        this.print(`✔ ${event.step} cache hit (execution ${event.sourceExecutionArn.split('/').pop()})`);
        return;
      }
      case 'stepCacheMiss':
        this.print(`  ${event.step}: cache miss: ${event.reason}`);
        return;
      case 'stepSucceeded': {
        const r = this.row(event.step);
        if (r.state !== 'cached') {
          r.state = 'succeeded';
          r.ended = this.now();
          this.print(`✔ ${event.step} succeeded (${this.elapsed(r)})`);
        }
        return;
      }
      case 'stepRetrying': {
        const r = this.row(event.step);
        r.state = 'retrying';
        this.print(`↻ ${event.step} failed (${event.reason}); retry ${event.attempt - 1} in ${(event.delayMs / 1000).toFixed(1)} s`);
        return;
      }
      case 'stepFailed': {
        const r = this.row(event.step);
        r.state = 'failed';
        r.ended = this.now();
        this.print(`✖ ${event.step} failed: ${event.reason}`);
        return;
      }
      case 'stepStopped': {
        const r = this.row(event.step);
        r.state = 'stopped';
        r.ended = this.now();
        this.print(`■ ${event.step} stopped`);
        return;
      }
      case 'stepWaitingForCallback': {
        const r = this.row(event.step);
        r.note = `waiting for callback ${event.token}`;
        this.print(`⏸ ${event.step} waits for a callback: token ${event.token}, arguments ${JSON.stringify(event.arguments)}`);
        this.print(`  complete it with: sagepipe executions callback ${event.token} --success [--output name=value] | --failure --reason "…"`);
        return;
      }
      case 'stepNotExecuted': {
        const r = this.row(event.step);
        r.state = 'skipped';
        r.note = event.reason;
        this.print(`– ${event.step} not executed: ${event.reason}`);
        return;
      }
      case 'executionFinished':
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        this.clearBlock();
        this.options.live && this.drawBlock();
        this.drawn = 0;
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
