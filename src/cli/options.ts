/** Options shared by commands, resolved once: the workspace and the pipeline context. */
import type { Command } from 'commander';
import { type ContextOptions, resolveContext } from '../compile/compile.ts';
import type { PipelineContext } from '../sdk/context.ts';
import { VERSION } from '../version.ts';
import type { CliIO } from './io.ts';

export interface CommonOptions {
  readonly workspace?: string;
  readonly account?: string;
  readonly region?: string;
  readonly bucket?: string;
  readonly roleArn?: string;
}

export function addContextOptions(command: Command): Command {
  return command
    .option('--workspace <dir>', 'where executions, local S3 and the model registry live (default: $SAGEPIPE_WORKSPACE or ./.sagepipe)')
    .option('--account <id>', 'AWS account id for image URIs (default: $SAGEPIPE_ACCOUNT, or 000000000000 locally)')
    .option('--region <region>', 'AWS region (default: $AWS_REGION or us-east-1)')
    .option('--bucket <name>', 'default S3 bucket (default: $SAGEPIPE_BUCKET or sagepipe-local)')
    .option('--role-arn <arn>', 'execution role for the jobs (default: $SAGEPIPE_ROLE_ARN, or a placeholder locally)');
}

export function addWorkspaceOption(command: Command): Command {
  return command.option('--workspace <dir>', 'where executions, local S3 and the model registry live (default: $SAGEPIPE_WORKSPACE or ./.sagepipe)');
}

export function contextFrom(opts: CommonOptions & { target?: 'local' | 'sagemaker' }, io: CliIO): PipelineContext {
  const options: ContextOptions = {
    account: opts.account ?? io.env.SAGEPIPE_ACCOUNT,
    region: opts.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
    defaultBucket: opts.bucket ?? io.env.SAGEPIPE_BUCKET,
    roleArn: opts.roleArn ?? io.env.SAGEPIPE_ROLE_ARN,
    target: opts.target ?? 'local',
  };
  return resolveContext(options, VERSION);
}

export { workspaceDir } from '../../local-runner/workspace.ts';
