/** `sagepipe executions list|describe|logs|retry|stop`: the execution store, as ListPipelineExecutions & co. */
import type { Command } from 'commander';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { ExecutionRecord } from '../../engine/records.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { recordForJson } from '../render/summary.ts';
import { type LocalSession, openSession, recoverExecution } from '../session.ts';
import { isTerminal } from '../../engine/records.ts';
import { changedCode } from '../../compile/code-changes.ts';
import { runnerAlive } from '../../engine/runner-lease.ts';
import { addRunOptions, reportOutcome, runWithDisplay } from './run.ts';
import { type TargetOptions, addTargetOptions, remote } from '../remote.ts';
import { RunDisplay } from '../render/run-display.ts';

function duration(r: ExecutionRecord): string {
  if (!r.StartTime) return '';
  const ms = Date.parse(r.EndTime ?? new Date().toISOString()) - Date.parse(r.StartTime);
  return `${(ms / 1000).toFixed(1)} s`;
}

export function registerExecutionCommands(program: Command, io: CliIO): void {
  const executions = program.command('executions').description('list, inspect, retry and stop executions');

  addTargetOptions(addWorkspaceOption(executions.command('list').description('executions, newest first')))
    .option('--pipeline <name>', 'only this pipeline\'s')
    .option('--json', 'print ListPipelineExecutions-shaped JSON')
    .action(async (opts: TargetOptions & { workspace?: string; pipeline?: string; json?: boolean }) => {
      const aws = await remote(opts, io);
      if (aws) {
        const { listRemote } = await import('../../sagemaker/remote-executions.ts');
        const list = await listRemote(aws.clients, opts.pipeline);
        if (opts.json) io.out(`${JSON.stringify({ PipelineExecutionSummaries: list }, null, 2)}\n`);
        else for (const r of list) io.out(`${r.PipelineExecutionArn.split('/').pop()}  ${r.PipelineName.padEnd(16)} ${r.PipelineExecutionStatus.padEnd(10)} ${r.StartTime ?? ''}${r.FailureReason ? `  ${r.FailureReason}` : ''}\n`);
        return;
      }
      const session = openSession(opts, io);
      const listed = await session.store.list(opts.pipeline ? { pipelineName: opts.pipeline } : {});
      const corrupt = listed.corrupt;
      // An execution whose runner died is shown as it is: Failed, with the reason.
      const list = await Promise.all(
        listed.executions.map(async (r) => (isTerminal(r.PipelineExecutionStatus) ? r : (await recoverExecution(session, r.PipelineExecutionId)).record)),
      );
      if (opts.json) {
        io.out(
          `${JSON.stringify(
            {
              PipelineExecutionSummaries: list.map((r) => ({
                PipelineExecutionArn: r.PipelineExecutionArn,
                PipelineExecutionDisplayName: r.PipelineExecutionDisplayName,
                PipelineExecutionStatus: r.PipelineExecutionStatus,
                StartTime: r.StartTime,
                PipelineExecutionFailureReason: r.FailureReason,
              })),
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      if (list.length === 0) io.out(`no executions in ${session.workspace}\n`);
      for (const r of list) {
        io.out(`${r.PipelineExecutionId}  ${r.PipelineName.padEnd(16)} ${r.PipelineExecutionStatus.padEnd(10)} ${r.StartTime ?? ''}  ${duration(r).padStart(8)}${r.FailureReason ? `  ${r.FailureReason}` : ''}\n`);
      }
      for (const c of corrupt) io.err(`warning: execution record ${c} is unreadable\n`);
    });

  addTargetOptions(addWorkspaceOption(executions.command('describe').description('one execution and its steps').argument('<id>', 'execution id, ARN or unique prefix')))
    .option('--json', 'print the execution record (DescribePipelineExecution fields plus Steps)')
    .option('--pipeline <name>', 'with --target sagemaker and an id: the pipeline')
    .action(async (id: string, opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const aws = await remote(opts, io);
      let record: ExecutionRecord;
      if (aws) {
        const { describeRemote, executionArn } = await import('../../sagemaker/remote-executions.ts');
        record = await describeRemote(aws.clients, await executionArn(aws.clients, id, opts.pipeline));
      } else {
        const session = openSession(opts, io);
        record = (await session.store.resolve(id)).record;
        if (!isTerminal(record.PipelineExecutionStatus)) record = (await recoverExecution(session, record.PipelineExecutionId)).record;
      }
      if (opts.json) {
        io.out(`${JSON.stringify(recordForJson(record), null, 2)}\n`);
        return;
      }
      io.out(`${record.PipelineExecutionArn}\n  pipeline  ${record.PipelineName}\n  status    ${record.PipelineExecutionStatus}${record.FailureReason ? ` (${record.FailureReason})` : ''}\n  started   ${record.StartTime ?? ''}\n  duration  ${duration(record)}\n`);
      io.out(`  parameters ${record.PipelineParameters.map((p) => `${p.Name}=${p.Value}`).join(' ')}\n  steps:\n`);
      for (const s of record.Steps) {
        const extra = s.CacheHitResult ? ` cache hit from ${s.CacheHitResult.SourcePipelineExecutionArn.split('/').pop()}` : s.FailureReason ? ` ${s.FailureReason}` : '';
        io.out(`    ${s.StepName.padEnd(22)} ${s.StepType.padEnd(14)} ${s.StepStatus.padEnd(10)}${extra}\n`);
      }
      for (const n of record.NotExecutedSteps) io.out(`    ${n.StepName.padEnd(22)} ${''.padEnd(14)} not executed: ${n.Reason}\n`);
    });

  addWorkspaceOption(executions.command('logs').description("print a step's log (all steps when none is named)").argument('<id>').argument('[step]'))
    .action(async (id: string, step: string | undefined, opts: { workspace?: string }) => {
      const session = openSession(opts, io);
      const { record } = await session.store.resolve(id);
      const names = step ? [step] : record.Steps.map((s) => s.StepName);
      if (step && !record.Steps.some((s) => s.StepName === step)) {
        throw new SagepipeError(ErrorCode.ResourceNotFound, `execution ${record.PipelineExecutionId} has no step '${step}' that ran (steps: ${record.Steps.map((s) => s.StepName).join(', ')})`);
      }
      for (const name of names) {
        const text = await session.store.readLog(record.PipelineExecutionId, name);
        if (!step) io.out(`==> ${name} <==\n`);
        io.out(text);
      }
    });

  addTargetOptions(addRunOptions(addWorkspaceOption(executions.command('retry').description('re-run a Failed or Stopped execution from its failed and unfinished steps').argument('<id>'))))
    .option('--pipeline <name>', 'with --target sagemaker and an id: the pipeline')
    .action(async (id: string, opts: TargetOptions & { workspace?: string; runtime?: string; json?: boolean; logs: boolean; keepJobs?: boolean; jobNetwork?: boolean }) => {
      const aws = await remote(opts, io);
      if (aws) {
        const { executionArn, retryRemote } = await import('../../sagemaker/remote-executions.ts');
        const { readS3Object } = await import('../../sagemaker/remote-run.ts');
        const display = new RunDisplay(io, { logs: opts.logs, live: io.interactive });
        const { record, definition } = await retryRemote(aws.clients, await executionArn(aws.clients, id, opts.pipeline), (e) => display.handle(e), aws.pollMs).finally(() =>
          display.close(),
        );
        await reportOutcome(io, record, definition, (uri) => readS3Object(aws.clients.s3, uri), opts.json);
        return;
      }
      const session = openSession(opts, io);
      const { record } = await session.store.resolve(id);
      for (const path of await changedCode(record.CodeSources ?? [])) {
        io.err(
          `notice: ${path} changed since execution ${record.PipelineExecutionId} started; a retry runs the code that execution started with. Start a new run (sagepipe run) to use the changed code.\n`,
        );
      }
      await runWithDisplay(io, session, opts, (engine, signal) => engine.retry(id, { signal }), opts.runtime, opts.keepJobs);
    });

  addTargetOptions(addWorkspaceOption(executions.command('stop').description('stop a running execution').argument('<id>')))
    .option('--pipeline <name>', 'with --target sagemaker and an id: the pipeline')
    .action(async (id: string, opts: TargetOptions & { workspace?: string }) => {
    const aws = await remote(opts, io);
    if (aws) {
      const { executionArn, stopRemote } = await import('../../sagemaker/remote-executions.ts');
      const arn = await executionArn(aws.clients, id, opts.pipeline);
      await stopRemote(aws.clients, arn);
      io.out(`asked SageMaker to stop ${arn}\n`);
      return;
    }
    const outcome = await stopLocalExecution(openSession(opts, io), id);
    if (outcome.kind === 'requested') io.out(`asked the process running ${outcome.executionId} (pid ${outcome.pid}) to stop it\n`);
    else io.out(`execution ${outcome.executionId} marked Stopped (the process running it had ended)\n`);
  });
}

export type StopOutcome =
  | { readonly kind: 'requested'; readonly executionId: string; readonly pid: number | undefined }
  | { readonly kind: 'markedStopped'; readonly executionId: string };

/**
 * Stops a local execution, for `executions stop` and `sagepipe ui`: asks the process running it (through the store),
 * or, when that process is gone (it crashed), ends the jobs it left and marks the execution Stopped.
 */
export async function stopLocalExecution(session: LocalSession, idOrArn: string): Promise<StopOutcome> {
  const { record } = await session.store.resolve(idOrArn);
  if (record.PipelineExecutionStatus !== 'Executing' && record.PipelineExecutionStatus !== 'Stopping') {
    throw new SagepipeError(ErrorCode.InvalidState, `execution ${record.PipelineExecutionId} is ${record.PipelineExecutionStatus}, not running`);
  }
  if (await runnerAlive(session.store, record)) {
    await session.store.requestStop(record.PipelineExecutionId);
    return { kind: 'requested', executionId: record.PipelineExecutionId, pid: record.RunnerPid };
  }
  await recoverExecution(session, record.PipelineExecutionId, 'Stopped');
  return { kind: 'markedStopped', executionId: record.PipelineExecutionId };
}

