/**
 * The project's definition schema: AWS's published JSON schema (kept unchanged beside this file) plus the
 * corrections where it lags behind what the service and the Python SDK write. Each correction is listed in
 * docs/definition-schema.md with its reason; `SCHEMA_CORRECTIONS` names them for tests and docs.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Ajv as AjvType, ErrorObject, ValidateFunction } from 'ajv';
import type { Issue } from '../errors.ts';
import awsSchema from './schema/aws-pipeline-definition.schema.json' with { type: 'json' };

type SchemaNode = Record<string, any>;

/** AWS's schema as published (aws-sagemaker-mlops/sagemaker-model-building-pipeline-definition-JSON-schema@b4012b0). */
export function loadAwsSchema(): SchemaNode {
  return structuredClone(awsSchema) as SchemaNode;
}

export const SCHEMA_CORRECTIONS = [
  'PipelineExperimentConfig at the top level',
  'AppManaged on ProcessingInputs and ProcessingOutputs',
  'PropertyFiles on ProcessingStep',
  'Std:Join and Std:JsonGet wherever an argument value is allowed',
  'Std:JsonGet as a condition operand',
  'ProfilerConfig, ProfilerRuleConfigurations, Environment, RetryStrategy on TrainingStep',
  'any step type (Model included) in IfSteps/ElseSteps; ModelApprovalStatus and other CreateModelPackage fields on RegisterModel',
  'RetryPolicy ExceptionType as a list of strings',
  'Not conditions; In with QueryValue/Values; both with or without an Arguments wrapper',
  'Std:Join with On and Values under "Std:Join"',
  'EnumValues on String parameters',
  'Fail step Arguments limited to ErrorMessage (stricter: the schema leaves them open)',
  'an expression wherever a step argument is a plain string, number or boolean (e.g. ContainerDefinition.ModelDataUrl)',
] as const;

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

