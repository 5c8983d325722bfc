/** `sagepipe endpoints deploy|list|describe|delete|invoke`: local endpoints on the serve contract. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { EndpointRecord } from '../../../local-runner/endpoints/endpoints.ts';
import { collect } from './run.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { type TargetOptions, addTargetOptions } from '../remote.ts';
import { openTarget } from '../targets.ts';

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
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && !Number.isInteger(port)) throw new SagepipeError(ErrorCode.UsageError, `--port must be a number (got '${opts.port}')`);
      const opened = await openTarget(opts, io);
      const record = await opened.target.deployEndpoint(ref, {
        ...(opts.name ? { name: opts.name } : {}),
        ...(port === undefined ? {} : { port }),
        ...(opts.allowUnapproved ? { allowUnapproved: true } : {}),
      });
      if (opts.json) io.out(`${JSON.stringify(record, null, 2)}\n`);
      else if (opened.kind === 'sagemaker') io.out(`endpoint ${String(record.EndpointName)} is ${String(record.EndpointStatus)} (sagemaker)\n`);
      else io.out(`endpoint ${String(record.EndpointName)} is ${String(record.EndpointStatus)} at ${String(record.Url)} (${String(record.Runtime)})\n`);
    });

  addTargetOptions(addWorkspaceOption(cmd.command('list').description('endpoints and their status')))
    .option('--json', 'print ListEndpoints-shaped JSON')
    .action(async (opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const opened = await openTarget(opts, io);
      if (opened.kind === 'sagemaker') {
        const list = await opened.target.listEndpoints();
        if (opts.json) io.out(`${JSON.stringify({ Endpoints: list }, null, 2)}\n`);
        else for (const e of list) io.out(`${String(e.EndpointName).padEnd(32)} ${String(e.EndpointStatus)}\n`);
        return;
      }
      const list = (await opened.target.listEndpoints()) as readonly EndpointRecord[];
      if (opts.json) {
        io.out(`${JSON.stringify({ Endpoints: list.map((e) => ({ EndpointName: e.EndpointName, EndpointArn: e.EndpointArn, EndpointStatus: e.EndpointStatus, CreationTime: e.CreationTime, LastModifiedTime: e.LastModifiedTime })) }, null, 2)}\n`);
        return;
      }
      if (list.length === 0) io.out('no endpoints\n');
      for (const e of list) io.out(`${e.EndpointName.padEnd(32)} ${e.EndpointStatus.padEnd(10)} ${e.Url}  ${e.Runtime}${e.FailureReason ? `  ${e.FailureReason}` : ''}\n`);
    });

  addTargetOptions(addWorkspaceOption(cmd.command('describe').description('one endpoint').argument('<name>', 'endpoint name (see endpoints list)')))
    .option('--json', 'print the DescribeEndpoint-shaped record')
    .action(async (name: string, opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const opened = await openTarget(opts, io);
      if (opened.kind === 'sagemaker') {
        const e = await opened.target.describeEndpoint(name);
        io.out(opts.json ? `${JSON.stringify(e, null, 2)}\n` : `${String(e.EndpointArn)}\n  status  ${String(e.EndpointStatus)}\n`);
        return;
      }
      const e = (await opened.target.describeEndpoint(name)) as EndpointRecord;
      if (opts.json) io.out(`${JSON.stringify(e, null, 2)}\n`);
      else io.out(`${e.EndpointArn}\n  status  ${e.EndpointStatus}${e.FailureReason ? ` (${e.FailureReason})` : ''}\n  url     ${e.Url}\n  image   ${e.Image}\n  model   ${e.ModelDataUrl}\n  runtime ${e.Runtime}\n`);
    });

  addTargetOptions(addWorkspaceOption(cmd.command('delete').description('stop an endpoint and forget it').argument('<name>', 'endpoint name (see endpoints list)'))).action(async (name: string, opts: TargetOptions & { workspace?: string }) => {
    await (await openTarget(opts, io)).target.deleteEndpoint(name);
    io.out(`endpoint ${name} deleted\n`);
  });

  addTargetOptions(addWorkspaceOption(cmd.command('invoke').description('send a request to /invocations and print the predictions').argument('<name>', 'endpoint name (see endpoints list)')))
    .requiredOption('--body <file|->', 'the request body: a file, or - for standard input')
    .option('--content-type <type>', `${CONTENT_TYPES.join(' or ')}`, 'text/csv')
    .option('--accept <type>', 'response type (default: the request\'s)')
    .action(async (name: string, opts: TargetOptions & { workspace?: string; body: string; contentType: string; accept?: string }) => {
      if (!CONTENT_TYPES.includes(opts.contentType)) {
        throw new SagepipeError(ErrorCode.UsageError, `--content-type must be ${CONTENT_TYPES.join(' or ')} (got '${opts.contentType}')`);
      }
      const body = await readBody(io, opts.body);
      const answer = await (await openTarget(opts, io)).target.invokeEndpoint(name, body, opts.contentType, opts.accept);
      io.out(answer.body.endsWith('\n') ? answer.body : `${answer.body}\n`);
    });
}
