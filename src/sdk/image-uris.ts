/**
 * AWS's own scikit-learn and XGBoost images, by region and framework version: the URIs the SageMaker Python SDK's
 * `image_uris.retrieve` gives. A pipeline that names them runs on SageMaker with no image pushed to ECR, and locally
 * through the image catalogue's stand-ins. Inert: the table is data generated from the SDK (aws-image-table.ts).
 */
import { ErrorCode, SagepipeError } from '../errors.ts';
import { AWS_IMAGE_HOSTNAMES, AWS_IMAGE_TABLE } from './aws-image-table.ts';

export type SklearnVersion = keyof (typeof AWS_IMAGE_TABLE)['sklearn']['tags'];
export type XgboostVersion = keyof (typeof AWS_IMAGE_TABLE)['xgboost']['tags'];

export interface ImageUriOptions<V extends string> {
  /** The AWS region of the registry, e.g. `ctx.region`. */
  readonly region: string;
  /** The framework version, as the Python SDK's `framework_version` (e.g. `0.23-1`, `1.7-1`). */
  readonly version: V;
}

type Framework = keyof typeof AWS_IMAGE_TABLE;

function retrieve(framework: Framework, options: ImageUriOptions<string>): string {
  const entry = AWS_IMAGE_TABLE[framework];
  const accounts: Readonly<Record<string, string>> = entry.accounts;
  const tags: Readonly<Record<string, string>> = entry.tags;
  const tag = tags[options.version];
  if (tag === undefined) {
    throw new SagepipeError(ErrorCode.PipelineInvalid, `imageUris.${framework}: AWS has no ${entry.repository} image for version '${options.version}' (versions: ${Object.keys(tags).join(', ')})`, {
      path: `imageUris.${framework}.version`,
    });
  }
  const account = accounts[options.region];
  if (account === undefined) {
    throw new SagepipeError(ErrorCode.PipelineInvalid, `imageUris.${framework}: AWS publishes no ${entry.repository} image in region '${options.region}' (regions: ${Object.keys(accounts).join(', ')})`, {
      path: `imageUris.${framework}.region`,
    });
  }
  const host = AWS_IMAGE_HOSTNAMES[options.region] ?? `ecr.${options.region}.amazonaws.com`;
  return `${account}.dkr.${host}/${entry.repository}:${tag}`;
}

/** AWS's image URIs, as `sagemaker.image_uris.retrieve(framework, region, version)` gives them. */
export const imageUris = {
  /** `sagemaker-scikit-learn` (processing, script-mode training, serving). */
  sklearn(options: ImageUriOptions<SklearnVersion>): string {
    return retrieve('sklearn', options);
  },
  /** `sagemaker-xgboost` (built-in algorithm, script mode, processing with python3). */
  xgboost(options: ImageUriOptions<XgboostVersion>): string {
    return retrieve('xgboost', options);
  },
  /** The versions AWS publishes, newest last. */
  versions(framework: Framework): readonly string[] {
    return Object.keys(AWS_IMAGE_TABLE[framework].tags);
  },
} as const;
