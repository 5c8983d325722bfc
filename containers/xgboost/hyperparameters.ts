/**
 * The hyperparameters of SageMaker's built-in XGBoost algorithm: names, types, ranges and defaults. Values arrive
 * as strings (CreateTrainingJob renders them so); an unknown name or an invalid value is an error that fails the job.
 */

type Spec =
  | { readonly type: 'int'; readonly min?: number; readonly max?: number; readonly default?: number }
  | { readonly type: 'float'; readonly min?: number; readonly max?: number; readonly exclusiveMin?: boolean; readonly default?: number }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly default?: string }
  | { readonly type: 'string'; readonly default?: string };

export const OBJECTIVES = [
  'binary:logistic',
  'binary:logitraw',
  'binary:hinge',
  'reg:squarederror',
  'reg:linear',
  'reg:logistic',
  'reg:gamma',
  'reg:tweedie',
  'count:poisson',
  'multi:softmax',
  'multi:softprob',
  'rank:pairwise',
] as const;

export const EVAL_METRICS = ['rmse', 'mae', 'logloss', 'error', 'auc'] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

export const HYPERPARAMETERS: Readonly<Record<string, Spec>> = {
  num_round: { type: 'int', min: 1 },
  max_depth: { type: 'int', min: 0, default: 6 },
  eta: { type: 'float', min: 0, max: 1, default: 0.3 },
  gamma: { type: 'float', min: 0, default: 0 },
  min_child_weight: { type: 'float', min: 0, default: 1 },
  max_delta_step: { type: 'float', min: 0, default: 0 },
  subsample: { type: 'float', min: 0, max: 1, exclusiveMin: true, default: 1 },
  colsample_bytree: { type: 'float', min: 0, max: 1, exclusiveMin: true, default: 1 },
  colsample_bylevel: { type: 'float', min: 0, max: 1, exclusiveMin: true, default: 1 },
  colsample_bynode: { type: 'float', min: 0, max: 1, exclusiveMin: true, default: 1 },
  lambda: { type: 'float', min: 0, default: 1 },
  alpha: { type: 'float', min: 0, default: 0 },
  tree_method: { type: 'enum', values: ['auto', 'exact', 'approx', 'hist'], default: 'auto' },
  sketch_eps: { type: 'float', min: 0, max: 1, default: 0.03 },
  scale_pos_weight: { type: 'float', min: 0, exclusiveMin: true, default: 1 },
  max_bin: { type: 'int', min: 2, default: 256 },
  grow_policy: { type: 'enum', values: ['depthwise', 'lossguide'], default: 'depthwise' },
  max_leaves: { type: 'int', min: 0, default: 0 },
  booster: { type: 'enum', values: ['gbtree', 'gblinear', 'dart'], default: 'gbtree' },
  objective: { type: 'enum', values: OBJECTIVES, default: 'reg:squarederror' },
  eval_metric: { type: 'string' },
  base_score: { type: 'float', default: 0.5 },
  num_class: { type: 'int', min: 2 },
  seed: { type: 'int', default: 0 },
  early_stopping_rounds: { type: 'int', min: 1 },
  silent: { type: 'enum', values: ['0', '1'], default: '0' },
  verbosity: { type: 'enum', values: ['0', '1', '2', '3'], default: '1' },
  nthread: { type: 'int', min: 1 },
  csv_weights: { type: 'enum', values: ['0', '1'], default: '0' },
  num_parallel_tree: { type: 'int', min: 1, default: 1 },
  refresh_leaf: { type: 'enum', values: ['0', '1'], default: '1' },
  process_type: { type: 'enum', values: ['default', 'update'], default: 'default' },
  normalize_type: { type: 'enum', values: ['tree', 'forest'], default: 'tree' },
  sample_type: { type: 'enum', values: ['uniform', 'weighted'], default: 'uniform' },
  rate_drop: { type: 'float', min: 0, max: 1, default: 0 },
  skip_drop: { type: 'float', min: 0, max: 1, default: 0 },
  one_drop: { type: 'enum', values: ['0', '1'], default: '0' },
  tweedie_variance_power: { type: 'float', min: 1, max: 2, default: 1.5 },
  updater: { type: 'string' },
  dsplit: { type: 'enum', values: ['row', 'col'], default: 'row' },
  _kfold: { type: 'int', min: 2 },
};

