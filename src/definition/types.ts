/**
 * The SageMaker Model Building Pipeline definition (`"Version": "2020-12-01"`), as plain JSON types.
 *
 * Field names and wire values are exactly the service's. Step arguments are the request of the SageMaker API call
 * the step makes (CreateProcessingJob, CreateTrainingJob, CreateModel, CreateModelPackage), with expressions allowed
 * in any value.
 */

export type JsonPrimitive = string | number | boolean | null;
export type Json = JsonPrimitive | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const DEFINITION_VERSION = '2020-12-01';

export const StepType = {
  Processing: 'Processing',
  Training: 'Training',
  Condition: 'Condition',
  Model: 'Model',
  RegisterModel: 'RegisterModel',
  Fail: 'Fail',
  Transform: 'Transform',
  Tuning: 'Tuning',
  Lambda: 'Lambda',
  Callback: 'Callback',
} as const;
export type StepType = (typeof StepType)[keyof typeof StepType];
export const STEP_TYPES: readonly StepType[] = Object.values(StepType);

/** Step types a definition may hold that only SageMaker runs (the loader accepts them; the local engine refuses them). */
export const AwsOnlyStepType = {
  ClarifyCheck: 'ClarifyCheck',
  QualityCheck: 'QualityCheck',
  EMR: 'EMR',
  AutoML: 'AutoML',
  Endpoint: 'Endpoint',
  EndpointConfig: 'EndpointConfig',
} as const;
export type AwsOnlyStepType = (typeof AwsOnlyStepType)[keyof typeof AwsOnlyStepType];
export const AWS_ONLY_STEP_TYPES: readonly AwsOnlyStepType[] = Object.values(AwsOnlyStepType);
/** Every `Type` the loader accepts. */
export type LoadableStepType = StepType | AwsOnlyStepType;

export const ParameterType = {
  String: 'String',
  Integer: 'Integer',
  Float: 'Float',
  Boolean: 'Boolean',
} as const;
export type ParameterType = (typeof ParameterType)[keyof typeof ParameterType];

export const ConditionType = {
  Equals: 'Equals',
  NotEquals: 'NotEquals',
  GreaterThan: 'GreaterThan',
  GreaterThanOrEqualTo: 'GreaterThanOrEqualTo',
  LessThan: 'LessThan',
  LessThanOrEqualTo: 'LessThanOrEqualTo',
  In: 'In',
  Not: 'Not',
  Or: 'Or',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];
export const BINARY_CONDITION_TYPES = [
  ConditionType.Equals,
  ConditionType.NotEquals,
  ConditionType.GreaterThan,
  ConditionType.GreaterThanOrEqualTo,
  ConditionType.LessThan,
  ConditionType.LessThanOrEqualTo,
] as const;
export type BinaryConditionType = (typeof BINARY_CONDITION_TYPES)[number];

export const EXECUTION_VARIABLES = [
  'PipelineExecutionId',
  'PipelineExecutionArn',
  'StartDateTime',
  'CurrentDateTime',
  'PipelineName',
  'PipelineArn',
] as const;
export type ExecutionVariableName = (typeof EXECUTION_VARIABLES)[number];

export interface GetExpression {
  readonly Get: string;
}
export interface JoinExpression {
  readonly 'Std:Join': { readonly On: string; readonly Values: readonly Json[] };
}
export interface JsonGetExpression {
  readonly 'Std:JsonGet': { readonly PropertyFile: GetExpression | string; readonly Path: string };
}

export interface ParameterDefinition {
  readonly Name: string;
  readonly Type: ParameterType;
  readonly DefaultValue?: string | number | boolean;
  readonly EnumValues?: readonly string[];
  readonly Description?: string;
}

export type ConditionDefinition =
  | { readonly Type: BinaryConditionType; readonly LeftValue: Json; readonly RightValue: Json }
  | { readonly Type: 'In'; readonly QueryValue: Json; readonly Values: readonly Json[] }
  | { readonly Type: 'Not'; readonly Condition: ConditionDefinition }
  | { readonly Type: 'Or'; readonly Conditions: readonly ConditionDefinition[] };

/**
 * Conditions as the service writes them: the Python SDK nests their fields under `Arguments` for In/Not/Or
 * (`{"Type": "Not", "Arguments": {"Condition": …}}`), binary ones carry them at the top. Both forms are accepted.
 */
export type WireCondition = JsonObject;

export interface RetryPolicyDefinition {
  readonly ExceptionType: readonly string[];
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxAttempts?: number;
  readonly ExpireAfterMin?: number;
}

export interface CacheConfigDefinition {
  readonly Enabled: boolean;
  readonly ExpireAfter?: string;
}

export interface PropertyFileDefinition {
  readonly PropertyFileName: string;
  readonly OutputName: string;
  readonly FilePath: string;
}

/** A declared output of a Lambda or Callback step (`OutputParameters`, beside `Arguments`). */
export interface OutputParameterDefinition {
  readonly OutputName: string;
  /** @default 'String' */
  readonly OutputType?: ParameterType;
}

export interface StepDefinition {
  readonly Name: string;
  readonly Type: string;
  readonly DisplayName?: string;
  readonly Description?: string;
  readonly DependsOn?: readonly string[];
  readonly Arguments: JsonObject;
  readonly CacheConfig?: CacheConfigDefinition;
  readonly RetryPolicies?: readonly RetryPolicyDefinition[];
  readonly PropertyFiles?: readonly PropertyFileDefinition[];
  /** Lambda steps: the function to invoke. */
  readonly FunctionArn?: string;
  /** Callback steps: the queue the service sends the token to. */
  readonly SqsQueueUrl?: string;
  /** Lambda and Callback steps: the outputs the function or the callback returns. */
  readonly OutputParameters?: readonly OutputParameterDefinition[];
}

export interface PipelineDefinition {
  readonly Version: string;
  readonly Metadata?: JsonObject;
  readonly Parameters?: readonly ParameterDefinition[];
  readonly PipelineExperimentConfig?: JsonObject;
  readonly Steps: readonly StepDefinition[];
}
