/**
 * The checks of a definition's meaning that need only its JSON, shared by the loader and the SDK (which runs them on
 * the definition it renders): parameters, step names, DependsOn, references (parsed once into expressions here),
 * property files, comparable condition operands, cache durations and cycles. Every problem is gathered, each with
 * its JSON path. No schema and no ajv here: the SDK entry imports this module and must stay light.
 */
import type { Issue } from '../errors.ts';
import { type CompiledCondition, normalizeConditions } from './conditions.ts';
import { findCycle } from './cycles.ts';
import { isIsoDuration } from './duration.ts';
import { type Expr, type ParseOutput, type ReferenceExpr, parseExpr } from './expressions.ts';
import type { BranchInfo } from './graph.ts';
import { PROPERTY_SHAPES, resolveShape, selectedOutputName } from './property-shapes.ts';
import { isPlainObject } from './references.ts';
import { EXECUTION_VARIABLES, type ParameterDefinition, type PipelineDefinition, STEP_TYPES, type StepDefinition, type StepType } from './types.ts';

/** A step where it stands in the definition (condition branches flattened). */
export interface StepSite {
  readonly step: StepDefinition;
  /** `Steps[2]` or `Steps[3].Arguments.IfSteps[0]`. */
  readonly path: string;
  readonly branch: BranchInfo | undefined;
}

/** What the checks parsed of a step: its expressions, and the steps it waits for. */
export type ParsedStep =
  | { readonly kind: 'condition'; readonly conditions: readonly CompiledCondition[]; readonly dependsOn: ReadonlySet<string> }
  | { readonly kind: 'arguments'; readonly arguments: Expr; readonly dependsOn: ReadonlySet<string> };

export interface CheckedSteps {
  readonly parsed: ReadonlyMap<string, ParsedStep>;
}

/** Walks the steps, branches right after their condition step (in definition order). */
export function flattenSteps(steps: readonly unknown[], visit: (raw: unknown, path: string, branch: BranchInfo | undefined) => StepDefinition | undefined): void {
  const walk = (list: readonly unknown[], base: string, branch: BranchInfo | undefined) => {
    list.forEach((raw, i) => {
      const path = `${base}[${i}]`;
      const step = visit(raw, path, branch);
      if (step?.Type !== 'Condition' || !isPlainObject(step.Arguments)) return;
      for (const key of ['IfSteps', 'ElseSteps'] as const) {
        const nested = step.Arguments[key];
        if (Array.isArray(nested)) walk(nested, `${path}.Arguments.${key}`, { condition: step.Name, branch: key });
      }
    });
  };
  walk(steps, 'Steps', undefined);
}

/** Parameters by name; duplicates and defaults outside their enum are issues. */
/**
 * Every step of a definition that passed the loader (a stored one, one the SDK rendered), condition branches
 * flattened, in definition order.
 */
export function definitionSteps(definition: PipelineDefinition): StepSite[] {
  const out: StepSite[] = [];
  flattenSteps(definition.Steps, (raw, path, branch) => {
    // Loaded definitions were checked against the schema: each entry is a step.
    const step = raw as StepDefinition;
    out.push({ step, path, branch });
    return step;
  });
  return out;
}

export function checkParameters(list: unknown, issues: Issue[]): Map<string, ParameterDefinition> {
  const parameters = new Map<string, ParameterDefinition>();
  if (!Array.isArray(list)) return parameters;
  list.forEach((p, i) => {
    if (!isPlainObject(p) || typeof p.Name !== 'string') return;
    const EnumValues = Array.isArray(p.EnumValues) ? p.EnumValues.map(String) : undefined;
    const DefaultValue = typeof p.DefaultValue === 'string' || typeof p.DefaultValue === 'number' || typeof p.DefaultValue === 'boolean' ? p.DefaultValue : undefined;
    const Type = p.Type === 'Integer' || p.Type === 'Float' || p.Type === 'Boolean' ? p.Type : 'String';
    const def: ParameterDefinition = {
      Name: p.Name,
      Type,
      ...(DefaultValue === undefined ? {} : { DefaultValue }),
      ...(EnumValues === undefined ? {} : { EnumValues }),
      ...(typeof p.Description === 'string' ? { Description: p.Description } : {}),
    };
    if (parameters.has(def.Name)) issues.push({ path: `Parameters[${i}].Name`, message: `duplicate parameter '${def.Name}'` });
    parameters.set(def.Name, def);
    if (EnumValues && DefaultValue !== undefined && !EnumValues.includes(String(DefaultValue))) {
      issues.push({ path: `Parameters[${i}].DefaultValue`, message: `default '${String(DefaultValue)}' is not one of ${EnumValues.join(', ')}` });
    }
  });
  return parameters;
}

