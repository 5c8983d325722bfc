/**
 * The definition loader: reads any pipeline definition JSON (sagepipe's, hand-written, the Python SDK's), validates it
 * against the corrected schema and for meaning (checks.ts, shared with the SDK: names, references, property files,
 * condition types, cycles), and compiles it (compiled.ts): typed steps, parsed expressions and conditions, resolved
 * policies. All problems are reported at once, each with its JSON path.
 */
import { ErrorCode, type Issue, SagepipeError } from '../errors.ts';
import { type ParsedStep, type StepSite, checkParameters, checkSteps, flattenSteps } from './checks.ts';
import { type CompiledDefinition, compileStep } from './compiled.ts';
import { type GraphNode, topologicalOrder } from './graph.ts';
import { isPlainObject } from './references.ts';
import { type SchemaValidator, createSchemaValidator } from './schema.ts';
import type { PipelineDefinition, StepDefinition } from './types.ts';
import { jsonErrorPosition } from './json-position.ts';
import { requestIssues, tooDeep } from './limits.ts';

/** What the loader returns: the compiled definition (typed steps, parsed expressions, resolved policies). */
export type LoadedDefinition = CompiledDefinition;

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
  const sites: StepSite[] = [];
  flattenSteps(value.Steps, (raw, path, branch) => {
    if (!isPlainObject(raw) || typeof raw.Name !== 'string' || typeof raw.Type !== 'string') {
      issues.push({ path, message: 'a step must be an object with a Name and a Type' });
      return undefined;
    }
    issues.push(...validator.validateStep(raw, path), ...requestIssues(raw.Type, raw.Arguments, path));
    // The schema has checked its fields (any it rejects are in issues, and nothing below runs on them).
    const step = raw as unknown as StepDefinition;
    sites.push({ step, path, branch });
    return step;
  });

  const parameters = checkParameters(value.Parameters, issues);
  const { parsed } = checkSteps(sites, parameters, issues);
  if (issues.length > 0) throw fail();

  const nodes = new Map<string, GraphNode>();
  for (const { step, path, branch } of sites) nodes.set(step.Name, compileStep({ step, path, branch, parsed: parsed.get(step.Name) as ParsedStep }));
  // Checked above: the value is a definition.
  return { definition: value as unknown as PipelineDefinition, graph: { nodes, order: topologicalOrder(nodes) }, parameters };
}
