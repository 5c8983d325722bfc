/**
 * The definition loader: reads any pipeline definition JSON (sagepipe's, hand-written, the Python SDK's), validates it
 * against the corrected schema and for meaning (names, references, property files, condition types, cycles), and
 * builds its step graph. All problems are reported at once, each with its JSON path.
 */
import { resolvePolicies } from './policies.ts';
import { ErrorCode, type Issue, SagepipeError } from '../errors.ts';
import { findCycle } from './cycles.ts';
import { type GraphNode, type StepGraph, topologicalOrder } from './graph.ts';
import { PROPERTY_SHAPES, parsePropertyPath, resolveShape, selectedOutputName } from './property-shapes.ts';
import { type DefinitionReference, collectReferences, isPlainObject, parseGet } from './references.ts';
import { type SchemaValidator, createSchemaValidator } from './schema.ts';
import {
  EXECUTION_VARIABLES,
  type Json,
  type ParameterDefinition,
  type PipelineDefinition,
  type StepDefinition,
  STEP_TYPES,
  type StepType,
} from './types.ts';
import { normalizeConditions } from './conditions.ts';
import { jsonErrorPosition } from './json-position.ts';
import { isIsoDuration } from './duration.ts';
import { requestIssues, tooDeep } from './limits.ts';

export interface LoadedDefinition {
  readonly definition: PipelineDefinition;
  readonly graph: StepGraph;
  readonly parameters: ReadonlyMap<string, ParameterDefinition>;
}

export interface LoadOptions {
  /** Named in errors: the file the definition came from. @default '<definition>' */
  readonly source?: string;
  /** Reuse a compiled validator across loads. @default a new one */
  readonly validator?: SchemaValidator;
}

let sharedValidator: SchemaValidator | undefined;
function validatorFor(options: LoadOptions): SchemaValidator {
  if (options.validator) return options.validator;
  sharedValidator ??= createSchemaValidator();
  return sharedValidator;
}

/** Parses definition text; a JSON syntax error is reported with its line and column. */
export function loadDefinitionText(text: string, options: LoadOptions = {}): LoadedDefinition {
  const source = options.source ?? '<definition>';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = jsonErrorPosition(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    throw new SagepipeError(ErrorCode.DefinitionInvalid, `${source}: not valid JSON${where}: ${message}`, { path: source });
  }
  return loadDefinition(value, options);
}

interface FlatStep {
  readonly step: StepDefinition;
  readonly path: string;
  readonly branch: GraphNode['branch'];
}

