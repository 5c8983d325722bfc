/**
 * Where and as whom the SageMaker backend works: region, endpoints, role, bucket, account — from flags, then the
 * environment (AWS_REGION, AWS_ENDPOINT_URL_SAGEMAKER / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, SAGEPIPE_*), then
 * `~/.sagepipe/config.json` or `./sagepipe.config.json`. Credentials come from the AWS SDK's default provider chain.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, SagepipeError } from '../errors.ts';

export interface AwsSettings {
  readonly region: string;
  readonly roleArn: string;
  readonly bucket: string;
  readonly account: string;
  readonly sageMakerEndpoint: string | undefined;
  readonly s3Endpoint: string | undefined;
}

export interface AwsFlags {
  readonly region?: string;
  readonly roleArn?: string;
  readonly bucket?: string;
  readonly account?: string;
  readonly endpointUrl?: string;
}

function configFile(cwd: string): Record<string, string> {
  for (const file of [join(cwd, 'sagepipe.config.json'), join(homedir(), '.sagepipe', 'config.json')]) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      } catch {
        throw new SagepipeError(ErrorCode.FileUnreadable, `${file} is not valid JSON`, { path: file });
      }
    }
  }
  return {};
}

export function resolveAwsSettings(flags: AwsFlags, env: NodeJS.ProcessEnv, cwd: string, needs: { readonly role: boolean } = { role: true }): AwsSettings {
  const file = configFile(cwd);
  const endpoint = flags.endpointUrl ?? env.AWS_ENDPOINT_URL;
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? file.region;
  if (!region) throw new SagepipeError(ErrorCode.UsageError, 'no AWS region: set --region, AWS_REGION, or "region" in sagepipe.config.json');
  const roleArn = flags.roleArn ?? env.SAGEPIPE_ROLE_ARN ?? file.roleArn ?? (needs.role ? undefined : '');
  if (roleArn === undefined || (needs.role && !roleArn)) throw new SagepipeError(ErrorCode.UsageError, 'no execution role: set --role-arn, SAGEPIPE_ROLE_ARN, or "roleArn" in sagepipe.config.json (a role SageMaker can assume; see docs/sagemaker.md)');
  const account = flags.account ?? env.SAGEPIPE_ACCOUNT ?? file.account ?? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(roleArn)?.[1] ?? (needs.role ? undefined : '000000000000');
  if (!account) throw new SagepipeError(ErrorCode.UsageError, 'no AWS account id for the image URIs: set --account or SAGEPIPE_ACCOUNT');
  const bucket = flags.bucket ?? env.SAGEPIPE_BUCKET ?? file.bucket ?? `sagemaker-${region}-${account}`;
  return {
    region,
    roleArn,
    bucket,
    account,
    sageMakerEndpoint: endpoint ?? env.AWS_ENDPOINT_URL_SAGEMAKER ?? file.sageMakerEndpoint,
    s3Endpoint: endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? file.s3Endpoint,
  };
}
