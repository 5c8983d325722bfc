/**
 * Synthesis of a pipeline into its definition, in named phases:
 *   collect  – every step, top level and inside condition branches, with its location;
 *   validate – every problem at once (names, references, property files, types, cycles), each with its path;
 *   render   – the definition JSON, deterministic (fixed key order, sorted DependsOn).
 */
import { type Issue, ErrorCode, SagepipeError } from '../errors.ts';
import { DEFINITION_VERSION, type Json, type JsonObject, type PipelineDefinition, type StepDefinition } from '../definition/types.ts';
import { findCycle } from '../definition/cycles.ts';
import { selectedOutputName } from '../definition/property-shapes.ts';
import { comparableTypes, operandType } from './conditions.ts';
import { type ExpressionReference, isExpression } from './expressions.ts';
import type { AnyParameter } from './parameters.ts';
import { propertyNodePath } from './properties.ts';
import { ConditionStep } from './steps/control.ts';
import { ProcessingStep } from './steps/processing.ts';
import { type ArgumentTree, type RenderContext, type Step, isStep } from './steps/step.ts';

const STEP_NAME = /^[A-Za-z0-9\-_]{1,64}$/;

interface Located {
  readonly step: Step;
  /** `Steps[2]` or `Steps[3].Arguments.IfSteps[0]` – where it lands in the definition. */
  readonly path: string;
  /** The condition step whose branch holds it, if any. */
  readonly parent: ConditionStep | undefined;
}

export interface SynthesisInput {
  readonly name: string;
  readonly parameters: readonly AnyParameter[];
  readonly steps: readonly Step[];
  readonly experimentConfig: JsonObject | undefined;
  readonly context: RenderContext;
}

export function synthesize(input: SynthesisInput): PipelineDefinition {
  const issues: Issue[] = [];
  const located = collect(input.steps, issues);
  validate(input, located, issues);
  if (issues.length > 0) {
    throw new SagepipeError(
      ErrorCode.PipelineInvalid,
      `pipeline '${input.name}' has ${issues.length} error${issues.length === 1 ? '' : 's'}`,
      { issues, path: input.name },
    );
  }
  return render(input);
}

// ---------------------------------------------------------------- collect

function collect(steps: readonly Step[], issues: Issue[]): Located[] {
  const out: Located[] = [];
  const seen = new Map<Step, string>();
  const visit = (list: readonly Step[], base: string, parent: ConditionStep | undefined) => {
    list.forEach((step, i) => {
      const path = `${base}[${i}]`;
      if (!isStep(step)) {
        issues.push({ path, message: 'is not a step' });
        return;
      }
      const earlier = seen.get(step);
      if (earlier !== undefined) {
        issues.push({ path, message: `step '${step.name}' is placed twice (also at ${earlier})` });
        return;
      }
      seen.set(step, path);
      out.push({ step, path, parent });
      if (step instanceof ConditionStep || step.type === 'Condition') {
        const c = step as ConditionStep;
        visit(c.ifSteps, `${path}.Arguments.IfSteps`, c);
        visit(c.elseSteps, `${path}.Arguments.ElseSteps`, c);
      }
    });
  };
  visit(steps, 'Steps', undefined);
  return out;
}

// ---------------------------------------------------------------- validate