/** Applies the corrections to a copy of AWS's schema. */
export function correctedSchema(): SchemaNode {
  const s = loadAwsSchema();
  delete s.$schema;
  delete s.$id;
  const d = s.definitions as SchemaNode;

  // Functions.
  d.JoinFunction = {
    type: 'object',
    properties: {
      'Std:Join': {
        type: 'object',
        properties: { On: { type: 'string' }, Values: { type: 'array' } },
        required: ['Values'],
        additionalProperties: false,
      },
    },
    required: ['Std:Join'],
    additionalProperties: false,
  };
  d.JsonGetFunction = {
    type: 'object',
    properties: {
      'Std:JsonGet': {
        type: 'object',
        properties: { PropertyFile: { anyOf: [ref('GetFunction'), { type: 'string' }] }, Path: { type: 'string' } },
        required: ['PropertyFile', 'Path'],
        additionalProperties: false,
      },
    },
    required: ['Std:JsonGet'],
    additionalProperties: false,
  };
  d.StringArgumentValue = { anyOf: [{ type: 'string' }, ref('GetFunction'), ref('JoinFunction'), ref('JsonGetFunction')] };
  for (const [name, type] of [
    ['IntegerArgumentValue', 'integer'],
    ['FloatArgumentValue', 'number'],
    ['BooleanArgumentValue', 'boolean'],
  ] as const) {
    d[name] = { anyOf: [{ type }, ref('GetFunction'), ref('JoinFunction'), ref('JsonGetFunction')] };
  }

  // Plain scalar argument fields accept expressions too, as the service resolves them everywhere.
  for (const [name, def] of Object.entries(d)) {
    if (name.endsWith('Step')) allowExpressions(def.properties?.Arguments);
    else if (ARGUMENT_DEFINITIONS.has(name)) allowExpressions(def);
  }

  // Top level.
  s.properties.PipelineExperimentConfig = {
    type: 'object',
    properties: { ExperimentName: ref('StringArgumentValue'), TrialName: ref('StringArgumentValue') },
    additionalProperties: false,
  };
  d.StringParameter.properties.EnumValues = { type: 'array', items: { type: 'string' } };
  // Steps are validated one by one against the definition of their Type (precise errors, nested steps too).
  s.properties.Steps = { type: 'array', items: { type: 'object', required: ['Name', 'Type'] } };

  // Processing.
  const pa = d.ProcessingArgs.properties;
  pa.ProcessingInputs.items.properties.AppManaged = ref('BooleanArgumentValue');
  pa.ProcessingInputs.items.properties.DatasetDefinition = { type: 'object' };
  pa.ProcessingOutputConfig.properties.Outputs.items.properties.AppManaged = ref('BooleanArgumentValue');
  pa.ProcessingOutputConfig.properties.Outputs.items.properties.FeatureStoreOutput = { type: 'object' };
  d.ProcessingStep.properties.PropertyFiles = {
    type: 'array',
    items: {
      type: 'object',
      properties: { PropertyFileName: { type: 'string' }, OutputName: { type: 'string' }, FilePath: { type: 'string' } },
      required: ['PropertyFileName', 'OutputName', 'FilePath'],
      additionalProperties: false,
    },
  };

  // Training.
  const ta = d.TrainingStep.properties.Arguments.properties;
  ta.ProfilerConfig = { type: 'object' };
  ta.ProfilerRuleConfigurations = { type: 'array' };
  ta.Environment = { type: 'object', patternProperties: { '.*': ref('StringArgumentValue') } };
  ta.RetryStrategy = { type: 'object' };

  // Model registration.
  const ra = d.RegisterModelStep.properties.Arguments.properties;
  ra.ModelApprovalStatus = ref('StringArgumentValue');
  ra.SkipModelValidation = ref('StringArgumentValue');
  ra.CustomerMetadataProperties = { type: 'object', patternProperties: { '.*': ref('StringArgumentValue') } };
  ra.DriftCheckBaselines = { type: 'object' };
  ra.MetadataProperties = { type: 'object' };
  ra.Domain = ref('StringArgumentValue');
  ra.Task = ref('StringArgumentValue');
  ra.SamplePayloadUrl = ref('StringArgumentValue');
  const containers = ra.InferenceSpecification.properties.Containers.items.properties;
  containers.Environment = { type: 'object', patternProperties: { '.*': ref('StringArgumentValue') } };
  containers.Framework = ref('StringArgumentValue');
  containers.FrameworkVersion = ref('StringArgumentValue');
  containers.NearestModelName = ref('StringArgumentValue');

  // Fail: the schema leaves its Arguments open; ErrorMessage is the only field the service knows.
  d.FailStep.properties.Arguments.additionalProperties = false;

  // Retry policies.
  const exceptionType = d.RetryPolicy.properties.ExceptionType;
  d.RetryPolicy.properties.ExceptionType = { anyOf: [exceptionType, { type: 'array', items: exceptionType, minItems: 1 }] };

  // Conditions.
  const operand = d.BinaryCondition.properties.LeftValue;
  d.InCondition = {
    anyOf: [
      {
        type: 'object',
        properties: { Type: { enum: ['In'] }, QueryValue: operand, Values: { type: 'array', items: operand } },
        required: ['Type', 'QueryValue', 'Values'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          Type: { enum: ['In'] },
          Arguments: {
            type: 'object',
            properties: { QueryValue: operand, Values: { type: 'array', items: operand } },
            required: ['QueryValue', 'Values'],
            additionalProperties: false,
          },
        },
        required: ['Type', 'Arguments'],
        additionalProperties: false,
      },
    ],
  };
  d.NotCondition = {
    anyOf: [
      {
        type: 'object',
        properties: { Type: { enum: ['Not'] }, Expression: ref('Condition') },
        required: ['Type', 'Expression'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { Type: { enum: ['Not'] }, Condition: ref('Condition') },
        required: ['Type', 'Condition'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          Type: { enum: ['Not'] },
          Arguments: { type: 'object', properties: { Condition: ref('Condition') }, required: ['Condition'], additionalProperties: false },
        },
        required: ['Type', 'Arguments'],
        additionalProperties: false,
      },
    ],
  };
  d.OrCondition = {
    type: 'object',
    properties: { Type: { enum: ['Or'] }, Conditions: { type: 'array', items: ref('Condition') } },
    required: ['Type', 'Conditions'],
    additionalProperties: false,
  };
  d.Condition = { anyOf: [ref('BinaryCondition'), ref('InCondition'), ref('NotCondition'), ref('OrCondition')] };
  const ca = d.ConditionStep.properties.Arguments.properties;
  ca.Conditions = { type: 'array', items: ref('Condition') };
  ca.IfSteps = { type: 'array', items: { type: 'object', required: ['Name', 'Type'] } };
  ca.ElseSteps = { type: 'array', items: { type: 'object', required: ['Name', 'Type'] } };
  return s;
}

const ARGUMENT_DEFINITIONS = new Set(['ProcessingArgs', 'ContainerDefinition', 'VpcConfig', 'Tag', 'ProductionVariants', 'HyperParameterTrainingJobDefinition', 'ParameterRanges']);
const SCALAR_TO_ARGUMENT: Record<string, string> = {
  string: 'StringArgumentValue',
  integer: 'IntegerArgumentValue',
  number: 'FloatArgumentValue',
  boolean: 'BooleanArgumentValue',
};

/** Replaces plain scalar schemas (no enum) under a node by the matching ArgumentValue reference. */
function allowExpressions(node: SchemaNode | undefined): void {
  if (!node || typeof node !== 'object') return;
  for (const key of ['properties', 'patternProperties'] as const) {
    const props = node[key] as SchemaNode | undefined;
    if (!props) continue;
    for (const [k, child] of Object.entries(props)) {
      const target = typeof child?.type === 'string' && !child.enum ? SCALAR_TO_ARGUMENT[child.type] : undefined;
      if (target) props[k] = ref(target);
      else allowExpressions(child);
    }
  }
  if (node.items) allowExpressions(node.items);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) (node[key] as SchemaNode[] | undefined)?.forEach(allowExpressions);
}

