/** `ProcessingStep`: a CreateProcessingJob request, with optional local code staged and run the Python SDK's way. */
import { processingJobShape } from '../../definition/property-shapes.ts';
import type { PropertiesOf, PropertyRef } from '../properties.ts';
import { ExecutionVariables, type Expression, type IntegerValue, Join, type StringValue } from '../expressions.ts';
import type { PropertyFile } from '../property-file.ts';
import { type ArgumentTree, CachingStep, type CachingStepOptions, type RenderContext } from './step.ts';
import { ContainerPaths } from '../../../containers/contract/paths.ts';

export const PROCESSING_CODE_DIR = ContainerPaths.processingCode;

export interface ProcessorOptions {
  readonly imageUri: StringValue;
  /** The container's entrypoint; with `code`, the interpreter (`['node']`, `['python3']`) before the script. */
  readonly entrypoint?: readonly StringValue[];
  readonly instanceType: StringValue;
  /** @default 1 */
  readonly instanceCount?: IntegerValue;
  /** @default 30 */
  readonly volumeSizeInGB?: IntegerValue;
  /** @default 86400 (one day, the service's default) */
  readonly maxRuntimeInSeconds?: IntegerValue;
  readonly environment?: Readonly<Record<string, StringValue>>;
  /** @default false */
  readonly networkIsolation?: boolean | Expression<'Boolean'>;
  readonly roleArn: StringValue;
}

export interface ProcessingInputOptions {
  /** An S3 URI, a local path or `file://` URI (staged when run), a parameter or a step property. */
  readonly source: StringValue;
  /** The path inside the container, e.g. `/opt/ml/processing/input`. */
  readonly destination: string;
  /** @default `input-<n>` */
  readonly name?: string;
  /** @default 'S3Prefix' */
  readonly s3DataType?: 'S3Prefix' | 'ManifestFile';
  /** @default 'File' */
  readonly inputMode?: 'File' | 'Pipe';
  /** @default 'FullyReplicated' */
  readonly distribution?: 'FullyReplicated' | 'ShardedByS3Key';
}

export interface ProcessingOutputOptions<O extends string = string> {
  readonly name: O;
  /** The path inside the container whose content is uploaded. */
  readonly source: string;
  /** @default `s3://<defaultBucket>/<pipeline>/<execution id>/<step>/output/<name>` (the Python SDK's default) */
  readonly destination?: StringValue;
  /** @default 'EndOfJob' */
  readonly uploadMode?: 'EndOfJob' | 'Continuous';
}

export interface ProcessingStepOptions<O extends string = string> extends CachingStepOptions {
  readonly processor: ProcessorOptions;
  readonly inputs?: readonly ProcessingInputOptions[];
  readonly outputs?: readonly ProcessingOutputOptions<O>[];
  /** A local script (path relative to the pipeline file): bundled when TypeScript, staged by content. */
  readonly code?: string;
  readonly jobArguments?: readonly StringValue[];
  readonly propertyFiles?: readonly PropertyFile[];
}

type OutputShape = (typeof processingJobShape)['fields']['ProcessingOutputConfig']['fields']['Outputs']['item'];

/**
 * DescribeProcessingJob's properties, with `ProcessingOutputConfig.Outputs` keyed by the step's own output names:
 * `Outputs['train']` type-checks only when the step has an output named `train`.
 */
export type ProcessingProperties<O extends string> = Omit<PropertiesOf<typeof processingJobShape>, 'ProcessingOutputConfig'> & {
  readonly ProcessingOutputConfig: {
    readonly KmsKeyId: PropertyRef<'String'>;
    readonly Outputs: { readonly [K in O]: PropertiesOf<OutputShape> } & { readonly [index: number]: PropertiesOf<OutputShape> };
  };
};

export class ProcessingStep<O extends string = string> extends CachingStep<typeof processingJobShape> {
  readonly type = 'Processing' as const;
  readonly options: ProcessingStepOptions<O>;
  declare readonly properties: ProcessingProperties<O>;
  constructor(options: ProcessingStepOptions<O>) {
    super(options, processingJobShape);
    this.options = options;
  }

  get propertyFiles(): readonly PropertyFile[] {
    return this.options.propertyFiles ?? [];
  }

