/** `sagepipe ui`: pipelines, executions, the live DAG, metrics and the model registry in the browser. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../compile/bundle.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { localBackend, localEndpoints, openSession, parseRuntime, selectRuntime } from '../../../local-runner/workspace.ts';
import type { ContainerRuntime } from '../../../local-runner/runtime/runtime.ts';
import { stopLocalExecution } from './executions.ts';

export function registerUiCommand(program: Command, io: CliIO): void {
  addWorkspaceOption(program.command('ui').description('open the workspace in the browser: executions, the live DAG, logs, metrics, the model registry'))
    .option('--host <host>', 'address to bind (loopback unless you say otherwise)', '127.0.0.1')
    .option('--port <port>', 'port (0: a free one)', '4567')
    .option('--runtime <runtime>', 'for runs and endpoints started from the page: docker, process, or auto', 'auto')
    .option('--quiet', 'do not log requests')
    .action(async (opts: { workspace?: string; host: string; port: string; runtime?: string; quiet?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SagepipeError(ErrorCode.UsageError, `--port must be 0-65535 (got '${opts.port}')`);
      const choice = parseRuntime(opts.runtime);
      const session = openSession(opts, io);
      let runtime: Promise<ContainerRuntime> | undefined;
      const runtimeOnce = () => (runtime ??= selectRuntime(choice, (t) => io.err(`notice: ${t}\n`)));
      // Loaded only for `ui` (the graph layout, the UI server): every other command starts without them.
      const [{ createLocalWorkspace }, { createUiServer }] = await Promise.all([import('../../ui/server/local-workspace.ts'), import('../../ui/server/ui-server.ts')]);
      const workspace = createLocalWorkspace({
        path: session.workspace,
        store: session.store,
        s3: session.s3,
        registry: session.registry,
        region: session.region,
        account: session.account,
        backend: async () => localBackend(session, await runtimeOnce(), io),
        endpoints: async () => localEndpoints(session, await runtimeOnce()),
        stopElsewhere: (id) => stopLocalExecution(session, id),
        onRunError: (id, message) => io.err(`execution ${id}: ${message}\n`),
      });
      const ui = createUiServer({ workspace, host: opts.host, assetsDir: join(packageRoot(), 'dist', 'ui'), ...(opts.quiet ? {} : { onRequest: (l) => io.err(`${l}\n`) }) });
      await new Promise<void>((resolve, reject) => {
        ui.server.once('error', (error: NodeJS.ErrnoException) =>
          reject(new SagepipeError(ErrorCode.UsageError, error.code === 'EADDRINUSE' ? `port ${port} is in use on ${opts.host}: choose another --port` : error.message)),
        );
        ui.server.listen(port, opts.host, resolve);
      });
      const address = ui.server.address() as { port: number };
      const shown = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      io.out(`sagepipe ui: http://${shown}:${address.port}/ (workspace ${session.workspace}; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void ui.close().then(resolve, resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
