/**
 * The execution store on disk: `<root>/executions/<id>/{execution.json, journal.jsonl, definition.json, logs/<step>.log}`.
 * `execution.json` is written whole to a temporary file renamed into place, so a crash never leaves half a record.
 * While an execution runs, each change is appended to `journal.jsonl` instead (one line per changed step, a line for
 * the execution's own fields): a save costs what changed, not the whole record. Saving the whole record compacts the
 * journal away. Readers apply the journal over `execution.json`, ignoring a torn last line, so they always see the
 * record as of the last complete append.
 */
import { appendFile, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, SagepipeError, errorMessage } from '../errors.ts';
import { writeFileAtomic } from '../write-file-atomic.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import type { CallbackResponse, ExecutionRecord, NotExecutedStep, StepRecord, StoredExecution } from './records.ts';

/**
 * One line of the journal. `h`: the execution's fields but Steps and NotExecutedSteps; `s`: a step record, replacing
 * the one of that name; `n`: a step not executed, appended; `N`: NotExecutedSteps replaced whole.
 */
export type JournalEntry =
  | { readonly h: Omit<ExecutionRecord, 'Steps' | 'NotExecutedSteps'> }
  | { readonly s: StepRecord }
  | { readonly n: NotExecutedStep }
  | { readonly N: readonly NotExecutedStep[] };

const JOURNAL = 'journal.jsonl';

/** The record with the journal's complete lines applied in order. */
export function applyJournal(record: ExecutionRecord, journal: string): ExecutionRecord {
  if (journal === '') return record;
  let out = record;
  const index = new Map(out.Steps.map((step, i) => [step.StepName, i]));
  for (const line of journal.split('\n')) {
    if (line === '') continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      break; // a torn last line: the append that a crash cut short
    }
    if ('h' in entry) out = { ...entry.h, Steps: out.Steps, NotExecutedSteps: out.NotExecutedSteps } as ExecutionRecord;
    else if ('s' in entry) {
      const i = index.get(entry.s.StepName);
      if (i === undefined) {
        index.set(entry.s.StepName, out.Steps.length);
        out.Steps.push(entry.s);
      } else out.Steps[i] = entry.s;
    } else if ('n' in entry) out.NotExecutedSteps.push(entry.n);
    else if ('N' in entry) out.NotExecutedSteps = [...entry.N];
  }
  return out;
}

export { writeFileAtomic };

export class ExecutionStore {
  readonly executionsDir: string;
  constructor(readonly root: string) {
    this.executionsDir = join(root, 'executions');
  }

  dirOf(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new SagepipeError(ErrorCode.ExecutionNotFound, `'${id}' is not an execution id`, { path: id });
    return join(this.executionsDir, id);
  }

  logFile(id: string, step: string): string {
    return join(this.dirOf(id), 'logs', `${step}.log`);
  }

  async create(record: ExecutionRecord, definition: PipelineDefinition): Promise<void> {
    const dir = this.dirOf(record.PipelineExecutionId);
    await mkdir(join(dir, 'logs'), { recursive: true });
    await writeFileAtomic(join(dir, 'definition.json'), `${JSON.stringify(definition, null, 2)}\n`);
    await this.save(record);
  }

  /**
   * Writes the whole record and drops the journal. The journal's lines are all older than or equal to the record
   * (callers append every change before saving), so a crash between the two leaves a journal that reapplies to the
   * same state.
   */
  async save(record: ExecutionRecord): Promise<void> {
    const dir = this.dirOf(record.PipelineExecutionId);
    await writeFileAtomic(join(dir, 'execution.json'), `${JSON.stringify(record, null, 2)}\n`);
    await rm(join(dir, JOURNAL), { force: true });
  }

  /** Appends changes to the record (what `save` would write, at the cost of what changed). */
  async appendJournal(id: string, entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    let text = '';
    for (const e of entries) text += `${JSON.stringify(e)}\n`;
    await appendFile(join(this.dirOf(id), JOURNAL), text);
  }

  private async readRecord(dir: string): Promise<ExecutionRecord> {
    // The journal first: read after execution.json, a final save could replace that file and drop the journal in
    // between, and the reader would see the run's first state. Its lines reapply to a newer record unchanged.
    let journal = '';
    try {
      journal = await readFile(join(dir, JOURNAL), 'utf8');
    } catch {
      journal = '';
    }
    const record = JSON.parse(await readFile(join(dir, 'execution.json'), 'utf8')) as ExecutionRecord;
    return applyJournal(record, journal);
  }

  async appendLog(id: string, step: string, lines: string): Promise<void> {
    await appendFile(this.logFile(id, step), lines);
  }

  /** Asks the process running an execution to stop it (it polls for this file). */
  async requestStop(id: string): Promise<void> {
    await writeFileAtomic(join(this.dirOf(id), 'stop-requested'), new Date().toISOString());
  }

  async stopRequested(id: string): Promise<boolean> {
    try {
      await readFile(join(this.dirOf(id), 'stop-requested'));
      return true;
    } catch {
      return false;
    }
  }

  async clearStopRequest(id: string): Promise<void> {
    const { rm } = await import('node:fs/promises');
    await rm(join(this.dirOf(id), 'stop-requested'), { force: true });
  }

  private callbackFile(id: string, token: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new SagepipeError(ErrorCode.UsageError, `'${token}' is not a callback token`, { path: token });
    return join(this.dirOf(id), 'callbacks', `${token}.json`);
  }

