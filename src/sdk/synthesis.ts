/**
 * Synthesis of a pipeline into its definition, in named phases:
 *   collect  – every step, top level and inside condition branches, with its location;
 *   validate – what needs the SDK's objects (step names, options, stray property objects, step identity);
 *   render   – the definition JSON, deterministic (fixed key order, sorted DependsOn);
 *   check    – the loader's own checks on that JSON (definition/checks.ts: names, parameters, references, property
 *              files, comparable types, cycles), so SDK and loader report one problem with one message.
 * Every problem is gathered before anything is thrown, each with its path.
 */
import { type Issue, ErrorCode, SagepipeError } from '../errors.ts';
import { DEFINITION_VERSION, type Json, type JsonObject, type PipelineDefinition, type StepDefinition } from '../definition/types.ts';
import { checkParameters, checkSteps, definitionSteps } from '../definition/checks.ts';
import { type ExpressionReference, isExpression } from './expressions.ts';
import type { AnyParameter } from './parameters.ts';
import { propertyNodePath } from './properties.ts';
import { ConditionStep } from './steps/control.ts';
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
  const { located, placedTwice, allSteps } = collect(input.steps, issues);
  validateObjects(input, located, issues);
  // Rendering needs every listed thing to be a step; the definition checks need the rendered JSON.
  const definition = allSteps ? render(input) : undefined;
  if (definition) checkRendered(definition, located, placedTwice, issues);
  if (issues.length > 0 || !definition) {
    throw new SagepipeError(
      ErrorCode.PipelineInvalid,
      `pipeline '${input.name}' has ${issues.length} error${issues.length === 1 ? '' : 's'}`,
      { issues, path: input.name },
    );
  }
  return definition;
}

// ---------------------------------------------------------------- collect

interface Collected {
  readonly located: readonly Located[];
  /** Paths of the second placements of a step placed twice (rendered, but reported only as placed twice). */
  readonly placedTwice: readonly string[];
  /** Whether everything listed as a step is one (else nothing can be rendered). */
  readonly allSteps: boolean;
}

function collect(steps: readonly Step[], issues: Issue[]): Collected {
  const out: Located[] = [];
  const placedTwice: string[] = [];
  let allSteps = true;
  const seen = new Map<Step, string>();
  const visit = (list: readonly Step[], base: string, parent: ConditionStep | undefined) => {
    list.forEach((step, i) => {
      const path = `${base}[${i}]`;
      if (!isStep(step)) {
        issues.push({ path, message: 'is not a step' });
        allSteps = false;
        return;
      }
      const earlier = seen.get(step);
      if (earlier !== undefined) {
        issues.push({ path, message: `step '${step.name}' is placed twice (also at ${earlier})` });
        placedTwice.push(path);
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
  return { located: out, placedTwice, allSteps };
}

// ---------------------------------------------------------------- validate

/**
 * The checks that need the SDK's objects: step names, each step's own options, stray property objects, and that a
 * step named by a reference or DependsOn is the very object placed in this pipeline. What the JSON alone shows is
 * checked on the rendered definition by the loader's checks (checkRendered).
 */
function validateObjects(input: SynthesisInput, located: readonly Located[], issues: Issue[]): void {
  const byName = new Map<string, Located>();
  for (const l of located) {
    if (!STEP_NAME.test(l.step.name)) {
      issues.push({ path: `${l.path}.Name`, message: `step name '${l.step.name}' must be 1-64 letters, digits, '-' or '_'` });
    }
    if (!byName.has(l.step.name)) byName.set(l.step.name, l);
  }
  // Another object with the name of a step in the pipeline: the JSON would silently refer to the wrong step.
  const notPlaced = (name: string, target: unknown) => {
    const placed = byName.get(name);
    return placed !== undefined && target !== undefined && placed.step !== target;
  };

  for (const l of located) {
    const where = `${l.path} (${l.step.name})`;
    for (const p of l.step.validate(input.context)) issues.push({ path: `${where}.${p.path}`, message: p.message });
    for (const dep of l.step.dependsOn) {
      if (typeof dep !== 'string' && notPlaced(dep.name, dep)) {
        issues.push({ path: `${where}.DependsOn`, message: `depends on a step named '${dep.name}' that is not the one in the pipeline` });
      }
    }
    const refs: { ref: ExpressionReference; path: string }[] = [];
    walkArguments(l.step.arguments(input.context), `${where}.Arguments`, (value, path) => {
      if (isExpression(value)) for (const ref of value.references()) refs.push({ ref, path });
      else issues.push({ path, message: `'${propertyNodePath(value)}' is not a value: select one of its fields` });
    });
    if (l.step instanceof ConditionStep) {
      l.step.conditions.forEach((c, i) => {
        for (const ref of c.references()) refs.push({ ref, path: `${where}.Arguments.Conditions[${i}]` });
      });
    }
    for (const { ref, path } of refs) {
      if (ref.kind !== 'parameter' && notPlaced(ref.name, ref.target)) {
        issues.push({ path, message: `refers to a step named '${ref.name}' that is not the one in the pipeline` });
      }
    }
  }
}

/**
 * The loader's checks (definition/checks.ts) on the rendered definition: names, parameters, references, property
 * files, comparable condition operands, cycles. Their paths get the step's name, as the SDK's own issues have.
 */
function checkRendered(definition: PipelineDefinition, located: readonly Located[], placedTwice: readonly string[], issues: Issue[]): void {
  const found: Issue[] = [];
  const sites = definitionSteps(definition);
  const parameters = checkParameters(definition.Parameters, found);
  checkSteps(sites, parameters, found);
  const within = (path: string, base: string) => path === base || path.startsWith(`${base}.`);
  const byPath = [...located].sort((a, b) => b.path.length - a.path.length);
  for (const issue of found) {
    if (placedTwice.some((p) => within(issue.path, p))) continue;
    const l = byPath.find((x) => within(issue.path, x.path));
    issues.push(l ? { path: `${l.path} (${l.step.name})${issue.path.slice(l.path.length)}`, message: issue.message } : issue);
  }
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