/** The schema definition that validates a step of the given `Type`. */
export const STEP_SCHEMA_DEFINITIONS: Readonly<Record<string, string>> = {
  Processing: 'ProcessingStep',
  Training: 'TrainingStep',
  Condition: 'ConditionStep',
  Model: 'CreateModelStep',
  RegisterModel: 'RegisterModelStep',
  Fail: 'FailStep',
  Transform: 'TransformStep',
  Lambda: 'LambdaStep',
  Callback: 'CallbackStep',
  Tuning: 'TuningStep',
  ClarifyCheck: 'ClarifyCheckStep',
  QualityCheck: 'QualityCheckStep',
  EMR: 'EMRStep',
  AutoML: 'AutoMLStep',
  Endpoint: 'EndpointStep',
  EndpointConfig: 'EndpointConfigStep',
};

export interface SchemaValidator {
  /** Validates the top level (steps only as objects with Name and Type). */
  validateTop(definition: unknown): Issue[];
  /** Validates one step against the definition for its Type; `path` prefixes the issues. */
  validateStep(step: unknown, path: string): Issue[];
}

/**
 * Compiles the corrected schema once; keep the validator. Compiling takes a quarter of a second or more (most of a
 * cached pipeline re-run), so with a `cache` the compiled code (ajv's standalone code, keyed by the schema's hash) is
 * kept, and later processes load it instead of compiling.
 */
export function createSchemaValidator(schema: SchemaNode = correctedSchema(), cache?: CompiledSchemaCache): SchemaValidator {
  const { top, byType } = compiledValidators(schema, cache);
  return {
    validateTop(definition) {
      return top(definition) ? [] : toIssues(top.errors ?? [], '');
    },
    validateStep(step, path) {
      const type = (step as { Type?: unknown }).Type;
      const validate = typeof type === 'string' ? byType.get(type) : undefined;
      if (!validate) {
        return [{ path: `${path}.Type`, message: `unknown step type ${JSON.stringify(type)} (known: ${Object.keys(STEP_SCHEMA_DEFINITIONS).join(', ')})` }];
      }
      return validate(step) ? [] : toIssues(validate.errors ?? [], path);
    },
  };
}