  get outputNames(): readonly string[] {
    return (this.options.outputs ?? []).map((o) => o.name);
  }

  override validate(context: RenderContext): { path: string; message: string }[] {
    const problems: { path: string; message: string }[] = [];
    const code = this.options.code;
    if (code !== undefined && context.resolveCode(code) === undefined) {
      problems.push({ path: 'code', message: `code '${code}' is not staged: synthesize with compilePipeline() or the sagepipe CLI, which bundle and stage code` });
    }
    (this.options.outputs ?? []).forEach((o, i) => {
      if (o.destination === undefined && context.defaultBucket === undefined) {
        problems.push({ path: `outputs[${i}].destination`, message: `output '${o.name}' has no destination and the pipeline has no defaultBucket` });
      }
    });
    const names = new Set<string>();
    for (const o of this.options.outputs ?? []) {
      if (names.has(o.name)) problems.push({ path: 'outputs', message: `output name '${o.name}' is used twice` });
      names.add(o.name);
    }
    return problems;
  }

  arguments(context: RenderContext): ArgumentTree {
    const p = this.options.processor;
    const staged = this.options.code === undefined ? undefined : context.resolveCode(this.options.code);
    const inputs: ArgumentTree[] = (this.options.inputs ?? []).map((input, i) => ({
      InputName: input.name ?? `input-${i + 1}`,
      AppManaged: false,
      S3Input: {
        S3Uri: input.source,
        LocalPath: input.destination,
        S3DataType: input.s3DataType ?? 'S3Prefix',
        S3InputMode: input.inputMode ?? 'File',
        S3DataDistributionType: input.distribution ?? 'FullyReplicated',
        S3CompressionType: 'None',
      },
    }));
    if (staged) {
      inputs.push({
        InputName: 'code',
        AppManaged: false,
        S3Input: {
          S3Uri: staged.s3Uri,
          LocalPath: PROCESSING_CODE_DIR,
          S3DataType: 'S3Prefix',
          S3InputMode: 'File',
          S3DataDistributionType: 'FullyReplicated',
          S3CompressionType: 'None',
        },
      });
    }
    const entrypoint = staged
      ? [...(p.entrypoint ?? defaultRunner(staged.fileName)), `${PROCESSING_CODE_DIR}/${staged.fileName}`]
      : p.entrypoint;
    const outputs = (this.options.outputs ?? []).map((o) => ({
      OutputName: o.name,
      AppManaged: false,
      S3Output: {
        S3Uri: o.destination ?? defaultOutputUri(context, this.name, o.name),
        LocalPath: o.source,
        S3UploadMode: o.uploadMode ?? 'EndOfJob',
      },
    }));
    return {
      ProcessingResources: {
        ClusterConfig: {
          InstanceType: p.instanceType,
          InstanceCount: p.instanceCount ?? 1,
          VolumeSizeInGB: p.volumeSizeInGB ?? 30,
        },
      },
      AppSpecification: {
        ImageUri: p.imageUri,
        ContainerEntrypoint: entrypoint,
        ContainerArguments: this.options.jobArguments,
      },
      RoleArn: p.roleArn,
      ProcessingInputs: inputs.length > 0 ? inputs : undefined,
      ProcessingOutputConfig: outputs.length > 0 ? { Outputs: outputs } : undefined,
      StoppingCondition: { MaxRuntimeInSeconds: p.maxRuntimeInSeconds ?? 86400 },
      Environment: p.environment,
      NetworkConfig: p.networkIsolation === undefined ? undefined : { EnableNetworkIsolation: p.networkIsolation },
    };
  }

  override extraFields(): Record<string, unknown> {
    const files = this.propertyFiles;
    return { ...super.extraFields(), ...(files.length > 0 ? { PropertyFiles: files.map((f) => f.toDefinition()) } : {}) };
  }
}

function defaultRunner(fileName: string): string[] {
  return fileName.endsWith('.py') ? ['python3'] : ['node'];
}

function defaultOutputUri(context: RenderContext, stepName: string, outputName: string): Expression {
  return Join('/', [
    's3:/',
    context.defaultBucket ?? '',
    context.pipelineName,
    ExecutionVariables.PipelineExecutionId,
    stepName,
    'output',
    outputName,
  ]);
}