/** Checks every step against the others and the parameters; returns what it parsed. */
export function checkSteps(sites: readonly StepSite[], parameters: ReadonlyMap<string, ParameterDefinition>, issues: Issue[]): CheckedSteps {
  const byName = new Map<string, StepSite>();
  for (const f of sites) {
    const other = byName.get(f.step.Name);
    if (other) issues.push({ path: `${f.path}.Name`, message: `duplicate step name '${f.step.Name}' (also at ${other.path})` });
    else byName.set(f.step.Name, f);
  }

  const parsed = new Map<string, ParsedStep>();
  for (const f of sites) {
    const deps = new Set<string>();
    if (f.branch) deps.add(f.branch.condition);
    (f.step.DependsOn ?? []).forEach((d, i) => {
      if (!byName.has(d)) issues.push({ path: `${f.path}.DependsOn[${i}]`, message: `depends on step '${d}', which is not in the definition` });
      else if (d !== f.step.Name) deps.add(d);
    });
    const args = isPlainObject(f.step.Arguments) ? f.step.Arguments : {};
    // Parsing reports malformed references and finds the others, with their paths, for the checks below.
    const out: ParseOutput = { issues, references: [] };
    // A condition's branch steps are checked as steps of their own; its references are in its Conditions.
    const step: ParsedStep =
      f.step.Type === 'Condition'
        ? { kind: 'condition', conditions: normalizeConditions(Array.isArray(args.Conditions) ? args.Conditions : [], `${f.path}.Arguments.Conditions`, out).conditions, dependsOn: deps }
        : { kind: 'arguments', arguments: parseExpr(args, `${f.path}.Arguments`, out), dependsOn: deps };
    for (const { ref, path } of out.references) checkReference(ref, path, f, byName, parameters, issues, deps);
    if (step.kind === 'condition') step.conditions.forEach((c) => checkConditionTypes(c, byName, parameters, issues));
    parsed.set(f.step.Name, step);
    const expire = f.step.CacheConfig?.ExpireAfter;
    if (typeof expire === 'string' && !isIsoDuration(expire)) {
      issues.push({ path: `${f.path}.CacheConfig.ExpireAfter`, message: `'${expire}' is not an ISO-8601 duration (e.g. P30D, PT12H)` });
    }
    (f.step.PropertyFiles ?? []).forEach((pf, i) => {
      const outputs = outputNames(f.step);
      if (!outputs.includes(pf.OutputName)) {
        issues.push({ path: `${f.path}.PropertyFiles[${i}].OutputName`, message: `property file '${pf.PropertyFileName}' reads output '${pf.OutputName}', which step '${f.step.Name}' does not have (outputs: ${outputs.join(', ') || 'none'})` });
      }
    });
  }

  const cycle = findCycle([...parsed.keys()], (n) => [...(parsed.get(n)?.dependsOn ?? [])]);
  if (cycle) issues.push({ path: 'Steps', message: `dependency cycle: ${cycle.join(' -> ')}` });
  return { parsed };
}

/** The names of a Processing step's outputs. */
export function outputNames(step: StepDefinition): string[] {
  const config = isPlainObject(step.Arguments) ? step.Arguments.ProcessingOutputConfig : undefined;
  const outputs = isPlainObject(config) && Array.isArray(config.Outputs) ? config.Outputs : [];
  return outputs.flatMap((o) => (isPlainObject(o) && typeof o.OutputName === 'string' ? [o.OutputName] : []));
}

const OUTPUT_PARAMETER = /^OutputParameters\['([^']*)'\]$/;

/** `OutputParameters['x']` of a Lambda or Callback step must name one of its declared outputs. */
function outputParameterCheck(step: StepDefinition, propertyPath: string): string | undefined {
  if (step.Type !== 'Lambda' && step.Type !== 'Callback') return undefined;
  const name = OUTPUT_PARAMETER.exec(propertyPath)?.[1];
  if (name === undefined) return undefined;
  const declared = (step.OutputParameters ?? []).map((o) => o.OutputName);
  return declared.includes(name) ? undefined : `step '${step.Name}' declares no output parameter '${name}' (declared: ${declared.join(', ') || 'none'})`;
}

/** The declared type of a Lambda or Callback step's output parameter. */
function declaredOutputType(step: StepDefinition, propertyPath: string): OperandType | undefined {
  if (step.Type !== 'Lambda' && step.Type !== 'Callback') return undefined;
  const name = OUTPUT_PARAMETER.exec(propertyPath)?.[1];
  const found = (step.OutputParameters ?? []).find((o) => o.OutputName === name);
  return found ? (found.OutputType ?? 'String') : undefined;
}

const isStepType = (type: string): type is StepType => (STEP_TYPES as readonly string[]).includes(type);

