/** `TransformStep`: a CreateTransformJob request — batch inference with a model over data in S3. */
import { transformJobShape } from '../../definition/property-shapes.ts';
import type { IntegerValue, StringValue } from '../expressions.ts';
import { type ArgumentTree, CachingStep, type CachingStepOptions } from './step.ts';

export interface TransformerOptions {
  /** A model's name: usually `createModelStep.properties.ModelName`. */
  readonly modelName: StringValue;
  readonly instanceType: StringValue;
  /** @default 1 */
  readonly instanceCount?: IntegerValue;
  /** Where `<input key>.out` files are written. */
  readonly outputPath: StringValue;
  /** Requests carry one record, or as many as fit in `maxPayloadInMB`. */
  readonly strategy?: 'SingleRecord' | 'MultiRecord';
  readonly assembleWith?: 'Line' | 'None';
  /** The Accept header of each request. */
  readonly accept?: StringValue;
  readonly maxConcurrentTransforms?: IntegerValue;
  readonly maxPayloadInMB?: IntegerValue;
  readonly environment?: Readonly<Record<string, StringValue>>;
  readonly outputKmsKey?: StringValue;
  readonly volumeKmsKey?: StringValue;
}

export interface TransformInputOptions {
  /** An S3 prefix (or one object) holding the records. */
  readonly data: StringValue;
  /** @default 'S3Prefix' */
  readonly dataType?: 'S3Prefix' | 'ManifestFile';
  readonly contentType?: StringValue;
  readonly compressionType?: 'None' | 'Gzip';
  readonly splitType?: 'Line' | 'None' | 'RecordIO' | 'TFRecord';
  /** JSONPath selecting what of each record goes to the model (`$[1:]`: all but the first CSV column). */
  readonly inputFilter?: StringValue;
  /** JSONPath selecting what is written (`$[0,-1]`: the first input column and the prediction). */
  readonly outputFilter?: StringValue;
  /** `Input`: each output record is its input record joined with the model's answer. */
  readonly joinSource?: 'Input' | 'None';
}

export interface TransformStepOptions extends CachingStepOptions {
  readonly transformer: TransformerOptions;
  readonly input: TransformInputOptions;
}

export class TransformStep extends CachingStep<typeof transformJobShape> {
  readonly type = 'Transform' as const;
  readonly options: TransformStepOptions;
  constructor(options: TransformStepOptions) {
    super(options, transformJobShape);
    this.options = options;
  }

  /** Fields in the order the Python SDK's `_get_transform_request` writes them. */
  arguments(): ArgumentTree {
    const t = this.options.transformer;
    const i = this.options.input;
    const dataProcessing =
      i.inputFilter === undefined && i.outputFilter === undefined && i.joinSource === undefined
        ? undefined
        : { InputFilter: i.inputFilter, OutputFilter: i.outputFilter, JoinSource: i.joinSource };
    return {
      ModelName: t.modelName,
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: i.dataType ?? 'S3Prefix', S3Uri: i.data } },
        ContentType: i.contentType,
        CompressionType: i.compressionType,
        SplitType: i.splitType,
      },
      TransformOutput: { S3OutputPath: t.outputPath, KmsKeyId: t.outputKmsKey, AssembleWith: t.assembleWith, Accept: t.accept },
      TransformResources: { InstanceCount: t.instanceCount ?? 1, InstanceType: t.instanceType, VolumeKmsKeyId: t.volumeKmsKey },
      BatchStrategy: t.strategy,
      MaxConcurrentTransforms: t.maxConcurrentTransforms,
      MaxPayloadInMB: t.maxPayloadInMB,
      Environment: t.environment,
      DataProcessing: dataProcessing,
    };
  }
}
