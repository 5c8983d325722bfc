/** `sagepipe endpoints deploy|list|describe|delete|invoke`: local endpoints on the serve contract. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { collect } from './run.ts';
import { ProcessRuntime } from '../../../local-runner/runtime/process-runtime.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { localEndpoints, openSession, parseRuntime, selectRuntime } from '../session.ts';
import { type TargetOptions, addTargetOptions, remote } from '../remote.ts';

const CONTENT_TYPES = ['text/csv', 'application/json'];

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

  addTargetOptions(addWorkspaceOption(cmd.command('deploy').description('start a model\'s inference container and wait until /ping answers').argument('<model>', 'model package ARN, <group>/<version>, or a model name'))
    .option('--name <name>', 'endpoint name (default: from the model)')
    .option('--port <port>', 'loopback port (default: a free one)')
    .option('--allow-unapproved', 'deploy a version that is not Approved')
    .option('--runtime <runtime>', 'docker, process, or auto', 'auto')
    .option('--role-arn <arn>', 'with --target sagemaker: the model\'s execution role')
    .option('--json', 'print the DescribeEndpoint-shaped record')
    .option('--image-map <uri=local>', "run this local image for an image URI or repository (repeatable; over sagepipe.config.json's imageMap)", collect, []))
    .action(async (ref: string, opts: TargetOptions & { workspace?: string; name?: string; port?: string; allowUnapproved?: boolean; runtime?: string; json?: boolean; imageMap?: string[] }) => {
      const aws = await remote(opts, io);
      if (aws) {
        if (!opts.name) throw new SagepipeError(ErrorCode.UsageError, 'with --target sagemaker, name the endpoint with --name');
        const { deployRemote } = await import('../../sagemaker/remote-endpoints.ts');
        const e = await deployRemote(aws.clients, aws.settings, ref, opts.name, aws.pollMs);
        if (opts.json) io.out(`${JSON.stringify(e, null, 2)}\n`);
        else io.out(`endpoint ${String(e.EndpointName)} is ${String(e.EndpointStatus)} (sagemaker)\n`);
        return;
      }
      const session = openSession(opts, io);
      const runtime = await selectRuntime(parseRuntime(opts.runtime), (t) => io.err(`notice: ${t}\n`));
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && !Number.isInteger(port)) throw new SagepipeError(ErrorCode.UsageError, `--port must be a number (got '${opts.port}')`);
      const record = await localEndpoints(session, runtime).deploy(ref, {
        ...(opts.name ? { name: opts.name } : {}),
        ...(port === undefined ? {} : { port }),
        allowUnapproved: opts.allowUnapproved ?? false,
      });
      if (opts.json) io.out(`${JSON.stringify(record, null, 2)}\n`);
      else io.out(`endpoint ${record.EndpointName} is ${record.EndpointStatus} at ${record.Url} (${record.Runtime})\n`);
    });

  addTargetOptions(addWorkspaceOption(cmd.command('list').description('endpoints and their status')))
    .option('--json', 'print ListEndpoints-shaped JSON')
    .action(async (opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const aws = await remote(opts, io);
      if (aws) {
        const { listEndpointsRemote } = await import('../../sagemaker/remote-endpoints.ts');
        const list = await listEndpointsRemote(aws.clients);
        if (opts.json) io.out(`${JSON.stringify({ Endpoints: list }, null, 2)}\n`);
        else for (const e of list) io.out(`${String(e.EndpointName).padEnd(32)} ${String(e.EndpointStatus)}\n`);
        return;
      }
      const list = await localEndpoints(openSession(opts, io), new ProcessRuntime()).list();
      if (opts.json) {
        io.out(`${JSON.stringify({ Endpoints: list.map((e) => ({ EndpointName: e.EndpointName, EndpointArn: e.EndpointArn, EndpointStatus: e.EndpointStatus, CreationTime: e.CreationTime, LastModifiedTime: e.LastModifiedTime })) }, null, 2)}\n`);
        return;
      }
      if (list.length === 0) io.out('no endpoints\n');
      for (const e of list) io.out(`${e.EndpointName.padEnd(32)} ${e.EndpointStatus.padEnd(10)} ${e.Url}  ${e.Runtime}${e.FailureReason ? `  ${e.FailureReason}` : ''}\n`);
    });

  addTargetOptions(addWorkspaceOption(cmd.command('describe').description('one endpoint').argument('<name>')))
    .option('--json', 'print the DescribeEndpoint-shaped record')
    .action(async (name: string, opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const aws = await remote(opts, io);
      if (aws) {
        const { describeEndpointRemote } = await import('../../sagemaker/remote-endpoints.ts');
        const e = await describeEndpointRemote(aws.clients, name);
        io.out(opts.json ? `${JSON.stringify(e, null, 2)}\n` : `${String(e.EndpointArn)}\n  status  ${String(e.EndpointStatus)}\n`);
        return;
      }
      const e = await localEndpoints(openSession(opts, io), new ProcessRuntime()).describe(name);
      if (opts.json) io.out(`${JSON.stringify(e, null, 2)}\n`);
      else io.out(`${e.EndpointArn}\n  status  ${e.EndpointStatus}${e.FailureReason ? ` (${e.FailureReason})` : ''}\n  url     ${e.Url}\n  image   ${e.Image}\n  model   ${e.ModelDataUrl}\n  runtime ${e.Runtime}\n`);
    });

  addTargetOptions(addWorkspaceOption(cmd.command('delete').description('stop an endpoint and forget it').argument('<name>'))).action(async (name: string, opts: TargetOptions & { workspace?: string }) => {
    const aws = await remote(opts, io);
    if (aws) {
      const { deleteEndpointRemote } = await import('../../sagemaker/remote-endpoints.ts');
      await deleteEndpointRemote(aws.clients, name);
      io.out(`endpoint ${name} deleted\n`);
      return;
    }
    await localEndpoints(openSession(opts, io), new ProcessRuntime()).delete(name);
    io.out(`endpoint ${name} deleted\n`);
  });

  addTargetOptions(addWorkspaceOption(cmd.command('invoke').description('send a request to /invocations and print the predictions').argument('<name>')))
    .requiredOption('--body <file|->', 'the request body: a file, or - for standard input')
    .option('--content-type <type>', `${CONTENT_TYPES.join(' or ')}`, 'text/csv')
    .option('--accept <type>', 'response type (default: the request\'s)')
    .action(async (name: string, opts: TargetOptions & { workspace?: string; body: string; contentType: string; accept?: string }) => {
      if (!CONTENT_TYPES.includes(opts.contentType)) {
        throw new SagepipeError(ErrorCode.UsageError, `--content-type must be ${CONTENT_TYPES.join(' or ')} (got '${opts.contentType}')`);
      }
      const body = await readBody(io, opts.body);
      const aws = await remote(opts, io);
      if (aws) {
        const { invokeRemote } = await import('../../sagemaker/remote-endpoints.ts');
        const text = await invokeRemote(aws.settings, name, body, opts.contentType, opts.accept);
        io.out(text.endsWith('\n') ? text : `${text}\n`);
        return;
      }
      const answer = await localEndpoints(openSession(opts, io), new ProcessRuntime()).invoke(name, body, opts.contentType, opts.accept);
      io.out(answer.body.endsWith('\n') ? answer.body : `${answer.body}\n`);
    });
}
