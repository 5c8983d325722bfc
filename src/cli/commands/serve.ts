/** `sagepipe serve`: SageMaker, SageMaker Runtime, STS and S3 at one URL, on the local runner, for AWS's own clients. */
import type { Command } from 'commander';
import { collect } from './run.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { localBackend, localEndpoints, openSession, parseRuntime, selectRuntime } from '../../../local-runner/workspace.ts';

interface ServeOptions {
  workspace?: string;
  host: string;
  port: string;
  runtime?: string;
  quiet?: boolean;
  hostName?: string[];
  accessKey?: string;
  secretKey?: string;
  allowLocalPaths?: boolean;
  allowHostCode?: boolean;
  maxObjectSize?: string;
  imageMap?: string[];
}

export function registerServeCommand(program: Command, io: CliIO): void {
  addWorkspaceOption(program.command('serve').description('serve SageMaker, SageMaker Runtime, STS and S3 at one URL on the local runner (docs/serve.md)'))
    .option('--host <host>', 'address to bind (loopback unless you say otherwise); its name is accepted in Host headers', '127.0.0.1')
    .option('--port <port>', 'port', '4566')
    .option('--runtime <runtime>', 'docker, process, or auto', 'auto')
    .option('--host-name <name...>', 'more Host header names to accept (e.g. the machine\'s DNS name for a team)')
    .option('--access-key <id>', 'verify every request\'s SigV4 signature with this access key (or SAGEPIPE_SERVE_ACCESS_KEY_ID)')
    .option('--secret-key <secret>', 'the secret key that goes with --access-key (or SAGEPIPE_SERVE_SECRET_ACCESS_KEY)')
    .option('--allow-local-paths', 'let requests name inputs on this machine\'s file system (local paths, file://)')
    .option('--allow-host-code', 'with the process runtime: let jobs run their own entrypoint as processes of the serving user')
    .option('--max-object-size <bytes>', 'largest S3 object or part accepted (413 above it)', String(5 * 1024 ** 3))
    .option('--quiet', 'do not log requests')
    .option('--image-map <uri=local>', "run this local image for an image URI or repository (repeatable; over sagepipe.config.json's imageMap)", collect, [])
    .action(async (opts: ServeOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SagepipeError(ErrorCode.UsageError, `--port must be 0-65535 (got '${opts.port}')`);
      const maxObject = Number(opts.maxObjectSize);
      if (!Number.isInteger(maxObject) || maxObject < 1) throw new SagepipeError(ErrorCode.UsageError, `--max-object-size must be a positive number of bytes (got '${opts.maxObjectSize}')`);
      const accessKeyId = opts.accessKey ?? io.env.SAGEPIPE_SERVE_ACCESS_KEY_ID;
      const secretAccessKey = opts.secretKey ?? io.env.SAGEPIPE_SERVE_SECRET_ACCESS_KEY;
      if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) throw new SagepipeError(ErrorCode.UsageError, '--access-key and --secret-key go together (or SAGEPIPE_SERVE_ACCESS_KEY_ID and SAGEPIPE_SERVE_SECRET_ACCESS_KEY)');
      const session = openSession(opts, io);
      const runtime = await selectRuntime(parseRuntime(opts.runtime), (t) => io.err(`notice: ${t}\n`));
      // Loaded only for `serve`: every other command starts without the server's modules.
      const { createApiServer } = await import('../../server/server.ts');
      const server = createApiServer({
        session,
        backend: localBackend(session, runtime, io),
        runtimeKind: runtime.kind,
        endpoints: localEndpoints(session, runtime),
        bindHost: opts.host,
        ...(opts.hostName ? { hostNames: opts.hostName } : {}),
        ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
        policy: { allowLocalPaths: opts.allowLocalPaths ?? false, allowHostCode: opts.allowHostCode ?? false },
        maxObjectBytes: maxObject,
        ...(opts.quiet ? {} : { onRequest: (l) => io.err(`${l}\n`) }),
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(new SagepipeError(ErrorCode.UsageError, error.code === 'EADDRINUSE' ? `port ${port} is in use on ${opts.host}: choose another --port` : error.message)),
        );
        server.listen(port, opts.host, resolve);
      });
      const address = server.address() as { port: number };
      const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${address.port}`;
      io.out(`sagepipe serve: SageMaker, SageMaker Runtime, STS and S3 at ${url} (workspace ${session.workspace}, ${runtime.kind} runtime)\n`);
      io.out(`  point AWS clients at it: AWS_ENDPOINT_URL=${url} (or --endpoint-url / endpoint_url); ${accessKeyId ? `signatures verified for access key ${accessKeyId}` : 'any credentials; requests must be SigV4-signed'}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
