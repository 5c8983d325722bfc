/**
 * SageMaker ARNs, built in one place: `arn:aws:sagemaker:<region>:<account>:<resource>/<name in lower case>` — the
 * service lower-cases names in ARNs (a pipeline `adultPipeline` is `pipeline/adultpipeline`).
 */
export type SageMakerResource = 'pipeline' | 'processing-job' | 'training-job' | 'transform-job' | 'hyper-parameter-tuning-job' | 'model' | 'model-package' | 'model-package-group' | 'endpoint' | 'endpoint-config';

export interface ArnScope {
  readonly region: string;
  readonly account: string;
}

export function sageMakerArn(scope: ArnScope, resource: SageMakerResource, name: string): string {
  return `arn:aws:sagemaker:${scope.region}:${scope.account}:${resource}/${name.toLowerCase()}`;
}

/** A pipeline execution: `<pipeline ARN>/execution/<id>`. */
export function executionArnOf(pipelineArn: string, executionId: string): string {
  return `${pipelineArn}/execution/${executionId}`;
}
