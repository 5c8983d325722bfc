/** `sagepipe serve`: the SageMaker-compatible API (and S3 subset) on the local runner, for any AWS SDK. */
import type { Command } from 'commander';
import { collect } from './run.ts';
import { createApiServer } from '../../server/server.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { localBackend, localEndpoints, openSession, parseRuntime, selectRuntime } from '../session.ts';

export function registerServeCommand(program: Command, io: CliIO): void {
  addWorkspaceOption(program.command('serve').description('serve the SageMaker API (JSON protocol) and an S3 subset on the local runner'))
    .option('--host <host>', 'address to bind (loopback unless you say otherwise)', '127.0.0.1')
    .option('--port <port>', 'port', '4566')
    .option('--runtime <runtime>', 'docker, process, or auto', 'auto')
    .option('--quiet', 'do not log requests')
    .option('--image-map <uri=local>', "run this local image for an image URI or repository (repeatable; over sagepipe.config.json's imageMap)", collect, [])
    .action(async (opts: { workspace?: string; host: string; port: string; runtime?: string; quiet?: boolean; imageMap?: string[] }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SagepipeError(ErrorCode.UsageError, `--port must be 0-65535 (got '${opts.port}')`);
      const session = openSession(opts, io);
      const runtime = await selectRuntime(parseRuntime(opts.runtime), (t) => io.err(`notice: ${t}\n`));
      const server = createApiServer({ session, backend: localBackend(session, runtime, io), endpoints: localEndpoints(session, runtime), ...(opts.quiet ? {} : { onRequest: (l) => io.err(`${l}\n`) }) });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(new SagepipeError(ErrorCode.UsageError, error.code === 'EADDRINUSE' ? `port ${port} is in use on ${opts.host}: choose another --port` : error.message)),
        );
        server.listen(port, opts.host, resolve);
      });
      const address = server.address() as { port: number };
      io.out(`sagepipe serve: SageMaker API and S3 at http://${opts.host}:${address.port} (workspace ${session.workspace}, ${runtime.kind} runtime)\n`);
      io.out(`  point an AWS SDK at it: --endpoint-url http://${opts.host}:${address.port} (any credentials; requests must be SigV4-signed)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
