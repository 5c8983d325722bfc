/** A `sagepipe serve` on a free loopback port over a temporary workspace, for client tests. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localBackend, localEndpoints, openSession } from '../../local-runner/workspace.ts';
import { type ApiServerOptions, createApiServer } from '../../src/server/server.ts';
import { ProcessRuntime } from '../../local-runner/runtime/process-runtime.ts';
import { REPO_ROOT, tempDir } from './context.ts';

export interface RunningServe {
  readonly url: string;
  readonly port: number;
  readonly workspace: string;
  close(): Promise<void>;
}

export async function startServe(options: Partial<Omit<ApiServerOptions, 'session' | 'backend' | 'endpoints' | 'runtimeKind'>> & { workspace?: string } = {}): Promise<RunningServe> {
  const ws = options.workspace ? undefined : tempDir('sagepipe-serve-');
  const workspace = options.workspace ?? (ws?.path as string);
  const io = { out: () => undefined, err: () => undefined, interactive: false, env: process.env, cwd: REPO_ROOT };
  const session = openSession({ workspace }, io);
  const runtime = new ProcessRuntime();
  const server: Server = createApiServer({ ...options, session, backend: localBackend(session, runtime, io), runtimeKind: 'process', endpoints: localEndpoints(session, runtime) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    workspace,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          ws?.remove();
          r();
        });
      }),
  };
}
