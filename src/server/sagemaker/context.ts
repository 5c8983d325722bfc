/** What every group of SageMaker operations works on: the workspace's stores, the local backend, serve's own state. */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SageMakerResource, sageMakerArn } from '../../arn.ts';
import type { JsonObject } from '../../definition/types.ts';
import type { JobBackend } from '../../engine/backend.ts';
import { writeFileAtomic } from '../../engine/store.ts';
import type { LocalSession } from '../../../local-runner/workspace.ts';
import type { Endpoints } from '../../../local-runner/endpoints/endpoints.ts';
import { PipelinesStore } from './pipelines-store.ts';

export interface SageMakerContext {
  readonly session: LocalSession;
  readonly backend: JobBackend;
  readonly endpoints: Endpoints;
  readonly pipelines: PipelinesStore;
  /** serve's own records (endpoint configs, execution extras, tags), under `<workspace>/serve/`. */
  readonly state: ServeState;
  /** Executions this server runs now, to stop them. */
  readonly running: Map<string, AbortController>;
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

export function createContext(options: { session: LocalSession; backend: JobBackend; endpoints: Endpoints }): SageMakerContext {
  const { session } = options;
  return {
    ...options,
    pipelines: new PipelinesStore(join(session.workspace, 'pipelines')),
    state: new ServeState(join(session.workspace, 'serve')),
    running: new Map(),
    stopping: new Set(),
    arn: (kind, name) => sageMakerArn(session, kind, name),
  };
}
