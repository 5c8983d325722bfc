/**
 * The one place the CLI picks a target: `--target local` (the default) opens the workspace, `--target sagemaker`
 * resolves the AWS settings. Commands then use only the ExecutionTarget interface, so a flag means the same on both.
 */
import type { EventSink } from '../engine/events.ts';
import type { ExecutionTarget } from '../engine/target.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { AwsSettings } from '../sagemaker/aws-settings.ts';
import { LocalTarget } from '../../local-runner/local-target.ts';
import { openSession, parseRuntime } from '../../local-runner/workspace.ts';
import type { CliIO } from './io.ts';
import { isIsoDuration, parseDuration } from '../definition/duration.ts';

export interface TargetFlags {
  readonly target?: string;
  readonly workspace?: string;
  readonly runtime?: string;
  readonly keepJobs?: boolean;
  readonly jobNetwork?: boolean;
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly bucket?: string;
  readonly account?: string;
  /** With --target sagemaker: how execution ids are resolved to ARNs. */
  readonly pipeline?: string;
  /** `--image-map uri=local` pairs (local only). */
  readonly imageMap?: readonly string[];
  /** `--callback-timeout` (local only): how long a Callback step waits for its answer, as seconds or ISO-8601. */
  readonly callbackTimeout?: string;
}

export type OpenedTarget =
  | { readonly kind: 'local'; readonly target: ExecutionTarget }
  | { readonly kind: 'sagemaker'; readonly target: ExecutionTarget; readonly settings: AwsSettings };

export function targetKind(flags: TargetFlags): 'local' | 'sagemaker' {
  const t = flags.target ?? 'local';
  if (t !== 'local' && t !== 'sagemaker') throw new SagepipeError(ErrorCode.UsageError, `--target must be local or sagemaker (got '${t}')`);
  return t;
}

/** Opens the target the flags name; the AWS SDK is loaded only for `--target sagemaker`. */
export async function openTarget(
  flags: TargetFlags,
  io: CliIO,
  options: { readonly sink?: EventSink; readonly needsRole?: boolean; readonly projectDir?: string } = {},
): Promise<OpenedTarget> {
  const notice = (text: string) => io.err(`notice: ${text}\n`);
  if (targetKind(flags) === 'local') {
    const session = openSession(flags, io);
    // The pipeline's folder is searched first for sagepipe.config.json (its `lambdaFunctions`), then cwd.
    if (options.projectDir) session.projectDirs.unshift(options.projectDir);
    const callbackTimeoutMs = flags.callbackTimeout === undefined ? undefined : parseCallbackTimeout(flags.callbackTimeout);
    return {
      kind: 'local',
      target: new LocalTarget({
        session,
        runtime: parseRuntime(flags.runtime),
        host: io,
        notice,
        keepJobFolders: flags.keepJobs ?? false,
        jobNetwork: flags.jobNetwork ?? false,
        ...(callbackTimeoutMs === undefined ? {} : { callbackTimeoutMs }),
        ...(options.sink ? { sink: options.sink } : {}),
      }),
    };
  }
  if (flags.runtime !== undefined && flags.runtime !== 'auto') {
    throw new SagepipeError(ErrorCode.UsageError, `--runtime ${flags.runtime} chooses how jobs run on this machine: with --target sagemaker SageMaker runs them; leave --runtime out`);
  }
  if ((flags.imageMap ?? []).length > 0) {
    throw new SagepipeError(ErrorCode.UsageError, '--image-map chooses local images for image URIs: with --target sagemaker the URIs run as they are; leave it out');
  }
  if (flags.jobNetwork) throw new SagepipeError(ErrorCode.UsageError, '--job-network gives local jobs a network: SageMaker jobs have theirs; leave it out');
  if (flags.callbackTimeout !== undefined) {
    throw new SagepipeError(ErrorCode.UsageError, '--callback-timeout sets how long local Callback steps wait: on SageMaker the service decides; leave it out');
  }
  if (flags.keepJobs) throw new SagepipeError(ErrorCode.UsageError, '--keep-jobs keeps local job folders: with --target sagemaker there are none; leave it out');
  const { resolveAwsSettings } = await import('../sagemaker/aws-settings.ts');
  const { SageMakerTarget } = await import('../sagemaker/sagemaker-target.ts');
  const settings = resolveAwsSettings(
    {
      ...(flags.region ? { region: flags.region } : {}),
      ...(flags.roleArn ? { roleArn: flags.roleArn } : {}),
      ...(flags.bucket ? { bucket: flags.bucket } : {}),
      ...(flags.account ? { account: flags.account } : {}),
      ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
    },
    io.env,
    io.cwd,
    { role: options.needsRole ?? false },
  );
  return {
    kind: 'sagemaker',
    settings,
    target: new SageMakerTarget({
      settings,
      cwd: io.cwd,
      notice: (t) => io.err(`  ${t}\n`),
      ...(flags.pipeline ? { pipelineName: flags.pipeline } : {}),
      ...(options.sink ? { sink: options.sink } : {}),
    }),
  };
}

/** `--callback-timeout`: seconds, or an ISO-8601 duration (PT1H). */
export function parseCallbackTimeout(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  if (isIsoDuration(value)) return parseDuration(value, '--callback-timeout');
  throw new SagepipeError(ErrorCode.UsageError, `--callback-timeout must be seconds or an ISO-8601 duration like PT1H (got '${value}')`);
}
