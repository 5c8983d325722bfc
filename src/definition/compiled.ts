/**
 * The compiled definition: what the loader returns once a definition has passed every check. Each step is a variant
 * of a union on its `type` (the wire `StepType`) carrying what the engine needs already parsed: its dependencies
 * (DependsOn, references, the condition of its branch), an expression tree for every value that may hold a reference
 * (`Expr`), conditions as a typed tree, and its cache and retry policies with every default filled in. The raw step
 * stays in `definition`: the backend sends its Arguments (after substitution) to SageMaker or the local runner.
 */
import type { ParsedStep } from './checks.ts';
import type { CompiledCondition } from './conditions.ts';
import type { Expr } from './expressions.ts';
import type { BranchInfo, StepGraph } from './graph.ts';
import { type StepPolicies, resolvePolicies } from './policies.ts';
import type {
  AwsOnlyStepType,
  Json,
  ParameterDefinition,
  ParameterType,
  PipelineDefinition,
  PropertyFileDefinition,
  StepDefinition,
} from './types.ts';

interface CompiledStepBase {
  readonly name: string;
  /** The step as written (Arguments unsubstituted). */
  readonly definition: StepDefinition;
  /** JSON path of the step in the definition. */
  readonly path: string;
  /** Steps that must succeed first: DependsOn, every reference, and the condition of its branch. Sorted. */
  readonly dependsOn: readonly string[];
  readonly branch: BranchInfo | undefined;
  /** Caching and retries, resolved with their defaults. */
  readonly policies: StepPolicies;
}

/** A declared output of a Lambda or Callback step, its type defaulted. */
export interface CompiledOutputParameter {
  readonly name: string;
  readonly type: ParameterType;
}

/** The steps that run one SageMaker job or API call with their substituted Arguments as the request. */
export type JobStepType = 'Training' | 'Transform' | 'Tuning' | 'Model' | 'RegisterModel';

/** One variant per type (distributed), so `Extract<CompiledStep, { type: 'Training' }>` names it. */
type PerType<T extends string, Fields> = T extends string ? CompiledStepBase & { readonly type: T } & Fields : never;

export type CompiledStep =
  | (CompiledStepBase & {
      readonly type: 'Processing';
      /** The Arguments, parsed. */
      readonly arguments: Expr;
      readonly propertyFiles: readonly PropertyFileDefinition[];
    })
  | PerType<JobStepType, { readonly arguments: Expr }>
  | (CompiledStepBase & {
      readonly type: 'Lambda';
      readonly arguments: Expr;
      readonly functionArn: string;
      readonly outputParameters: readonly CompiledOutputParameter[];
    })
  | (CompiledStepBase & {
      readonly type: 'Callback';
      readonly arguments: Expr;
      readonly sqsQueueUrl: string;
      readonly outputParameters: readonly CompiledOutputParameter[];
    })
  | (CompiledStepBase & {
      readonly type: 'Condition';
      /** All must hold for the IfSteps to run. */
      readonly conditions: readonly CompiledCondition[];
      readonly ifSteps: readonly string[];
      readonly elseSteps: readonly string[];
    })
  | (CompiledStepBase & { readonly type: 'Fail'; readonly errorMessage: Expr })
  /** Loads and runs on SageMaker; the local engine refuses it before an execution starts (engine/runnable.ts). */
  | PerType<AwsOnlyStepType, unknown>;

export interface CompiledDefinition {
  /** The definition as written: what is stored with an execution and sent to SageMaker. */
  readonly definition: PipelineDefinition;
  readonly graph: StepGraph;
  readonly parameters: ReadonlyMap<string, ParameterDefinition>;
}