function checkReference(
  ref: ReferenceExpr,
  path: string,
  from: StepSite,
  byName: ReadonlyMap<string, StepSite>,
  parameters: ReadonlyMap<string, ParameterDefinition>,
  issues: Issue[],
  deps: Set<string>,
): void {
  switch (ref.kind) {
    case 'parameter':
      if (!parameters.has(ref.name)) issues.push({ path, message: `parameter '${ref.name}' is not defined in Parameters` });
      return;
    case 'execution':
      if (!(EXECUTION_VARIABLES as readonly string[]).includes(ref.name)) {
        issues.push({ path, message: `unknown execution variable '${ref.name}' (known: ${EXECUTION_VARIABLES.join(', ')})` });
      }
      return;
    case 'stepProperty': {
      const target = byName.get(ref.step);
      if (!target) {
        issues.push({ path, message: `refers to step '${ref.step}', which is not in the definition` });
        return;
      }
      if (ref.step === from.step.Name) {
        issues.push({ path, message: `step '${ref.step}' refers to its own properties` });
        return;
      }
      deps.add(ref.step);
      if (!ref.segments) {
        issues.push({ path, message: `malformed property path '${ref.propertyPath}'` });
        return;
      }
      if (isStepType(target.step.Type)) {
        const resolved = resolveShape(PROPERTY_SHAPES[target.step.Type], ref.segments);
        if ('error' in resolved) issues.push({ path, message: `Steps.${ref.step}.${ref.propertyPath}: ${resolved.error} (a ${target.step.Type} step)` });
      }
      const declaredOutput = outputParameterCheck(target.step, ref.propertyPath);
      if (declaredOutput) issues.push({ path, message: `Steps.${ref.step}.${ref.propertyPath}: ${declaredOutput}` });
      const output = target.step.Type === 'Processing' ? selectedOutputName(ref.propertyPath) : undefined;
      const outputs = outputNames(target.step);
      if (output !== undefined && !outputs.includes(output)) {
        issues.push({ path, message: `Steps.${ref.step}.${ref.propertyPath}: step '${ref.step}' has no output '${output}' (outputs: ${outputs.join(', ') || 'none'})` });
      }
      return;
    }
    case 'jsonGet': {
      const target = byName.get(ref.step);
      if (!target) {
        issues.push({ path, message: `Std:JsonGet reads step '${ref.step}', which is not in the definition` });
        return;
      }
      deps.add(ref.step);
      if (target.step.Type !== 'Processing') {
        issues.push({ path, message: `Std:JsonGet reads step '${ref.step}', which is a ${target.step.Type} step: only Processing steps have property files` });
        return;
      }
      const declared = (target.step.PropertyFiles ?? []).map((p) => p.PropertyFileName);
      if (!declared.includes(ref.file)) {
        issues.push({ path, message: `Std:JsonGet reads property file '${ref.file}', which step '${ref.step}' does not declare (declared: ${declared.join(', ') || 'none'})` });
      }
      return;
    }
    default: {
      const never: never = ref;
      return never;
    }
  }
}

/** The value type of a condition operand, as far as the definition says (`Any`: known only when it runs). */
export type OperandType = 'String' | 'Integer' | 'Float' | 'Boolean' | 'Any';

export function operandType(value: Expr, byName: ReadonlyMap<string, StepSite>, parameters: ReadonlyMap<string, ParameterDefinition>): OperandType {
  switch (value.kind) {
    case 'literal': {
      const v = value.value;
      if (typeof v === 'string') return 'String';
      if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Float';
      if (typeof v === 'boolean') return 'Boolean';
      return 'Any';
    }
    case 'join':
      return 'String';
    case 'parameter':
      return parameters.get(value.name)?.Type ?? 'Any';
    case 'execution':
      return 'String';
    case 'stepProperty': {
      const target = byName.get(value.step);
      if (!target) return 'Any';
      const declared = declaredOutputType(target.step, value.propertyPath);
      if (declared) return declared;
      if (isStepType(target.step.Type) && value.segments) {
        const r = resolveShape(PROPERTY_SHAPES[target.step.Type], value.segments);
        if ('shape' in r && r.shape.kind === 'scalar') return r.shape.type;
      }
      return 'Any';
    }
    case 'jsonGet':
    case 'template':
      return 'Any';
    default: {
      const never: never = value;
      return never;
    }
  }
}

/** Numbers compare with numbers, other types only with themselves, `Any` with anything. */
export function comparable(a: OperandType, b: OperandType): boolean {
  if (a === 'Any' || b === 'Any') return true;
  const numeric = (t: OperandType) => t === 'Integer' || t === 'Float';
  return (numeric(a) && numeric(b)) || a === b;
}

function checkConditionTypes(
  c: CompiledCondition,
  byName: ReadonlyMap<string, StepSite>,
  parameters: ReadonlyMap<string, ParameterDefinition>,
  issues: Issue[],
): void {
  switch (c.type) {
    case 'Not':
      checkConditionTypes(c.condition, byName, parameters, issues);
      return;
    case 'Or':
      c.conditions.forEach((inner) => checkConditionTypes(inner, byName, parameters, issues));
      return;
    case 'In': {
      const q = operandType(c.queryValue, byName, parameters);
      c.values.forEach((v) => {
        const t = operandType(v, byName, parameters);
        if (!comparable(q, t)) issues.push({ path: c.path, message: `In compares ${q} with ${t}` });
      });
      return;
    }
    default: {
      const l = operandType(c.left, byName, parameters);
      const r = operandType(c.right, byName, parameters);
      if (!comparable(l, r)) issues.push({ path: c.path, message: `${c.type} compares ${l} with ${r}` });
    }
  }
}
