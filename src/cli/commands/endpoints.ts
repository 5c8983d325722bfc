/** `sagepipe endpoints deploy|list|describe|delete|invoke`: local endpoints on the serve contract. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Endpoints } from '../../../local-runner/endpoints/endpoints.ts';
import { DockerRuntime } from '../../../local-runner/runtime/docker-runtime.ts';
import { ImageBuilder } from '../../../local-runner/runtime/image-builder.ts';
import type { ProjectImage } from '../../../local-runner/runtime/images.ts';
import { ProcessRuntime } from '../../../local-runner/runtime/process-runtime.ts';
import type { ContainerRuntime } from '../../../local-runner/runtime/runtime.ts';
import { packageRoot } from '../../compile/bundle.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import { VERSION } from '../../version.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { type LocalSession, openSession, parseRuntime, selectRuntime } from '../session.ts';

const CONTENT_TYPES = ['text/csv', 'application/json'];

function endpoints(session: LocalSession, runtime: ContainerRuntime): Endpoints {
  let docker: DockerRuntime | undefined;
  const processRuntime = new ProcessRuntime();
  return new Endpoints({
    root: join(session.workspace, 'endpoints'),
    s3: session.s3,
    registry: session.registry,
    models: session.models,
    runtime,
    runtimeFor: (kind) => (kind === 'docker' ? (docker ??= new DockerRuntime()) : processRuntime),
    version: VERSION,
    region: session.region,
    account: session.account,
    ...(runtime instanceof DockerRuntime
      ? {
          ensureImage: async (image: string) => {
            const name = /^sagepipe-(xgboost|node):/.exec(image)?.[1] as ProjectImage | undefined;
            if (name) await new ImageBuilder(runtime).build(name, { version: VERSION, root: packageRoot(), progress: () => undefined });
          },
        }
      : {}),
  });
}

async function readBody(io: CliIO, source: string): Promise<Uint8Array> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(source.startsWith('/') ? source : join(io.cwd, source));
  } catch {
    throw new SagepipeError(ErrorCode.FileUnreadable, `cannot read the body file ${source}`, { path: source });
  }
}

export function registerEndpointCommands(program: Command, io: CliIO): void {
  const cmd = program.command('endpoints').description('local endpoints: deploy a model and call it');

  addWorkspaceOption(cmd.command('deploy').description('start a model\'s inference container and wait until /ping answers').argument('<model>', 'model package ARN, <group>/<version>, or a model name'))
    .option('--name <name>', 'endpoint name (default: from the model)')
    .option('--port <port>', 'loopback port (default: a free one)')
    .option('--allow-unapproved', 'deploy a version that is not Approved')
    .option('--runtime <runtime>', 'docker, process, or auto', 'auto')
    .option('--json', 'print the DescribeEndpoint-shaped record')
    .action(async (ref: string, opts: { workspace?: string; name?: string; port?: string; allowUnapproved?: boolean; runtime?: string; json?: boolean }) => {
      const session = openSession(opts, io);
      const runtime = await selectRuntime(parseRuntime(opts.runtime), (t) => io.err(`notice: ${t}\n`));
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && !Number.isInteger(port)) throw new SagepipeError(ErrorCode.UsageError, `--port must be a number (got '${opts.port}')`);
      const record = await endpoints(session, runtime).deploy(ref, {
        ...(opts.name ? { name: opts.name } : {}),
        ...(port === undefined ? {} : { port }),
        allowUnapproved: opts.allowUnapproved ?? false,
      });
      if (opts.json) io.out(`${JSON.stringify(record, null, 2)}\n`);
      else io.out(`endpoint ${record.EndpointName} is ${record.EndpointStatus} at ${record.Url} (${record.Runtime})\n`);
    });

  addWorkspaceOption(cmd.command('list').description('endpoints and their status'))
    .option('--json', 'print ListEndpoints-shaped JSON')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      const list = await endpoints(openSession(opts, io), new ProcessRuntime()).list();
      if (opts.json) {
        io.out(`${JSON.stringify({ Endpoints: list.map((e) => ({ EndpointName: e.EndpointName, EndpointArn: e.EndpointArn, EndpointStatus: e.EndpointStatus, CreationTime: e.CreationTime, LastModifiedTime: e.LastModifiedTime })) }, null, 2)}\n`);
        return;
      }
      if (list.length === 0) io.out('no endpoints\n');
      for (const e of list) io.out(`${e.EndpointName.padEnd(32)} ${e.EndpointStatus.padEnd(10)} ${e.Url}  ${e.Runtime}${e.FailureReason ? `  ${e.FailureReason}` : ''}\n`);
    });

  addWorkspaceOption(cmd.command('describe').description('one endpoint').argument('<name>'))
    .option('--json', 'print the DescribeEndpoint-shaped record')
    .action(async (name: string, opts: { workspace?: string; json?: boolean }) => {
      const e = await endpoints(openSession(opts, io), new ProcessRuntime()).describe(name);
      if (opts.json) io.out(`${JSON.stringify(e, null, 2)}\n`);
      else io.out(`${e.EndpointArn}\n  status  ${e.EndpointStatus}${e.FailureReason ? ` (${e.FailureReason})` : ''}\n  url     ${e.Url}\n  image   ${e.Image}\n  model   ${e.ModelDataUrl}\n  runtime ${e.Runtime}\n`);
    });

  addWorkspaceOption(cmd.command('delete').description('stop an endpoint and forget it').argument('<name>')).action(async (name: string, opts: { workspace?: string }) => {
    await endpoints(openSession(opts, io), new ProcessRuntime()).delete(name);
    io.out(`endpoint ${name} deleted\n`);
  });

  addWorkspaceOption(cmd.command('invoke').description('send a request to /invocations and print the predictions').argument('<name>'))
    .requiredOption('--body <file|->', 'the request body: a file, or - for standard input')
    .option('--content-type <type>', `${CONTENT_TYPES.join(' or ')}`, 'text/csv')
    .option('--accept <type>', 'response type (default: the request\'s)')
    .action(async (name: string, opts: { workspace?: string; body: string; contentType: string; accept?: string }) => {
      if (!CONTENT_TYPES.includes(opts.contentType)) {
        throw new SagepipeError(ErrorCode.UsageError, `--content-type must be ${CONTENT_TYPES.join(' or ')} (got '${opts.contentType}')`);
      }
      const body = await readBody(io, opts.body);
      const answer = await endpoints(openSession(opts, io), new ProcessRuntime()).invoke(name, body, opts.contentType, opts.accept);
      io.out(answer.body.endsWith('\n') ? answer.body : `${answer.body}\n`);
    });
}
