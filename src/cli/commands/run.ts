/** `sagepipe run`: one execution of a pipeline, locally, with a live display; exit 0 only when it Succeeded. */
import type { Command } from 'commander';
import { compilePipelineFile } from '../../compile/compile.ts';
import { Engine } from '../../engine/engine.ts';
import type { EngineEvent } from '../../engine/events.ts';
import { parseParameterArgs } from '../../engine/parameters.ts';
import type { ExecutionRecord } from '../../engine/records.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import { type CliIO, ExitCode } from '../io.ts';
import { type CommonOptions, addContextOptions, contextFrom } from '../options.ts';
import { RunDisplay } from '../render/run-display.ts';
import { readPropertyFiles, recordForJson, summaryLines } from '../render/summary.ts';
import { type LocalSession, abandonedJobsRemover, localBackend, openSession, parseRuntime, selectRuntime, stageAssets } from '../session.ts';
import type { LoadedDefinition } from '../../definition/loader.ts';
import type { PipelineDefinition } from '../../definition/types.ts';

export interface RunOptions extends CommonOptions {
  readonly param: string[];
  readonly runtime?: string;
  readonly json?: boolean;
  readonly logs: boolean;
  readonly maxParallel?: string;
  readonly name?: string;
  readonly keepJobs?: boolean;
  readonly jobNetwork?: boolean;
  readonly target?: string;
  readonly endpointUrl?: string;
  readonly select?: string;
  readonly from?: string;
  readonly imageMap?: string[];
}

export const collect = (value: string, previous: string[]) => [...previous, value];

/** `--image-map`, for every command that resolves images. */
export function addImageMapOption(command: Command): Command {
  return command.option('--image-map <uri=local>', "run this local image for an image URI or repository (repeatable; over sagepipe.config.json's imageMap)", collect, []);
}

export function addRunOptions(command: Command): Command {
  return addImageMapOption(command)
    .option('--runtime <runtime>', 'docker, process, or auto (Docker when a daemon answers)', 'auto')
    .option('--json', 'print the final execution record as JSON on stdout')
    .option('--no-logs', 'do not print the jobs\' output')
    .option('--max-parallel <n>', 'MaxParallelExecutionSteps (default: the pipeline\'s, else the number of CPUs)')
    .option('--keep-jobs', 'keep each job\'s folder under <workspace>/jobs after success')
    .option('--job-network', 'give jobs a network (Docker\'s bridge); by default local jobs have none');
}

/** Exit codes: 0 Succeeded, 1 Failed, 130 Stopped. */
export function exitCodeOf(record: ExecutionRecord): number {
  return record.PipelineExecutionStatus === 'Succeeded' ? 0 : record.PipelineExecutionStatus === 'Stopped' ? 130 : 1;
}