export function loadDefinition(value: unknown, options: LoadOptions = {}): LoadedDefinition {
  const source = options.source ?? '<definition>';
  const validator = validatorFor(options);
  const issues: Issue[] = [];
  const fail = () =>
    new SagepipeError(ErrorCode.DefinitionInvalid, `${source}: ${issues.length} error${issues.length === 1 ? '' : 's'} in the definition`, {
      issues,
      path: source,
    });

  if (!isPlainObject(value)) {
    issues.push({ path: '', message: 'a definition must be a JSON object with Version and Steps' });
    throw fail();
  }
  // Before anything recursive walks it.
  const deep = tooDeep(value);
  if (deep) {
    issues.push(deep);
    throw fail();
  }
  if (value.Version === undefined) issues.push({ path: 'Version', message: "missing required field 'Version' (\"2020-12-01\")" });
  issues.push(...validator.validateTop(value));
  if (!Array.isArray(value.Steps)) {
    if (!issues.some((i) => i.path.startsWith('.Steps') || i.message.includes("'Steps'"))) {
      issues.push({ path: 'Steps', message: 'Steps must be a list of steps' });
    }
    throw fail();
  }

  // Flatten condition branches, validating each step against its type's schema.
  const flat: FlatStep[] = [];
  const visit = (steps: Json[], base: string, branch: GraphNode['branch']) => {
    steps.forEach((raw, i) => {
      const path = `${base}[${i}]`;
      if (!isPlainObject(raw) || typeof raw.Name !== 'string' || typeof raw.Type !== 'string') {
        issues.push({ path, message: 'a step must be an object with a Name and a Type' });
        return;
      }
      issues.push(...validator.validateStep(raw, path), ...requestIssues(raw.Type, raw.Arguments, path));
      const step = raw as unknown as StepDefinition;
      flat.push({ step, path, branch });
      if (step.Type === 'Condition' && isPlainObject(step.Arguments)) {
        for (const key of ['IfSteps', 'ElseSteps'] as const) {
          const list = step.Arguments[key];
          if (Array.isArray(list)) visit(list, `${path}.Arguments.${key}`, { condition: step.Name, branch: key });
        }
      }
    });
  };
  visit(value.Steps as Json[], 'Steps', undefined);

  const parameters = new Map<string, ParameterDefinition>();
  if (Array.isArray(value.Parameters)) {
    value.Parameters.forEach((p, i) => {
      if (!isPlainObject(p) || typeof p.Name !== 'string') return;
      const def = { ...(p as unknown as ParameterDefinition), Type: (p.Type as ParameterDefinition['Type']) ?? 'String' };
      if (parameters.has(def.Name)) issues.push({ path: `Parameters[${i}].Name`, message: `duplicate parameter '${def.Name}'` });
      parameters.set(def.Name, def);
      if (def.EnumValues && def.DefaultValue !== undefined && !def.EnumValues.includes(String(def.DefaultValue))) {
        issues.push({ path: `Parameters[${i}].DefaultValue`, message: `default '${String(def.DefaultValue)}' is not one of ${def.EnumValues.join(', ')}` });
      }
    });
  }

  const byName = new Map<string, FlatStep>();
  for (const f of flat) {
    const other = byName.get(f.step.Name);
    if (other) issues.push({ path: `${f.path}.Name`, message: `duplicate step name '${f.step.Name}' (also at ${other.path})` });
    else byName.set(f.step.Name, f);
  }

  const deps = new Map<string, Set<string>>();
  for (const f of flat) {
    const set = new Set<string>();
    deps.set(f.step.Name, set);
    if (f.branch) set.add(f.branch.condition);
    (f.step.DependsOn ?? []).forEach((d, i) => {
      if (!byName.has(d)) issues.push({ path: `${f.path}.DependsOn[${i}]`, message: `depends on step '${d}', which is not in the definition` });
      else if (d !== f.step.Name) set.add(d);
    });
    // A condition's branch steps are checked as steps of their own; its references are in its Conditions.
    const refs =
      f.step.Type === 'Condition' && isPlainObject(f.step.Arguments)
        ? collectReferences(f.step.Arguments.Conditions as Json, `${f.path}.Arguments.Conditions`)
        : collectReferences(f.step.Arguments as Json, `${f.path}.Arguments`);
    for (const ref of refs) checkReference(ref, f, byName, parameters, issues, set);
    if (f.step.Type === 'Condition' && isPlainObject(f.step.Arguments)) {
      checkConditionTypes(f, byName, parameters, issues);
    }
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

  const cycle = findCycle([...deps.keys()], (n) => [...(deps.get(n) ?? [])]);
  if (cycle) issues.push({ path: 'Steps', message: `dependency cycle: ${cycle.join(' -> ')}` });

  if (issues.length > 0) throw fail();

  const nodes = new Map<string, GraphNode>();
  for (const f of flat) {
    nodes.set(f.step.Name, {
      name: f.step.Name,
      type: f.step.Type,
      definition: f.step,
      path: f.path,
      dependsOn: [...(deps.get(f.step.Name) ?? [])].sort(),
      branch: f.branch,
      policies: resolvePolicies(f.step, f.path),
    });
  }
  return { definition: value as unknown as PipelineDefinition, graph: { nodes, order: topologicalOrder(nodes) }, parameters };
}

function outputNames(step: StepDefinition): string[] {
  const config = step.Arguments.ProcessingOutputConfig;
  const outputs = isPlainObject(config) && Array.isArray(config.Outputs) ? config.Outputs : [];
  return outputs.flatMap((o) => (isPlainObject(o) && typeof o.OutputName === 'string' ? [o.OutputName] : []));
}

/** `OutputParameters['x']` of a Lambda or Callback step must name one of its declared outputs. */
function outputParameterCheck(step: StepDefinition, propertyPath: string): string | undefined {
  if (step.Type !== 'Lambda' && step.Type !== 'Callback') return undefined;
  const name = /^OutputParameters\['([^']*)'\]$/.exec(propertyPath)?.[1];
  if (name === undefined) return undefined;
  const declared = (step.OutputParameters ?? []).map((o) => o.OutputName);
  return declared.includes(name) ? undefined : `step '${step.Name}' declares no output parameter '${name}' (declared: ${declared.join(', ') || 'none'})`;
}

/** The declared type of a Lambda or Callback step's output parameter. */
function declaredOutputType(step: StepDefinition, propertyPath: string): OperandType | undefined {
  if (step.Type !== 'Lambda' && step.Type !== 'Callback') return undefined;
  const name = /^OutputParameters\['([^']*)'\]$/.exec(propertyPath)?.[1];
  const found = (step.OutputParameters ?? []).find((o) => o.OutputName === name);
  return found ? (found.OutputType ?? 'String') : undefined;
}

