/** `sagepipe executions list|describe|callback|logs|retry|stop`: the execution store, as ListPipelineExecutions & co. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { ExecutionRecord } from '../../engine/records.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { recordForJson } from '../render/summary.ts';
import { workspaceDir } from '../options.ts';
import { addRunOptions, followWithDisplay } from './run.ts';
import { type TargetOptions, addTargetOptions } from '../remote.ts';
import { openTarget } from '../targets.ts';
import type { LocalSession } from '../../../local-runner/workspace.ts';
import { LocalTarget } from '../../../local-runner/local-target.ts';
import { isTerminal } from '../../engine/records.ts';
import { changedCode } from '../../compile/code-changes.ts';

/** What a step of the new kinds adds to `describe`: a waiting callback's token, a tuning job's trials. */
function stepDetails(s: ExecutionRecord['Steps'][number]): string[] {
  const out: string[] = [];
  const callback = s.Metadata.Callback as { CallbackToken?: string } | undefined;
  if (callback?.CallbackToken) {
    out.push(`callback token ${callback.CallbackToken}${s.StepStatus === 'Executing' ? ' (waiting: sagepipe executions callback <token> --success | --failure)' : ''}`);
    if (s.CallbackArguments) out.push(`arguments ${JSON.stringify(s.CallbackArguments)}`);
  }
  const trials = (s.Properties?.TrainingJobSummaries ?? []) as { TrainingJobName: string; TrainingJobStatus: string; TunedHyperParameters?: Record<string, string>; FinalHyperParameterTuningJobObjectiveMetric?: { MetricName: string; Value: number } }[];
  if (s.StepType === 'Tuning' && Array.isArray(trials)) {
    for (const t of trials) {
      const metric = t.FinalHyperParameterTuningJobObjectiveMetric;
      const hp = Object.entries(t.TunedHyperParameters ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
      out.push(`trial ${t.TrainingJobName} ${t.TrainingJobStatus.padEnd(10)} ${metric ? `${metric.MetricName}=${metric.Value}` : ''} ${hp}`.trimEnd());
    }
  }
  return out;
}

function duration(r: Pick<ExecutionRecord, 'StartTime' | 'EndTime'>): string {
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
      const opened = await openTarget(opts, io);
      const { executions: list, unreadable } = await opened.target.list(opts.pipeline ? { pipelineName: opts.pipeline } : {});
      if (opts.json) {
        io.out(
          `${JSON.stringify(
            {
              PipelineExecutionSummaries: list.map((r) => ({
                PipelineName: r.PipelineName,
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
      if (list.length === 0) {
        // A mistyped --workspace is the likely reason for an empty list, so say when the folder is not there at all.
        const dir = opened.kind === 'local' ? workspaceDir(opts, io) : undefined;
        io.out(dir === undefined ? 'no executions\n' : `no executions in ${dir}${existsSync(dir) ? '' : ' (no such folder: check --workspace)'}\n`);
      }
      for (const r of list) {
        const id = r.PipelineExecutionArn.split('/').pop();
        io.out(`${id}  ${r.PipelineName.padEnd(16)} ${r.PipelineExecutionStatus.padEnd(10)} ${r.StartTime ?? ''}  ${(r.EndTime || r.PipelineExecutionStatus === 'Executing' ? duration(r) : '').padStart(8)}${r.FailureReason ? `  ${r.FailureReason}` : ''}\n`);
      }
      for (const c of unreadable) io.err(`warning: execution record ${c} is unreadable\n`);
    });

  addTargetOptions(addWorkspaceOption(executions.command('describe').description('one execution and its steps').argument('<id>', 'execution id, ARN or unique prefix')))
    .option('--json', 'print the execution record (DescribePipelineExecution fields plus Steps)')
    .option('--pipeline <name>', 'with --target sagemaker and an id: the pipeline')
    .action(async (id: string, opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const record = await (await openTarget(opts, io)).target.describe(id);
      if (opts.json) {
        io.out(`${JSON.stringify(recordForJson(record), null, 2)}\n`);
        return;
      }
      io.out(`${record.PipelineExecutionArn}\n  pipeline  ${record.PipelineName}\n  status    ${record.PipelineExecutionStatus}${record.FailureReason ? ` (${record.FailureReason})` : ''}\n  started   ${record.StartTime ?? ''}\n  duration  ${duration(record)}\n`);
      io.out(`  parameters ${record.PipelineParameters.map((p) => `${p.Name}=${p.Value}`).join(' ')}\n  steps:\n`);
      for (const s of record.Steps) {
        const extra = s.CacheHitResult ? ` cache hit from ${s.CacheHitResult.SourcePipelineExecutionArn.split('/').pop()}` : s.FailureReason ? ` ${s.FailureReason}` : '';
        io.out(`    ${s.StepName.padEnd(22)} ${s.StepType.padEnd(14)} ${s.StepStatus.padEnd(10)}${extra}\n`);
        for (const line of stepDetails(s)) io.out(`      ${line}\n`);
      }
      for (const n of record.NotExecutedSteps) io.out(`    ${n.StepName.padEnd(22)} ${''.padEnd(14)} not executed: ${n.Reason}\n`);
    });

  addTargetOptions(
    addWorkspaceOption(
      executions
        .command('callback')
        .description("answer a waiting Callback step's token (SendPipelineExecutionStepSuccess / SendPipelineExecutionStepFailure)")
        .argument('<token>', "the step's CallbackToken (shown by run and executions describe)"),
    ),
  )
    .option('--success', 'complete the step')
    .option('--failure', 'fail the step (and the execution)')
    .option('--output <name=value>', 'an output parameter of the step (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--reason <text>', 'with --failure: the FailureReason')
    .action(async (token: string, opts: TargetOptions & { workspace?: string; success?: boolean; failure?: boolean; output?: string[]; reason?: string }) => {
      if (opts.success === opts.failure) throw new SagepipeError(ErrorCode.UsageError, 'give exactly one of --success and --failure');
      if (opts.failure && opts.output?.length) throw new SagepipeError(ErrorCode.UsageError, '--output goes with --success');
      const outputs = (opts.output ?? []).map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0) throw new SagepipeError(ErrorCode.UsageError, `--output must be name=value (got '${pair}')`);
        return { Name: pair.slice(0, at), Value: pair.slice(at + 1) };
      });
      const reason = opts.reason ?? 'failed by sagepipe executions callback';
      const opened = await openTarget(opts, io);
      const found = await opened.target.sendCallback(token, opts.success ? { success: true, outputs } : { success: false, reason });
      if (found.step && found.executionId) io.out(`${opts.success ? 'completed' : 'failed'} step '${found.step}' of execution ${found.executionId}\n`);
      else io.out(`sent ${opts.success ? 'SendPipelineExecutionStepSuccess' : 'SendPipelineExecutionStepFailure'} for ${token}\n`);
    });

  addTargetOptions(addWorkspaceOption(executions.command('logs').description("print a step's log (all steps when none is named)").argument('<id>', 'execution id, ARN or unique prefix').argument('[step]', 'the step whose log to print (default: every step that ran)')))
    .option('--pipeline <name>', 'with --target sagemaker and an id: the pipeline')
    .action(async (id: string, step: string | undefined, opts: TargetOptions & { workspace?: string }) => {
      const logs = await (await openTarget(opts, io)).target.logs(id, step);
      for (const log of logs) {
        if (!step) io.out(`==> ${log.step} <==\n`);
        io.out(log.text);
      }
    });

  addTargetOptions(addRunOptions(addWorkspaceOption(executions.command('retry').description('re-run a Failed or Stopped execution from its failed and unfinished steps').argument('<id>', 'execution id, ARN or unique prefix'))))
    .option('--pipeline <name>', 'with --target sagemaker and an id: the pipeline')
    .action(async (id: string, opts: TargetOptions & { workspace?: string; runtime?: string; json?: boolean; logs: boolean; keepJobs?: boolean; jobNetwork?: boolean; callbackTimeout?: string }) => {
      await followWithDisplay(io, opts, async (sink) => {
        const opened = await openTarget(opts, io, { sink });
        if (opened.kind === 'local') {
          const record = await opened.target.describe(id);
          for (const path of await changedCode(record.CodeSources ?? [])) {
            io.err(
              `notice: ${path} changed since execution ${record.PipelineExecutionId} started; a retry runs the code that execution started with. Start a new run (sagepipe run) to use the changed code.\n`,
            );
          }
        }
        return { target: opened.target, handle: await opened.target.retry(id) };
      });
    });

  addTargetOptions(addWorkspaceOption(executions.command('stop').description('stop a running execution').argument('<id>', 'execution id, ARN or unique prefix')))
    .option('--pipeline <name>', 'with --target sagemaker and an id: the pipeline')
    .action(async (id: string, opts: TargetOptions & { workspace?: string }) => {
      const outcome = await (await openTarget(opts, io)).target.stop(id);
      switch (outcome.kind) {
        case 'requested':
          io.out(`${outcome.detail}\n`);
          return;
        case 'markedStopped':
          io.out(`execution ${outcome.executionArn.split('/').pop()} marked Stopped (the process running it had ended)\n`);
          return;
        default: {
          const never: never = outcome;
          throw new Error(`unknown stop outcome ${JSON.stringify(never)}`);
        }
      }
    });
}

export type StopOutcome =
  | { readonly kind: 'requested'; readonly executionId: string; readonly pid: number | undefined }
  | { readonly kind: 'markedStopped'; readonly executionId: string };

/**
 * Stops a local execution run by another process, for `sagepipe ui`: the local target asks the process running it
 * (through the store), or, when that process is gone (it crashed), ends the jobs it left and marks it Stopped.
 */
export async function stopLocalExecution(session: LocalSession, idOrArn: string): Promise<StopOutcome> {
  const outcome = await new LocalTarget({ session }).stop(idOrArn);
  const executionId = outcome.executionArn.split('/').pop() as string;
  switch (outcome.kind) {
    case 'requested':
      return { kind: 'requested', executionId, pid: (await session.store.resolve(executionId)).record.RunnerPid };
    case 'markedStopped':
      return { kind: 'markedStopped', executionId };
    default: {
      const never: never = outcome;
      throw new Error(`unknown stop outcome ${JSON.stringify(never)}`);
    }
  }
}