export interface TrainingConfig {
  readonly numRound: number;
  readonly earlyStoppingRounds: number | undefined;
  readonly evalMetrics: readonly EvalMetric[];
  readonly objective: string;
  /** Parameters handed to XGBoost (names as XGBoost knows them, values as strings; `eval_metric` comma-separated). */
  readonly params: Readonly<Record<string, string>>;
}

export class HyperparameterError extends Error {}

/** Checks every hyperparameter and resolves the training configuration. Throws one error listing every problem. */
export function resolveHyperparameters(raw: Readonly<Record<string, unknown>>): TrainingConfig {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const spec = HYPERPARAMETERS[name];
    const text = String(value).trim();
    if (!spec) {
      problems.push(`unknown hyperparameter '${name}'`);
      continue;
    }
    const problem = check(spec, text);
    if (problem) problems.push(`hyperparameter '${name}' ${problem}: got '${text}'`);
    else values[name] = text;
  }
  if (raw.num_round === undefined) problems.push("hyperparameter 'num_round' is required");
  const objective = values.objective ?? 'reg:squarederror';
  if ((objective === 'multi:softmax' || objective === 'multi:softprob') && values.num_class === undefined) {
    problems.push(`hyperparameter 'num_class' is required with objective '${objective}'`);
  }
  const metrics = (values.eval_metric ?? (objective.startsWith('binary:') ? 'logloss' : 'rmse')).split(',').map((m) => m.trim());
  for (const m of metrics) {
    if (!(EVAL_METRICS as readonly string[]).includes(m)) problems.push(`eval_metric '${m}' is not supported (supported: ${EVAL_METRICS.join(', ')})`);
  }
  if (objective.startsWith('multi:') || objective.startsWith('rank:')) problems.push(`objective '${objective}' is not supported by sagepipe-xgboost yet (binary and regression objectives are)`);
  if (problems.length > 0) throw new HyperparameterError(problems.join('; '));

  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (['num_round', 'early_stopping_rounds', 'eval_metric', 'csv_weights', '_kfold'].includes(k)) continue;
    params[k] = v;
  }
  params.objective = objective;
  params.eval_metric = metrics.join(',');
  return {
    numRound: Number(values.num_round),
    earlyStoppingRounds: values.early_stopping_rounds === undefined ? undefined : Number(values.early_stopping_rounds),
    evalMetrics: metrics as EvalMetric[],
    objective,
    params,
  };
}

function check(spec: Spec, text: string): string | undefined {
  switch (spec.type) {
    case 'int': {
      if (!/^[-+]?\d+$/.test(text)) return 'must be an integer';
      const n = Number(text);
      if (spec.min !== undefined && n < spec.min) return `must be at least ${spec.min}`;
      if (spec.max !== undefined && n > spec.max) return `must be at most ${spec.max}`;
      return undefined;
    }
    case 'float': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) return 'must be a number';
      if (spec.min !== undefined && (spec.exclusiveMin ? n <= spec.min : n < spec.min)) return `must be ${spec.exclusiveMin ? 'greater than' : 'at least'} ${spec.min}`;
      if (spec.max !== undefined && n > spec.max) return `must be at most ${spec.max}`;
      return undefined;
    }
    case 'enum':
      return spec.values.includes(text) ? undefined : `must be one of ${spec.values.join(', ')}`;
    case 'string':
      return text === '' ? 'must not be empty' : undefined;
    default: {
      const never: never = spec;
      return never;
    }
  }
}
