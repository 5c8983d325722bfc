/** `CreateModelStep` (type `Model`) and `RegisterModel` (type `RegisterModel`): a CreateModel / CreateModelPackage request. */
import { modelPackageShape, modelShape } from '../../definition/property-shapes.ts';
import type { StringValue } from '../expressions.ts';
import { type ArgumentTree, CachingStep, type CachingStepOptions } from './step.ts';

export interface ModelContainerOptions {
  readonly imageUri: StringValue;
  /** The model artifact, usually `train.properties.ModelArtifacts.S3ModelArtifacts`. */
  readonly modelDataUrl: StringValue;
  readonly environment?: Readonly<Record<string, StringValue>>;
}

export interface CreateModelStepOptions extends CachingStepOptions {
  readonly model: ModelContainerOptions & {
    readonly roleArn: StringValue;
    /** @default a name generated when the step runs */
    readonly modelName?: StringValue;
  };
}

export class CreateModelStep extends CachingStep<typeof modelShape> {
  readonly type = 'Model' as const;
  readonly options: CreateModelStepOptions;
  constructor(options: CreateModelStepOptions) {
    super(options, modelShape);
    this.options = options;
  }
  arguments(): ArgumentTree {
    const m = this.options.model;
    return {
      ModelName: m.modelName,
      ExecutionRoleArn: m.roleArn,
      PrimaryContainer: { Image: m.imageUri, Environment: m.environment ?? {}, ModelDataUrl: m.modelDataUrl },
    };
  }
}

export type ModelApprovalStatus = 'Approved' | 'Rejected' | 'PendingManualApproval';

export interface MetricsSourceOptions {
  readonly s3Uri: StringValue;
  /** @default 'application/json' */
  readonly contentType?: string;
}

export interface RegisterModelOptions extends CachingStepOptions {
  readonly modelPackageGroupName: StringValue;
  /** The inference containers; usually one with the image and the trained artifact. */
  readonly containers: readonly ModelContainerOptions[];
  readonly contentTypes: readonly string[];
  readonly responseTypes: readonly string[];
  readonly inferenceInstances?: readonly StringValue[];
  readonly transformInstances?: readonly StringValue[];
  /** @default 'PendingManualApproval' (the service's default) */
  readonly approvalStatus?: StringValue;
  readonly modelPackageDescription?: StringValue;
  readonly modelMetrics?: {
    readonly modelStatistics?: MetricsSourceOptions;
    readonly modelConstraints?: MetricsSourceOptions;
  };
}

export class RegisterModel extends CachingStep<typeof modelPackageShape> {
  readonly type = 'RegisterModel' as const;
  readonly options: RegisterModelOptions;
  constructor(options: RegisterModelOptions) {
    super(options, modelPackageShape);
    this.options = options;
  }
  arguments(): ArgumentTree {
    const o = this.options;
    const source = (s: MetricsSourceOptions | undefined) =>
      s === undefined ? undefined : { ContentType: s.contentType ?? 'application/json', S3Uri: s.s3Uri };
    const metrics = o.modelMetrics;
    return {
      ModelPackageGroupName: o.modelPackageGroupName,
      ModelPackageDescription: o.modelPackageDescription,
      ModelMetrics:
        metrics === undefined
          ? undefined
          : { ModelQuality: { Statistics: source(metrics.modelStatistics), Constraints: source(metrics.modelConstraints) } },
      InferenceSpecification: {
        Containers: o.containers.map((c) => ({ Image: c.imageUri, ModelDataUrl: c.modelDataUrl, Environment: c.environment })),
        SupportedContentTypes: o.contentTypes,
        SupportedResponseMIMETypes: o.responseTypes,
        SupportedRealtimeInferenceInstanceTypes: o.inferenceInstances,
        SupportedTransformInstanceTypes: o.transformInstances,
      },
      ModelApprovalStatus: o.approvalStatus ?? 'PendingManualApproval',
    };
  }
}