/** Runs an engine operation with the live display, Ctrl-C handling and the summary. */
export async function runWithDisplay(
  io: CliIO,
  session: LocalSession,
  opts: { json?: boolean; logs: boolean; jobNetwork?: boolean },
  operation: (engine: Engine, signal: AbortSignal) => Promise<ExecutionRecord>,
  runtimeChoice: string | undefined,
  keepJobs = false,
): Promise<void> {
  const runtime = await selectRuntime(parseRuntime(runtimeChoice), (t) => io.err(`notice: ${t}\n`));
  const removed = await runtime.cleanupLeftovers().catch(() => 0);
  if (removed > 0) io.err(`notice: removed ${removed} container(s) left by an earlier run that crashed\n`);
  const display = new RunDisplay(io, { logs: opts.logs, live: io.interactive });
  const engine = new Engine({
    backend: localBackend(session, runtime, io, { keepJobFolders: keepJobs, jobNetwork: opts.jobNetwork ?? false }),
    removeAbandonedJobs: abandonedJobsRemover(session, runtime),
    store: session.store,
    sink: (e: EngineEvent) => display.handle(e),
    region: session.region,
    account: session.account,
  });
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.err('\nstopping: ending running jobs (Ctrl-C again to quit at once)\n');
      controller.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  let record: ExecutionRecord;
  try {
    record = await operation(engine, controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
    display.close();
  }
  const stored = await session.store.load(record.PipelineExecutionId);
  await reportOutcome(io, record, stored.definition, (uri) => session.s3.getObject(uri), opts.json);
}

/**
 * How every run ends, local or on SageMaker: the summary (with the metrics its property files hold), the record with
 * `--json`, and the exit code.
 */
export async function reportOutcome(
  io: CliIO,
  record: ExecutionRecord,
  definition: PipelineDefinition,
  readObject: (uri: string) => Promise<Uint8Array>,
  json: boolean | undefined,
): Promise<void> {
  const files = await readPropertyFiles(record, definition, readObject);
  io.err(`${summaryLines(record, files).join('\n')}\n`);
  if (json) io.out(`${JSON.stringify(recordForJson(record), null, 2)}\n`);
  const code = exitCodeOf(record);
  if (code !== 0) throw new ExitCode(code);
}

export function registerRunCommand(program: Command, io: CliIO): void {
  addRunOptions(
    addContextOptions(
      program
        .command('run')
        .description('run a pipeline: locally (Docker or processes), or on SageMaker with --target sagemaker')
        .argument('<pipeline>', 'a pipeline module (.ts/.js) or a definition (.json)')
        .option('-p, --param <Name=Value>', 'a parameter value (repeatable)', collect, [])
        .option('--name <name>', 'pipeline name for a .json definition (default: the file name)')
        .option('--select <steps>', 'selective execution: run only these steps (comma-separated) …')
        .option('--from <execution>', '… taking the other steps\' results from this earlier execution')
        .option('--target <target>', 'local or sagemaker', 'local')
        .option('--endpoint-url <url>', 'with --target sagemaker: a SageMaker/S3-compatible endpoint (e.g. sagepipe serve)'),
    ),
  ).action(async (file: string, opts: RunOptions) => {
    if (opts.target !== undefined && opts.target !== 'local' && opts.target !== 'sagemaker') {
      throw new SagepipeError(ErrorCode.UsageError, `--target must be local or sagemaker (got '${opts.target}')`);
    }
    const parameters = parseParameterArgs(opts.param);
    if (opts.target === 'sagemaker') {
      await runRemote(file, opts, parameters, io);
      return;
    }
    const session = openSession(opts, io);
    const compiled = await compilePipelineFile(file, { context: contextFrom({ ...opts, target: 'local' }, io), ...(opts.name ? { name: opts.name } : {}) });
    await stageAssets(session, compiled.assets);
    const maxParallel = opts.maxParallel === undefined ? compiled.maxParallelExecutionSteps : parsePositive(opts.maxParallel, '--max-parallel');
    if ((opts.select === undefined) !== (opts.from === undefined)) {
      throw new SagepipeError(ErrorCode.UsageError, '--select and --from go together: the steps to run, and the execution to take the others from');
    }
    const selective = opts.select && opts.from ? { sourceExecutionId: opts.from, steps: opts.select.split(',').map((x) => x.trim()).filter(Boolean) } : undefined;
    const loaded: LoadedDefinition = compiled.loaded;
    await runWithDisplay(
      io,
      session,
      opts,
      (engine, signal) =>
        engine.start({
          loaded,
          pipelineName: compiled.name,
          parameters,
          signal,
          ...(selective ? { selective } : {}),
          ...(maxParallel === undefined ? {} : { maxParallelExecutionSteps: maxParallel }),
          codeSources: compiled.assets.map((a) => ({ Path: a.localPath, S3Uri: a.s3Uri })),
        }),
      opts.runtime,
      opts.keepJobs,
    );
  });
}

export function parsePositive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new SagepipeError(ErrorCode.UsageError, `${flag} must be a whole number of at least 1 (got '${value}')`);
  return n;
}

/** `run --target sagemaker`: the same definition, staged and run on SageMaker (or a compatible endpoint). */
async function runRemote(file: string, opts: RunOptions, parameters: Record<string, string>, io: CliIO): Promise<void> {
  const { resolveAwsSettings } = await import('../../sagemaker/aws-settings.ts');
  const { createClients, readS3Object, runOnSageMaker } = await import('../../sagemaker/remote-run.ts');
  const settings = resolveAwsSettings(
    {
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.roleArn ? { roleArn: opts.roleArn } : {}),
      ...(opts.bucket ? { bucket: opts.bucket } : {}),
      ...(opts.account ? { account: opts.account } : {}),
      ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
    },
    io.env,
    io.cwd,
  );
  const context = contextFrom({ ...opts, account: settings.account, region: settings.region, bucket: settings.bucket, roleArn: settings.roleArn, target: 'sagemaker' }, io);
  const compiled = await compilePipelineFile(file, { context, ...(opts.name ? { name: opts.name } : {}) });
  const clients = createClients(settings);
  const display = new RunDisplay(io, { logs: opts.logs, live: io.interactive });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  let record: ExecutionRecord;
  try {
    record = await runOnSageMaker(settings, clients, {
      name: compiled.name,
      loaded: compiled.loaded,
      assets: compiled.assets,
      parameters,
      cwd: io.cwd,
      sink: (e: EngineEvent) => display.handle(e),
      signal: controller.signal,
      notice: (t) => io.err(`  ${t}\n`),
      ...(opts.maxParallel ? { maxParallelExecutionSteps: parsePositive(opts.maxParallel, '--max-parallel') } : {}),
    });
  } finally {
    process.off('SIGINT', onSigint);
    display.close();
  }
  await reportOutcome(io, record, compiled.loaded.definition, (uri) => readS3Object(clients.s3, uri), opts.json);
}