/** Turns ajv's errors into issues, keeping the most specific ones (ajv reports every branch of an anyOf). */
function toIssues(errors: readonly ErrorObject[], prefix: string): Issue[] {
  const relevant = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  // Inside an anyOf, report the failure found deepest: that is the branch the author meant.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of relevant) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const paths = [...byPath.keys()];
  // Deeper errors explain shallower ones, except a field that is unknown or missing, which stands on its own.
  const leaves = paths.filter(
    (p) => !paths.some((q) => q !== p && q.startsWith(`${p}/`)) || (byPath.get(p) ?? []).some((e) => e.keyword === 'additionalProperties' || e.keyword === 'required'),
  );
  const issues: Issue[] = [];
  for (const p of leaves.sort()) {
    const list = byPath.get(p) ?? [];
    const e = list.find((x) => x.keyword === 'additionalProperties') ?? list.find((x) => x.keyword === 'required') ?? list[0];
    if (!e) continue;
    const path = prefix + jsonPointerToPath(p);
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') message = `unknown field '${String(e.params.additionalProperty)}'`;
    else if (e.keyword === 'required') message = `missing required field '${String(e.params.missingProperty)}'`;
    else if (e.keyword === 'enum') message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    else if (e.keyword === 'type' && list.length > 1) message = `must be ${[...new Set(list.filter((x) => x.keyword === 'type').map((x) => String(x.params.type)))].join(' or ')} or an expression (Get, Std:Join, Std:JsonGet)`;
    issues.push({ path, message });
  }
  return issues;
}

function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `['${seg}']`))
    .join('');
}

type Validators = { top: ValidateFunction; byType: Map<string, ValidateFunction> };
type CompiledModule = Record<string, ValidateFunction>;

/**
 * Where compiled validator code is kept between processes (the definition layer does no I/O itself: the caller that
 * does hands one in). `load` returns the module stored under `key`; `store` keeps `code` (a CommonJS module) and
 * returns it loaded. Either may return undefined: the schema is then compiled in memory.
 */
export interface CompiledSchemaCache {
  load(key: string): CompiledModule | undefined;
  store(key: string, code: string): CompiledModule | undefined;
}

function compiledValidators(schema: SchemaNode, cache: CompiledSchemaCache | undefined): Validators {
  const require = createRequire(import.meta.url);
  let ajvRuntime = '';
  try {
    ajvRuntime = dirname(require.resolve('ajv/dist/runtime/equal'));
  } catch {
    // Standalone code cannot be made without ajv's runtime helpers: compile in memory.
  }
  const key = createHash('sha256').update(JSON.stringify([schema, ajvRuntime, STEP_SCHEMA_DEFINITIONS])).digest('hex').slice(0, 32);
  const fromModule = (m: CompiledModule): Validators => ({
    top: m.top as ValidateFunction,
    byType: new Map(Object.keys(STEP_SCHEMA_DEFINITIONS).map((type) => [type, m[`step_${type}`] as ValidateFunction])),
  });
  const cached = cache && ajvRuntime ? cache.load(key) : undefined;
  if (cached) return fromModule(cached);
  const { Ajv } = require('ajv') as { Ajv: new (options: object) => AjvType };
  const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true } });
  ajv.addSchema(schema, 'definition');
  const refs: Record<string, string> = { top: 'definition' };
  for (const [type, def] of Object.entries(STEP_SCHEMA_DEFINITIONS)) refs[`step_${type}`] = `definition#/definitions/${def}`;
  if (cache && ajvRuntime) {
    const standalone = (require('ajv/dist/standalone') as { default: (ajv: AjvType, refs: Record<string, string>) => string }).default;
    // The cache has no node_modules beside it: point ajv's runtime helpers at this installation's.
    const code = standalone(ajv, refs).replace(/require\("ajv\/dist\/runtime\/([^"]+)"\)/g, (_, name: string) => `require(${JSON.stringify(join(ajvRuntime, name))})`);
    const stored = cache.store(key, code);
    if (stored) return fromModule(stored);
  }
  const byType = new Map<string, ValidateFunction>();
  for (const [type, def] of Object.entries(STEP_SCHEMA_DEFINITIONS)) byType.set(type, ajv.getSchema(`definition#/definitions/${def}`) as ValidateFunction);
  return { top: ajv.getSchema('definition') as ValidateFunction, byType };
}
