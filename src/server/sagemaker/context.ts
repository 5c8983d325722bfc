/**
 * What every group of SageMaker operations works on: the local target (executions, pipelines, endpoints — the same
 * ones the CLI and the library see), the workspace's stores the target does not cover yet, serve's own state.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SageMakerResource, sageMakerArn } from '../../arn.ts';
import type { JsonObject } from '../../definition/types.ts';
import type { JobBackend } from '../../engine/backend.ts';
import type { ExecutionRecord } from '../../engine/records.ts';
import { writeFileAtomic } from '../../write-file-atomic.ts';
import type { LocalSession } from '../../../local-runner/workspace.ts';
import type { Endpoints } from '../../../local-runner/endpoints/endpoints.ts';
import { LocalTarget } from '../../../local-runner/local-target.ts';

export interface SageMakerContext {
  readonly session: LocalSession;
  /** Runs standalone jobs (CreateTrainingJob …); executions run through `target`. */
  readonly backend: JobBackend;
  readonly endpoints: Endpoints;
  /** Executions, pipelines and endpoints: the workspace's local target, over `backend`. */
  readonly target: LocalTarget;
  /** serve's own records (endpoint configs, execution extras, tags), under `<workspace>/serve/`. */
  readonly state: ServeState;
  /** Executions asked to stop that have not ended yet (reported as `Stopping`). */
  readonly stopping: Set<string>;
  arn(kind: SageMakerResource, name: string): string;
}

/** Small JSON records of serve's own, one file per key; keys are checked by the callers' name patterns. */
export class ServeState {
  constructor(readonly root: string) {}

  file(kind: string, key: string): string {
    if (!/^[A-Za-z0-9-]{1,256}$/.test(key)) throw new Error(`invalid record key '${key}'`);
    return join(this.root, kind, `${key}.json`);
  }

  async read<T extends JsonObject>(kind: string, key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.file(kind, key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  async write(kind: string, key: string, value: JsonObject): Promise<void> {
    await mkdir(join(this.root, kind), { recursive: true });
    await writeFileAtomic(this.file(kind, key), `${JSON.stringify(value, null, 2)}\n`);
  }
}

/** Every recorded execution with its steps, newest first, read through the target. */
export async function executionsWithSteps(ctx: Pick<SageMakerContext, 'target'>): Promise<ExecutionRecord[]> {
  const { executions } = await ctx.target.list();
  const records = await Promise.all(executions.map((e) => ctx.target.describe(e.PipelineExecutionArn).catch(() => undefined)));
  return records.filter((r): r is ExecutionRecord => r !== undefined);
}

export function createContext(options: { session: LocalSession; backend: JobBackend; endpoints: Endpoints }): SageMakerContext {
  const { session } = options;
  return {
    ...options,
    target: new LocalTarget({ session, backend: options.backend, endpoints: options.endpoints }),
    state: new ServeState(join(session.workspace, 'serve')),
    stopping: new Set(),
    arn: (kind, name) => sageMakerArn(session, kind, name),
  };
}
