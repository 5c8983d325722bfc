/** What the UI server's routes share: the workspace, the live-update follower, open streams, cached graphs. */
import type { ServerResponse } from 'node:http';
import type { GraphCache } from './graph-cache.ts';
import type { FileFollower } from './live.ts';
import type { UiWorkspace } from './workspace.ts';

export interface RouteContext {
  readonly workspace: UiWorkspace;
  readonly token: string;
  readonly assetsDir: string;
  readonly follower: FileFollower;
  /** Open event streams, ended when the server closes. */
  readonly streams: Set<ServerResponse>;
  readonly graphs: GraphCache;
  readonly maxDownloadBytes: number;
  readWholeLog(executionId: string, step: string): Promise<string>;
}
