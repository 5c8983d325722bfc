/**
 * The context a pipeline module receives when it default-exports a function: where it will run (account, region,
 * bucket, role) and which image version to use. The CLI fills it from flags, environment and config; nothing here is
 * hard-coded into a pipeline.
 */

/** The project's step images (`containers/<name>`). */
export type ImageName = 'xgboost' | 'node';

export interface PipelineContext {
  /** AWS account id of the ECR registry. Local runs use a placeholder account. */
  readonly account: string;
  readonly region: string;
  /** The default S3 bucket for staged code, data and outputs. */
  readonly defaultBucket: string;
  /** The execution role the jobs run with. */
  readonly roleArn: string;
  /** The sagepipe image tag (the project version). */
  readonly imageVersion: string;
  /** Where the pipeline will run: `local` or `sagemaker`. */
  readonly target: 'local' | 'sagemaker';
  /** The ECR-style URI of one of sagepipe's images. */
  imageUri(name: ImageName): string;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/sagepipe-<image>:<version>` */
export function imageUri(context: Pick<PipelineContext, 'account' | 'region' | 'imageVersion'>, name: ImageName): string {
  return `${context.account}.dkr.ecr.${context.region}.amazonaws.com/sagepipe-${name}:${context.imageVersion}`;
}
