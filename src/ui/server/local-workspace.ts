/**
 * The UI's workspace on the local runner: the same store, registry, endpoints and engine the CLI commands use, and
 * the same functions for approval (setApproval) and stopping (the CLI's, passed in). Executions started here run in
 * this process and can be stopped from the page or from `sagepipe executions stop`.
 */
import { stat } from 'node:fs/promises';
import { loadDefinition } from '../../definition/loader.ts';
import type { JobBackend } from '../../engine/backend.ts';
import { Engine } from '../../engine/engine.ts';
import type { EngineEvent } from '../../engine/events.ts';
import { type ExecutionRecord, isTerminal } from '../../engine/records.ts';
import { type ExecutionStore, newestFirst } from '../../engine/store.ts';
import { errorMessage } from '../../errors.ts';
import { setApproval } from '../../../local-runner/registry/approval.ts';
import type { FileRegistry } from '../../../local-runner/registry/file-registry.ts';
import type { Endpoints } from '../../../local-runner/endpoints/endpoints.ts';
import type { LocalS3 } from '../../../local-runner/s3/local-s3.ts';
import { signature } from './live.ts';
import type { UiWorkspace } from './workspace.ts';

export interface LocalWorkspaceDeps {
  readonly path: string;
  readonly store: ExecutionStore;
  readonly s3: LocalS3;
  readonly registry: FileRegistry;
  readonly region: string;
  readonly account: string;
  /** Built on first use: choosing a runtime may probe Docker. */
  readonly backend: () => Promise<JobBackend>;
  readonly endpoints: () => Promise<Endpoints>;
  /**
   * A non-final record as it really is: Failed, with the reason, when its runner died (local-runner/workspace.ts
   * `recoverExecution`, as `sagepipe executions list` shows it); unchanged while a runner holds it.
   */
  readonly recover: (executionId: string) => Promise<ExecutionRecord>;
  /** Stops a run of another process (or one whose process is gone): the CLI's `executions stop`. */
  readonly stopElsewhere: (idOrArn: string) => Promise<{ kind: 'requested' | 'markedStopped'; executionId: string }>;
  /** Runs that end in error after they were recorded are reported here (the record says it too). */
  readonly onRunError?: (executionId: string, message: string) => void;
}

/**
 * The executions, newest first, re-reading only those whose files changed since the last call (the list page asks
 * often, and a workspace may hold thousands). Same result as ExecutionStore.list.
 */
function cachedLister(store: ExecutionStore, current: (record: ExecutionRecord) => Promise<ExecutionRecord>): () => Promise<{ executions: ExecutionRecord[]; corrupt: string[] }> {
  const cache = new Map<string, { dirMtime: number; sig: string; record: ExecutionRecord }>();
  return async () => {
    const ids = await store.ids();
    const corrupt: string[] = [];
    const seen = new Set(ids);
    for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
    const results = await Promise.all(
      ids.map(async (id) => {
        try {
          const dir = store.dirOf(id);
          const dirMtime = (await stat(dir)).mtimeMs;
          const hit = cache.get(id);
          // A finished execution changes only by a whole new record (retry, stop), which renames a file into its
          // folder: the folder's own time says so, and one stat per execution keeps the list quick.
          if (hit && isTerminal(hit.record.PipelineExecutionStatus) && hit.dirMtime === dirMtime) return hit.record;
          const sig = await signature(dir);
          if (hit && hit.sig === sig) return hit.record;
          // Recovering rewrites the record, so the next call reads it again (once: it is final then).
          const record = await current((await store.load(id)).record);
          cache.set(id, { dirMtime, sig, record });
          return record;
        } catch {
          corrupt.push(id);
          return undefined;
        }
      }),
    );
    const executions = results.filter((r): r is ExecutionRecord => r !== undefined);
    executions.sort(newestFirst);
    return { executions, corrupt: corrupt.sort() };
  };
}