  /** Completes a waiting Callback step (SendPipelineExecutionStepSuccess/Failure); the runner polls for this file. */
  async writeCallbackResponse(id: string, token: string, response: CallbackResponse): Promise<void> {
    const file = this.callbackFile(id, token);
    await mkdir(join(this.dirOf(id), 'callbacks'), { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(response, null, 2)}\n`);
  }

  async readCallbackResponse(id: string, token: string): Promise<CallbackResponse | undefined> {
    try {
      return JSON.parse(await readFile(this.callbackFile(id, token), 'utf8')) as CallbackResponse;
    } catch {
      return undefined;
    }
  }

  /** The execution and step waiting on a callback token. */
  async findCallback(token: string): Promise<{ execution: ExecutionRecord; step: StepRecord } | undefined> {
    const { executions } = await this.list();
    for (const execution of executions) {
      for (const step of execution.Steps) {
        const callback = step.Metadata.Callback;
        if (typeof callback === 'object' && callback !== null && !Array.isArray(callback) && callback.CallbackToken === token) return { execution, step };
      }
    }
    return undefined;
  }

  async readLog(id: string, step: string): Promise<string> {
    try {
      return await readFile(this.logFile(id, step), 'utf8');
    } catch {
      return '';
    }
  }

  async load(id: string): Promise<StoredExecution> {
    const dir = this.dirOf(id);
    let recordText: string;
    try {
      recordText = await readFile(join(dir, 'execution.json'), 'utf8');
    } catch {
      throw new SagepipeError(ErrorCode.ExecutionNotFound, `no execution '${id}' in ${this.executionsDir}`, { path: id });
    }
    let record: ExecutionRecord;
    let definition: PipelineDefinition;
    try {
      record = JSON.parse(recordText) as ExecutionRecord;
      if (typeof record === 'object' && record !== null && Array.isArray(record.Steps)) {
        record = applyJournal(record, await readFile(join(dir, JOURNAL), 'utf8').catch(() => ''));
      }
      if (typeof record !== 'object' || record === null || typeof record.PipelineExecutionArn !== 'string' || !Array.isArray(record.Steps)) {
        throw new Error('fields PipelineExecutionArn and Steps are missing');
      }
    } catch (error) {
      throw new SagepipeError(ErrorCode.ExecutionCorrupt, `execution record ${join(dir, 'execution.json')} is corrupt: ${errorMessage(error)}`, { path: id });
    }
    try {
      definition = JSON.parse(await readFile(join(dir, 'definition.json'), 'utf8')) as PipelineDefinition;
    } catch (error) {
      throw new SagepipeError(ErrorCode.ExecutionCorrupt, `definition of execution '${id}' (${join(dir, 'definition.json')}) is missing or corrupt: ${errorMessage(error)}`, { path: id });
    }
    return { record, definition };
  }

  /** The ids of every recorded execution (its folder), readable or not; none when the workspace has no executions. */
  async ids(): Promise<string[]> {
    try {
      return (await readdir(this.executionsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return [];
    }
  }

  /** Every readable execution, newest first. Unreadable ones are returned in `corrupt`. */
  async list(filter: { pipelineName?: string } = {}): Promise<{ executions: ExecutionRecord[]; corrupt: string[] }> {
    const ids = await this.ids();
    const executions: ExecutionRecord[] = [];
    const corrupt: string[] = [];
    for (const id of ids) {
      try {
        const r = await this.readRecord(join(this.executionsDir, id));
        if (!filter.pipelineName || r.PipelineName === filter.pipelineName) executions.push(r);
      } catch {
        corrupt.push(id);
      }
    }
    executions.sort(newestFirst);
    return { executions, corrupt };
  }

  /** Finds an execution by id, ARN, or a unique id prefix. */
  async resolve(idOrArn: string): Promise<StoredExecution> {
    const id = idOrArn.includes('/execution/') ? (idOrArn.split('/execution/')[1] ?? idOrArn) : idOrArn;
    try {
      return await this.load(id);
    } catch (error) {
      if ((error as SagepipeError).code !== ErrorCode.ExecutionNotFound) throw error;
      const { executions } = await this.list();
      const matches = executions.filter((e) => e.PipelineExecutionId.startsWith(id));
      if (matches.length === 1) return this.load((matches[0] as ExecutionRecord).PipelineExecutionId);
      if (matches.length > 1) {
        throw new SagepipeError(ErrorCode.ExecutionNotFound, `'${id}' matches ${matches.length} executions: ${matches.map((m) => m.PipelineExecutionId).join(', ')}`, { path: id });
      }
      throw error;
    }
  }

  /** Succeeded step runs of a pipeline's step, newest first (the candidates for a cache hit). */
  async succeededRuns(pipelineName: string, stepName: string): Promise<{ execution: ExecutionRecord; step: StepRecord }[]> {
    const { executions } = await this.list({ pipelineName });
    const out: { execution: ExecutionRecord; step: StepRecord }[] = [];
    for (const execution of executions) {
      for (const step of execution.Steps) {
        if (step.StepName === stepName && step.StepStatus === 'Succeeded' && step.CacheKey !== undefined && step.CacheHitResult === undefined) {
          out.push({ execution, step });
        }
      }
    }
    return out;
  }
}

/** The order `list` returns executions in: newest first. */
export function newestFirst(a: ExecutionRecord, b: ExecutionRecord): number {
  return a.CreationTime < b.CreationTime ? 1 : a.CreationTime > b.CreationTime ? -1 : 0;
}
