/**
 * sagepipe: SageMaker Model Building Pipelines for TypeScript.
 *
 * This entry point is the SDK: inert definitions, no I/O, no Docker, no AWS, no JSON-schema validator (the boundary
 * test holds it to that). Running pipelines and loading definitions: `sagepipe/local`, `sagepipe/sagemaker`,
 * `sagepipe/testing`.
 */
export { Pipeline, isPipeline, type PipelineOptions, type ParallelismConfiguration, type DefinitionOptions } from './sdk/pipeline.ts';
export {
  ParameterString,
  ParameterInteger,
  ParameterFloat,
  ParameterBoolean,
  type AnyParameter,
  type ParameterOptions,
} from './sdk/parameters.ts';
export {
  Join,
  ExecutionVariables,
  isExpression,
  type Expression,
  type ValueType,
  type StringValue,
  type IntegerValue,
  type FloatValue,
  type BooleanValue,
} from './sdk/expressions.ts';
export { PropertyFile, JsonGet, type PropertyFileOptions, type JsonGetOptions } from './sdk/property-file.ts';
export { PropertyRef, type PropertiesOf } from './sdk/properties.ts';
export {
  ConditionEquals,
  ConditionNotEquals,
  ConditionGreaterThan,
  ConditionGreaterThanOrEqualTo,
  ConditionLessThan,
  ConditionLessThanOrEqualTo,
  ConditionIn,
  ConditionNot,
  ConditionOr,
  type Condition,
} from './sdk/conditions.ts';
export {
  CacheConfig,
  RetryPolicy,
  StepExceptionType,
  SageMakerJobExceptionType,
  type CacheConfigOptions,
  type RetryPolicyOptions,
  type RetryExceptionType,
} from './sdk/policies.ts';
export { Step, isStep, type StepOptions, type CodeResolver, type StagedCode } from './sdk/steps/step.ts';
export {
  ProcessingStep,
  PROCESSING_CODE_DIR,
  type ProcessingStepOptions,
  type ProcessorOptions,
  type ProcessingInputOptions,
  type ProcessingOutputOptions,
} from './sdk/steps/processing.ts';
export { TrainingStep, type TrainingStepOptions, type EstimatorOptions, type TrainingChannelOptions, type MetricDefinition } from './sdk/steps/training.ts';
export {
  CreateModelStep,
  RegisterModel,
  type CreateModelStepOptions,
  type RegisterModelOptions,
  type ModelApprovalStatus,
} from './sdk/steps/model.ts';
export { ConditionStep, FailStep, type ConditionStepOptions, type FailStepOptions } from './sdk/steps/control.ts';
export { TransformStep, type TransformStepOptions, type TransformerOptions, type TransformInputOptions } from './sdk/steps/transform.ts';
export {
  TuningStep,
  ContinuousParameter,
  IntegerParameter,
  CategoricalParameter,
  type TuningStepOptions,
  type TunerOptions,
  type HyperparameterRange,
  type ScalingType,
} from './sdk/steps/tuning.ts';
export { LambdaStep, type LambdaStepOptions } from './sdk/steps/lambda.ts';
export { CallbackStep, type CallbackStepOptions } from './sdk/steps/callback.ts';
export type { OutputDeclarations, OutputRefs } from './sdk/steps/outputs.ts';
export { type PipelineContext, type ImageName, imageUri } from './sdk/context.ts';
export { imageUris, type ImageUriOptions, type SklearnVersion, type XgboostVersion } from './sdk/image-uris.ts';

export { toMermaid, type StepGraph, type GraphNode } from './definition/graph.ts';
export type { PipelineDefinition, StepDefinition, ParameterDefinition, Json } from './definition/types.ts';
export { SagepipeError, isSagepipeError, ErrorCode, type Issue } from './errors.ts';