function checkReference(
  ref: DefinitionReference,
  from: FlatStep,
  byName: ReadonlyMap<string, FlatStep>,
  parameters: ReadonlyMap<string, ParameterDefinition>,
  issues: Issue[],
  deps: Set<string>,
): void {
  switch (ref.kind) {
    case 'malformed':
      issues.push({ path: ref.path, message: ref.reason });
      return;
    case 'parameter':
      if (!parameters.has(ref.name)) issues.push({ path: ref.path, message: `parameter '${ref.name}' is not defined in Parameters` });
      return;
    case 'execution':
      if (!(EXECUTION_VARIABLES as readonly string[]).includes(ref.name)) {
        issues.push({ path: ref.path, message: `unknown execution variable '${ref.name}' (known: ${EXECUTION_VARIABLES.join(', ')})` });
      }
      return;
    case 'step': {
      const target = byName.get(ref.step);
      if (!target) {
        issues.push({ path: ref.path, message: `refers to step '${ref.step}', which is not in the definition` });
        return;
      }
      if (ref.step === from.step.Name) {
        issues.push({ path: ref.path, message: `step '${ref.step}' refers to its own properties` });
        return;
      }
      deps.add(ref.step);
      const segments = parsePropertyPath(ref.propertyPath);
      if (!segments) {
        issues.push({ path: ref.path, message: `malformed property path '${ref.propertyPath}'` });
        return;
      }
      const shape = (STEP_TYPES as readonly string[]).includes(target.step.Type) ? PROPERTY_SHAPES[target.step.Type as StepType] : undefined;
      if (shape) {
        const resolved = resolveShape(shape, segments);
        if ('error' in resolved) issues.push({ path: ref.path, message: `Steps.${ref.step}.${ref.propertyPath}: ${resolved.error} (a ${target.step.Type} step)` });
      }
      const declaredOutput = outputParameterCheck(target.step, ref.propertyPath);
      if (declaredOutput) issues.push({ path: ref.path, message: `Steps.${ref.step}.${ref.propertyPath}: ${declaredOutput}` });
      const output = target.step.Type === 'Processing' ? selectedOutputName(ref.propertyPath) : undefined;
      const outputs = outputNames(target.step);
      if (output !== undefined && !outputs.includes(output)) {
        issues.push({ path: ref.path, message: `Steps.${ref.step}.${ref.propertyPath}: step '${ref.step}' has no output '${output}' (outputs: ${outputs.join(', ') || 'none'})` });
      }
      return;
    }
    case 'propertyFile': {
      const target = byName.get(ref.step);
      if (!target) {
        issues.push({ path: ref.path, message: `Std:JsonGet reads step '${ref.step}', which is not in the definition` });
        return;
      }
      deps.add(ref.step);
      const declared = (target.step.PropertyFiles ?? []).map((p) => p.PropertyFileName);
      if (!declared.includes(ref.file)) {
        issues.push({ path: ref.path, message: `Std:JsonGet reads property file '${ref.file}', which step '${ref.step}' does not declare (declared: ${declared.join(', ') || 'none'})` });
      }
      return;
    }
    default: {
      const never: never = ref;
      return never;
    }
  }
}

type OperandType = 'String' | 'Integer' | 'Float' | 'Boolean' | 'Any';

function operandType(
  value: Json,
  byName: ReadonlyMap<string, FlatStep>,
  parameters: ReadonlyMap<string, ParameterDefinition>,
): OperandType {
  if (typeof value === 'string') return 'String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (typeof value === 'boolean') return 'Boolean';
  if (!isPlainObject(value)) return 'Any';
  if ('Std:Join' in value) return 'String';
  if (typeof value.Get === 'string') {
    const parsed = parseGet(value.Get);
    if (parsed.kind === 'parameter') return parameters.get(parsed.name)?.Type ?? 'Any';
    if (parsed.kind === 'execution') return 'String';
    if (parsed.kind === 'step') {
      const target = byName.get(parsed.step);
      const shape = target && (STEP_TYPES as readonly string[]).includes(target.step.Type) ? PROPERTY_SHAPES[target.step.Type as StepType] : undefined;
      const segments = parsePropertyPath(parsed.propertyPath);
      const declared = target ? declaredOutputType(target.step, parsed.propertyPath) : undefined;
      if (declared) return declared;
      if (shape && segments) {
        const r = resolveShape(shape, segments);
        if ('shape' in r && r.shape.kind === 'scalar') return r.shape.type;
      }
    }
  }
  return 'Any';
}

function comparable(a: OperandType, b: OperandType): boolean {
  if (a === 'Any' || b === 'Any') return true;
  const numeric = (t: OperandType) => t === 'Integer' || t === 'Float';
  return (numeric(a) && numeric(b)) || a === b;
}

function checkConditionTypes(
  f: FlatStep,
  byName: ReadonlyMap<string, FlatStep>,
  parameters: ReadonlyMap<string, ParameterDefinition>,
  issues: Issue[],
): void {
  const conditions = f.step.Arguments.Conditions;
  if (!Array.isArray(conditions)) return;
  const { conditions: normalized, issues: shapeIssues } = normalizeConditions(conditions, `${f.path}.Arguments.Conditions`);
  issues.push(...shapeIssues);
  const visit = (c: (typeof normalized)[number]): void => {
    switch (c.type) {
      case 'Not':
        visit(c.condition);
        return;
      case 'Or':
        c.conditions.forEach(visit);
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
  };
  normalized.forEach(visit);
}