function validate(input: SynthesisInput, located: readonly Located[], issues: Issue[]): void {
  const byName = new Map<string, Located>();
  for (const l of located) {
    if (!STEP_NAME.test(l.step.name)) {
      issues.push({ path: `${l.path}.Name`, message: `step name '${l.step.name}' must be 1-64 letters, digits, '-' or '_'` });
    }
    const other = byName.get(l.step.name);
    if (other) issues.push({ path: `${l.path}.Name`, message: `duplicate step name '${l.step.name}' (also at ${other.path})` });
    else byName.set(l.step.name, l);
  }

  const parameters = new Map<string, AnyParameter>();
  input.parameters.forEach((p, i) => {
    if (parameters.has(p.name)) issues.push({ path: `Parameters[${i}]`, message: `duplicate parameter '${p.name}'` });
    parameters.set(p.name, p);
    if (p.valueType === 'String' && 'enumValues' in p && p.enumValues && p.defaultValue !== undefined && !p.enumValues.includes(p.defaultValue)) {
      issues.push({ path: `Parameters[${i}].DefaultValue`, message: `default '${p.defaultValue}' is not one of ${p.enumValues.join(', ')}` });
    }
  });

  const edges = new Map<string, Set<string>>();
  const addEdge = (from: string, to: string) => {
    let set = edges.get(from);
    if (!set) edges.set(from, (set = new Set()));
    set.add(to);
  };

  for (const l of located) {
    const where = `${l.path} (${l.step.name})`;
    for (const p of l.step.validate(input.context)) issues.push({ path: `${where}.${p.path}`, message: p.message });
    if (l.parent) addEdge(l.step.name, l.parent.name);

    for (const dep of l.step.dependsOn) {
      const depName = typeof dep === 'string' ? dep : dep.name;
      const target = byName.get(depName);
      if (!target || (typeof dep !== 'string' && target.step !== dep)) {
        issues.push({ path: `${where}.DependsOn`, message: `depends on step '${depName}', which is not in the pipeline` });
      } else addEdge(l.step.name, depName);
    }

    const args = l.step.arguments(input.context);
    const refs: { ref: ExpressionReference; path: string }[] = [];
    walkArguments(args, `${where}.Arguments`, (value, path) => {
      if (isExpression(value)) for (const ref of value.references()) refs.push({ ref, path });
      else issues.push({ path, message: `'${propertyNodePath(value)}' is not a value: select one of its fields` });
    });
    if (l.step instanceof ConditionStep || l.step.type === 'Condition') {
      (l.step as ConditionStep).conditions.forEach((c, i) => {
        const path = `${where}.Arguments.Conditions[${i}]`;
        for (const ref of c.references()) refs.push({ ref, path });
        for (const [a, b] of c.comparisons()) {
          const ta = operandType(a);
          const tb = operandType(b);
          if (!comparableTypes(ta, tb)) issues.push({ path, message: `${c.type} compares ${ta} with ${tb}` });
        }
      });
    }

    for (const { ref, path } of refs) {
      switch (ref.kind) {
        case 'parameter':
          if (!parameters.has(ref.name)) issues.push({ path, message: `parameter '${ref.name}' is not defined in the pipeline` });
          break;
        case 'step': {
          const target = byName.get(ref.name);
          if (!target || target.step !== ref.target) {
            issues.push({ path, message: `refers to step '${ref.name}', which is not in the pipeline` });
            break;
          }
          if (ref.invalidPath) issues.push({ path, message: `Steps.${ref.name}.${ref.invalidPath}` });
          const output = ref.path === undefined ? undefined : selectedOutputName(ref.path);
          if (output !== undefined && target.step instanceof ProcessingStep && !target.step.outputNames.includes(output)) {
            issues.push({ path, message: `Steps.${ref.name}.${ref.path}: step '${ref.name}' has no output '${output}' (outputs: ${target.step.outputNames.join(', ') || 'none'})` });
          }
          if (ref.name === l.step.name) issues.push({ path, message: `step '${ref.name}' refers to its own properties` });
          else addEdge(l.step.name, ref.name);
          break;
        }
        case 'propertyFile': {
          const target = byName.get(ref.name);
          if (!target || target.step !== ref.target) {
            issues.push({ path, message: `JsonGet reads step '${ref.name}', which is not in the pipeline` });
            break;
          }
          if (!(target.step instanceof ProcessingStep) && target.step.type !== 'Processing') {
            issues.push({ path, message: `JsonGet reads step '${ref.name}', which is a ${target.step.type} step: only Processing steps have property files` });
            break;
          }
          const processing = target.step as ProcessingStep;
          const file = processing.propertyFiles.find((f) => f.name === ref.propertyFile);
          if (!file) {
            issues.push({ path, message: `JsonGet uses property file '${ref.propertyFile}', which step '${ref.name}' does not declare in propertyFiles` });
          }
          addEdge(l.step.name, ref.name);
          break;
        }
        default: {
          const never: never = ref.kind;
          throw new Error(`unknown reference kind ${String(never)}`);
        }
      }
    }

    if (l.step instanceof ProcessingStep || l.step.type === 'Processing') {
      const p = l.step as ProcessingStep;
      p.propertyFiles.forEach((f, i) => {
        if (!p.outputNames.includes(f.outputName)) {
          issues.push({ path: `${where}.PropertyFiles[${i}]`, message: `property file '${f.name}' reads output '${f.outputName}', which the step does not have (outputs: ${p.outputNames.join(', ') || 'none'})` });
        }
      });
    }
  }

  const cycle = findCycle([...byName.keys()], (n) => [...(edges.get(n) ?? [])]);
  if (cycle) issues.push({ path: 'Steps', message: `dependency cycle: ${cycle.join(' -> ')}` });
}