export function createLocalWorkspace(deps: LocalWorkspaceDeps): UiWorkspace {
  /** Executions running here hold their lease: only a dead runner's record is recovered. */
  const current = async (record: ExecutionRecord) => (isTerminal(record.PipelineExecutionStatus) ? record : deps.recover(record.PipelineExecutionId));
  const listExecutions = cachedLister(deps.store, current);
  const running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  const activity = new Set<(executionId: string) => void>();

  /** Runs an engine operation in the background; resolves with the execution id once it is recorded. */
  async function launch(operation: (engine: Engine, signal: AbortSignal) => Promise<ExecutionRecord>): Promise<{ executionId: string }> {
    const controller = new AbortController();
    const backend = await deps.backend();
    return new Promise((resolve, reject) => {
      let id: string | undefined;
      const sink = (event: EngineEvent) => {
        if (event.type === 'executionStarted' && id === undefined) {
          id = event.executionId;
          running.set(id, { controller, done });
          resolve({ executionId: id });
        }
        // The engine reports after it saved the record: pages following this execution can look now.
        if (id !== undefined && event.type !== 'stepLog') for (const l of activity) l(id);
      };
      const engine = new Engine({ backend, store: deps.store, sink, region: deps.region, account: deps.account });
      const done: Promise<unknown> = operation(engine, controller.signal).then(
        () => undefined,
        (error: unknown) => {
          if (id === undefined) reject(error);
          else deps.onRunError?.(id, errorMessage(error));
        },
      );
      void done.finally(() => {
        if (id !== undefined) running.delete(id);
      });
    });
  }

  return {
    path: deps.path,
    listExecutions,
    loadExecution: async (id) => {
      const stored = await deps.store.resolve(id);
      return { ...stored, record: await current(stored.record) };
    },
    executionDir: (id) => deps.store.dirOf(id),
    logFile: (id, step) => deps.store.logFile(id, step),
    readObject: (uri) => deps.s3.getObject(uri),
    objectSize: async (uri) => (await deps.s3.headObject(uri))?.size,
    groups: () => deps.registry.groups(),
    versions: async (group) => deps.registry.list(await deps.registry.resolveGroupName(group)),
    describeVersion: (ref) => deps.registry.describe(ref),
    setApproval: (ref, status, options) =>
      setApproval(deps.registry, ref, status, { ...(options.description ? { description: options.description } : {}), force: options.force ?? false }),
    endpoints: async () => (await deps.endpoints()).list(),
    deploy: async (ref, options) => (await deps.endpoints()).deploy(ref, { ...(options.name ? { name: options.name } : {}), allowUnapproved: options.allowUnapproved ?? false }),
    invoke: async (name, body, contentType) => (await deps.endpoints()).invoke(name, Buffer.from(body, 'utf8'), contentType),
    start: async (request) => {
      const stored = await deps.store.resolve(request.fromExecution);
      const loaded = loadDefinition(stored.definition, { source: `execution ${stored.record.PipelineExecutionId}` });
      return launch(async (engine, signal) => (await engine.launch({ loaded, pipelineName: stored.record.PipelineName, parameters: request.parameters, signal })).done);
    },
    retry: (id) => launch(async (engine, signal) => (await engine.launchRetry(id, { signal })).done),
    stop: async (idOrArn) => {
      const { record } = await deps.store.resolve(idOrArn);
      const mine = running.get(record.PipelineExecutionId);
      if (mine) {
        mine.controller.abort();
        return { executionId: record.PipelineExecutionId, outcome: 'aborted' };
      }
      const outcome = await deps.stopElsewhere(record.PipelineExecutionId);
      return { executionId: outcome.executionId, outcome: outcome.kind };
    },
    onActivity: (listener) => {
      activity.add(listener);
      return () => activity.delete(listener);
    },
    close: async () => {
      for (const run of running.values()) run.controller.abort();
      await Promise.allSettled([...running.values()].map((r) => r.done));
    },
  };
}
