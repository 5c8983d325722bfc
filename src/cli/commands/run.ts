/** `sagepipe run`: one execution of a pipeline, locally, with a live display; exit 0 only when it Succeeded. */
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { compilePipelineFile } from '../../compile/compile.ts';
import type { EngineEvent, EventSink } from '../../engine/events.ts';
import type { ExecutionHandle } from '../../engine/handle.ts';
import type { ExecutionTarget } from '../../engine/target.ts';
import { parseParameterArgs } from '../parameter-args.ts';
import type { ExecutionRecord } from '../../engine/records.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import { type CliIO, ExitCode } from '../io.ts';
import { type CommonOptions, addContextOptions, contextFrom } from '../options.ts';
import { RunDisplay } from '../render/run-display.ts';
import { recordForJson, summaryLines } from '../render/summary.ts';
import { readPropertyFiles } from '../../engine/property-files.ts';
import { openTarget, targetKind } from '../targets.ts';
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
  readonly callbackTimeout?: string;
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
    .option('--callback-timeout <duration>', 'how long a Callback step waits for its answer: seconds or ISO-8601 (PT1H) (default: 7 days, as the service)')
    .option('--job-network', 'give jobs a network (Docker\'s bridge); by default local jobs have none');
}

/** Exit codes: 0 Succeeded, 1 Failed, 130 Stopped. */
export function exitCodeOf(record: ExecutionRecord): number {
  return record.PipelineExecutionStatus === 'Succeeded' ? 0 : record.PipelineExecutionStatus === 'Stopped' ? 130 : 1;
}

/**
 * Follows an execution a target started with the live display and Ctrl-C handling (first: stop it, second: quit),
 * then reports the outcome. `begin` gets the event sink the target is opened with.
 */
export async function followWithDisplay(
  io: CliIO,
  opts: { json?: boolean; logs: boolean },
  begin: (sink: EventSink) => Promise<{ target: ExecutionTarget; handle: ExecutionHandle; definition?: PipelineDefinition }>,
): Promise<void> {
  const display = new RunDisplay(io, { logs: opts.logs, live: io.interactive });
  let stop: (() => void) | undefined;
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.err('\nstopping: ending running jobs (Ctrl-C again to quit at once)\n');
      stop?.();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  let record: ExecutionRecord;
  let started: Awaited<ReturnType<typeof begin>>;
  try {
    started = await begin((e: EngineEvent) => display.handle(e));
    stop = () => started.handle.stop();
    if (interrupts > 0) stop();
    record = await started.handle.done;
  } finally {
    process.off('SIGINT', onSigint);
    display.close();
  }
  const definition = started.definition ?? (await started.target.definition(record.PipelineExecutionArn));
  await reportOutcome(io, record, definition, (uri) => started.target.readObject(uri), opts.json);
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
    if ((opts.select === undefined) !== (opts.from === undefined)) {
      throw new SagepipeError(ErrorCode.UsageError, '--select and --from go together: the steps to run, and the execution to take the others from');
    }
    const selective = opts.select && opts.from ? { sourceExecution: opts.from, steps: opts.select.split(',').map((x) => x.trim()).filter(Boolean) } : undefined;
    const kind = targetKind(opts);
    await followWithDisplay(io, opts, async (sink) => {
      const opened = await openTarget(opts, io, { sink, needsRole: true, projectDir: dirname(resolve(io.cwd, file)) });
      const context =
        opened.kind === 'sagemaker'
          ? contextFrom({ ...opts, account: opened.settings.account, region: opened.settings.region, bucket: opened.settings.bucket, roleArn: opened.settings.roleArn, target: kind }, io)
          : contextFrom({ ...opts, target: kind }, io);
      const compiled = await compilePipelineFile(file, { context, ...(opts.name ? { name: opts.name } : {}) });
      // The flag wins, else the pipeline's own ParallelismConfiguration: on both targets.
      const maxParallel = opts.maxParallel === undefined ? compiled.maxParallelExecutionSteps : parsePositive(opts.maxParallel, '--max-parallel');
      const handle = await opened.target.start({
        pipelineName: compiled.name,
        loaded: compiled.loaded,
        assets: compiled.assets,
        parameters,
        ...(selective ? { selective } : {}),
        ...(maxParallel === undefined ? {} : { maxParallelExecutionSteps: maxParallel }),
        codeSources: compiled.assets.map((a) => ({ Path: a.localPath, S3Uri: a.s3Uri })),
      });
      return { target: opened.target, handle, definition: compiled.loaded.definition };
    });
  });
}

export function parsePositive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new SagepipeError(ErrorCode.UsageError, `${flag} must be a whole number of at least 1 (got '${value}')`);
  return n;
}

