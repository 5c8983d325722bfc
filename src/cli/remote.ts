/** `--target sagemaker` for commands beyond `run`: the clients, from flags, environment and config. */
import type { Command as CommandType } from 'commander';
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { CliIO } from './io.ts';

export interface TargetOptions {
  readonly target?: string;
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly pipeline?: string;
  readonly roleArn?: string;
}

export function addTargetOptions(command: CommandType): CommandType {
  return command
    .option('--target <target>', 'local or sagemaker', 'local')
    .option('--endpoint-url <url>', 'with --target sagemaker: a SageMaker-compatible endpoint (e.g. sagepipe serve)')
    .option('--region <region>', 'with --target sagemaker: the AWS region (default: $AWS_REGION)');
}

/**
 * The SageMaker clients when `--target sagemaker`, else undefined (the local store).
 * @deprecated commands open an ExecutionTarget with `openTarget` (src/cli/targets.ts) instead of branching on this.
 */
export async function remote(opts: TargetOptions, io: CliIO) {
  if (opts.target === undefined || opts.target === 'local') return undefined;
  if (opts.target !== 'sagemaker') throw new SagepipeError(ErrorCode.UsageError, `--target must be local or sagemaker (got '${opts.target}')`);
  const { resolveAwsSettings } = await import('../sagemaker/aws-settings.ts');
  const { createClients } = await import('../sagemaker/remote-run.ts');
  const settings = resolveAwsSettings(
    { ...(opts.region ? { region: opts.region } : {}), ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}), ...(opts.roleArn ? { roleArn: opts.roleArn } : {}) },
    io.env,
    io.cwd,
    { role: false },
  );
  return { clients: createClients(settings), settings, pollMs: settings.sageMakerEndpoint ? 200 : 2000 };
}

