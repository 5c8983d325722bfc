/**
 * Everything the UI server reads or changes in a workspace, behind one interface: executions, logs, S3 objects, the
 * model registry, endpoints, and the start/retry/stop actions. The CLI builds the local implementation
 * (local-workspace.ts); a target interface can replace it without touching the routes.
 */
import type { ExecutionRecord, StoredExecution } from '../../engine/records.ts';
import type { ApprovalStatus, ModelPackage } from '../../../local-runner/registry/file-registry.ts';
import type { EndpointRecord } from '../../../local-runner/endpoints/endpoints.ts';
import type { JsonObject } from '../../definition/types.ts';

export interface StartRequest {
  /** The execution whose stored definition and pipeline name are run again. */
  readonly fromExecution: string;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface UiWorkspace {
  readonly path: string;
  listExecutions(): Promise<{ executions: ExecutionRecord[]; corrupt: string[] }>;
  loadExecution(idOrArn: string): Promise<StoredExecution>;
  /** The folder whose files change whenever the execution's record does (followed for live updates). */
  executionDir(id: string): string;
  logFile(id: string, step: string): string;
  readObject(uri: string): Promise<Uint8Array>;
  objectSize(uri: string): Promise<number | undefined>;
  groups(): Promise<JsonObject[]>;
  versions(group: string): Promise<ModelPackage[]>;
  describeVersion(ref: string): Promise<ModelPackage>;
  setApproval(ref: string, status: ApprovalStatus, options: { description?: string; force?: boolean }): Promise<ModelPackage>;
  endpoints(): Promise<EndpointRecord[]>;
  deploy(ref: string, options: { name?: string; allowUnapproved?: boolean }): Promise<EndpointRecord>;
  invoke(endpoint: string, body: string, contentType: string): Promise<{ contentType: string; body: string }>;
  /** Starts an execution in this process; resolves with its id once it is recorded (it keeps running). */
  start(request: StartRequest): Promise<{ executionId: string }>;
  retry(idOrArn: string): Promise<{ executionId: string }>;
  stop(idOrArn: string): Promise<{ executionId: string; outcome: 'requested' | 'markedStopped' | 'aborted' }>;
  /** Calls `listener` on each engine event (log lines aside) of the runs this process started; returns how to stop. */
  onActivity(listener: (executionId: string) => void): () => void;
  /** Ends what this process started (on shutdown). */
  close(): Promise<void>;
}