/** Visits every pipeline variable (and stray property node) in an argument tree. */
export function walkArguments(tree: ArgumentTree | unknown, path: string, visit: (value: unknown, path: string) => void): void {
  if (tree === null || tree === undefined || typeof tree !== 'object') return;
  if (isExpression(tree) || propertyNodePath(tree) !== undefined) {
    visit(tree, path);
    return;
  }
  if (Array.isArray(tree)) {
    tree.forEach((v, i) => walkArguments(v, `${path}[${i}]`, visit));
    return;
  }
  for (const [k, v] of Object.entries(tree)) walkArguments(v, `${path}.${k}`, visit);
}

// ---------------------------------------------------------------- render

/** Renders an argument tree to JSON: expressions to their JSON form, `undefined` fields dropped. */
export function renderArguments(tree: ArgumentTree | unknown): Json | undefined {
  if (tree === undefined) return undefined;
  if (tree === null || typeof tree !== 'object') return tree as Json;
  if (isExpression(tree)) return tree.render();
  if (Array.isArray(tree)) return tree.map((v) => renderArguments(v) ?? null);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(tree)) {
    const r = renderArguments(v);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

function renderStep(step: Step, context: RenderContext): StepDefinition {
  const dependsOn = [...new Set(step.dependsOn.map((d) => (typeof d === 'string' ? d : d.name)))].sort();
  let args = renderArguments(step.arguments(context)) as JsonObject;
  if (step instanceof ConditionStep || step.type === 'Condition') {
    const c = step as ConditionStep;
    args = {
      Conditions: c.conditions.map((x) => x.render()),
      IfSteps: c.ifSteps.map((s) => renderStep(s, context) as unknown as Json),
      ElseSteps: c.elseSteps.map((s) => renderStep(s, context) as unknown as Json),
    };
  }
  return {
    Name: step.name,
    Type: step.type,
    ...(step.displayName === undefined ? {} : { DisplayName: step.displayName }),
    ...(step.description === undefined ? {} : { Description: step.description }),
    ...(dependsOn.length > 0 ? { DependsOn: dependsOn } : {}),
    Arguments: args,
    ...(step.extraFields() as Partial<StepDefinition>),
  };
}

function render(input: SynthesisInput): PipelineDefinition {
  return {
    Version: DEFINITION_VERSION,
    Metadata: {},
    Parameters: input.parameters.map((p) => p.toDefinition()),
    ...(input.experimentConfig ? { PipelineExperimentConfig: input.experimentConfig } : {}),
    Steps: input.steps.map((s) => renderStep(s, input.context)),
  };
}