/** The value at `key` of a parsed object (its Arguments), as an expression; undefined when absent. */
export function exprAt(expr: Expr, key: string): Expr | undefined {
  switch (expr.kind) {
    case 'literal': {
      const v = expr.value;
      const at = typeof v === 'object' && v !== null && !Array.isArray(v) ? v[key] : undefined;
      return at === undefined ? undefined : { kind: 'literal', value: at };
    }
    case 'template': {
      const v = expr.value;
      const at = typeof v === 'object' && v !== null && !Array.isArray(v) ? v[key] : undefined;
      const whole = expr.holes.find((h) => h.at.length === 1 && h.at[0] === key);
      if (whole) return whole.expr;
      const inside = expr.holes.filter((h) => h.at[0] === key).map((h) => ({ at: h.at.slice(1), expr: h.expr }));
      if (at === undefined) return undefined;
      return inside.length > 0 ? { kind: 'template', value: at, holes: inside } : { kind: 'literal', value: at };
    }
    default:
      return undefined;
  }
}

function outputParameters(step: StepDefinition): CompiledOutputParameter[] {
  return (step.OutputParameters ?? []).map((o) => ({ name: o.OutputName, type: o.OutputType ?? 'String' }));
}

function branchNames(step: StepDefinition, key: 'IfSteps' | 'ElseSteps'): string[] {
  const list: Json | undefined = step.Arguments[key];
  return Array.isArray(list) ? list.flatMap((s) => (typeof s === 'object' && s !== null && !Array.isArray(s) && typeof s.Name === 'string' ? [s.Name] : [])) : [];
}

export interface StepToCompile {
  readonly step: StepDefinition;
  readonly path: string;
  readonly branch: BranchInfo | undefined;
  readonly parsed: ParsedStep;
}

/**
 * For a step that passed the checks: its compiled form. Each variant is written out field by field (object spread
 * with added fields is several times slower in V8, and a 10,000-step definition compiles every step).
 */
export function compileStep({ step, path, branch, parsed }: StepToCompile): CompiledStep {
  const name = step.Name;
  const definition = step;
  const dependsOn = [...parsed.dependsOn].sort();
  const policies = resolvePolicies(step, path);
  const type = step.Type as CompiledStep['type'];
  if (parsed.kind === 'condition') {
    const conditions = parsed.conditions;
    return { name, definition, path, dependsOn, branch, policies, type: 'Condition', conditions, ifSteps: branchNames(step, 'IfSteps'), elseSteps: branchNames(step, 'ElseSteps') };
  }
  const args = parsed.arguments;
  switch (type) {
    case 'Processing':
      return { name, definition, path, dependsOn, branch, policies, type, arguments: args, propertyFiles: step.PropertyFiles ?? [] };
    case 'Training':
    case 'Transform':
    case 'Tuning':
    case 'Model':
    case 'RegisterModel':
      return { name, definition, path, dependsOn, branch, policies, type, arguments: args };
    case 'Lambda':
      return { name, definition, path, dependsOn, branch, policies, type, arguments: args, functionArn: step.FunctionArn ?? '', outputParameters: outputParameters(step) };
    case 'Callback':
      return { name, definition, path, dependsOn, branch, policies, type, arguments: args, sqsQueueUrl: step.SqsQueueUrl ?? '', outputParameters: outputParameters(step) };
    case 'Fail':
      return { name, definition, path, dependsOn, branch, policies, type, errorMessage: exprAt(args, 'ErrorMessage') ?? { kind: 'literal', value: '' } };
    case 'Condition':
      // Parsed as conditions above; a Condition step reaching here has no parsed conditions.
      return { name, definition, path, dependsOn, branch, policies, type, conditions: [], ifSteps: branchNames(step, 'IfSteps'), elseSteps: branchNames(step, 'ElseSteps') };
    case 'ClarifyCheck':
    case 'QualityCheck':
    case 'EMR':
    case 'AutoML':
    case 'Endpoint':
    case 'EndpointConfig':
      return { name, definition, path, dependsOn, branch, policies, type };
    default: {
      const never: never = type;
      return never;
    }
  }
}
