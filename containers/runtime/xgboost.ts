/**
 * XGBoost for the train and serve programs and for processing scripts: native libxgboost (1.7, as in SageMaker's
 * built-in container) where it is installed, else ml-xgboost's WebAssembly build as the portable fallback.
 * SAGEPIPE_XGBOOST=wasm forces the fallback; SAGEPIPE_XGBOOST=native refuses to fall back.
 */
import type { ChunkSource } from './dense-chunks.ts';
import { probeNative } from './xgboost-native.ts';
import type { EvalResult, LabelledSet, Matrix, XGBoostBackend, XGBoosterImpl } from './xgboost-types.ts';
import { wasmBackend } from './xgboost-wasm.ts';

export { loadWasm } from './xgboost-wasm.ts';
export type { EvalResult, LabelledSet, Matrix, XGBoostBackend } from './xgboost-types.ts';

export interface OpenedXGBoost {
  readonly backend: XGBoostBackend;
  /** Why the native library was not used, when the fallback was chosen. */
  readonly fallbackReason: string | undefined;
}

const opened = new Map<string, Promise<OpenedXGBoost>>();

/** Picks the backend once per process and preference. */
export function openXGBoost(env: NodeJS.ProcessEnv = process.env): Promise<OpenedXGBoost> {
  const choice = env.SAGEPIPE_XGBOOST ?? 'auto';
  let p = opened.get(choice);
  if (!p) {
    p = (async () => {
      if (choice === 'wasm') return { backend: await wasmBackend(), fallbackReason: 'SAGEPIPE_XGBOOST=wasm' };
      const native = probeNative(env);
      if (native.ok) return { backend: native.backend, fallbackReason: undefined };
      if (choice === 'native') throw new Error(`SAGEPIPE_XGBOOST=native, but ${native.reason}`);
      return { backend: await wasmBackend(), fallbackReason: native.reason };
    })();
    opened.set(choice, p);
  }
  return p;
}

/** XGBoost's parameter list: `eval_metric` may list several, comma-separated, each set on its own. */
function paramList(params: Readonly<Record<string, string>>): [string, string][] {
  const list: [string, string][] = [];
  for (const [k, v] of Object.entries(params)) {
    if (k === 'eval_metric') for (const m of v.split(',')) list.push([k, m.trim()]);
    else list.push([k, v]);
  }
  return list;
}

/** A trained or loaded model, on whichever backend `openXGBoost` picked. */
export class Booster {
  private constructor(
    private readonly impl: XGBoosterImpl,
    /** 'native' or 'wasm'. */
    readonly backend: XGBoostBackend['kind'],
  ) {}

  /**
   * A booster on a training matrix with its labels and parameters (XGBoost's names, as strings; `eval_metric` may
   * list several, comma-separated), evaluating `evals` after each round.
   */
  static async create(train: Matrix, labels: Float32Array, params: Readonly<Record<string, string>>, evals: readonly LabelledSet[] = []): Promise<Booster> {
    const { backend } = await openXGBoost();
    return new Booster(backend.create({ name: 'train', features: train, labels }, evals, paramList(params)), backend.kind);
  }

  /**
   * A `hist` booster on data sets read a chunk at a time (native XGBoost's QuantileDMatrix through its data iterator):
   * no set is ever held whole, in JavaScript or in XGBoost. Evaluates `train` then each of `validation` every round.
   * Throws when the backend has no such input (the WebAssembly fallback); check `canStream` first.
   */
  static async createStreamed(train: ChunkSource, validation: readonly ChunkSource[], params: Readonly<Record<string, string>>): Promise<Booster> {
    const { backend } = await openXGBoost();
    if (!backend.createStreamed) throw new Error(`${backend.description} cannot train from chunks`);
    return new Booster(backend.createStreamed(train, validation, paramList({ ...params, tree_method: 'hist' })), backend.kind);
  }

  /** Whether `createStreamed` can train with these parameters: native XGBoost with `tree_method` `hist` (1.7's QuantileDMatrix takes no other). */
  static async canStream(params: Readonly<Record<string, string>>): Promise<boolean> {
    const { backend } = await openXGBoost();
    return backend.createStreamed !== undefined && params.tree_method === 'hist' && params.updater === undefined;
  }

  /** Loads an XGBoost model file (binary format; native also reads JSON and UBJSON). */
  static async load(bytes: Uint8Array): Promise<Booster> {
    const { backend } = await openXGBoost();
    return new Booster(backend.load(bytes), backend.kind);
  }

  /** Adds boosting round `round` (0-based; rounds must be added in order). */
  updateOneRound(round: number): void {
    this.impl.updateOneRound(round);
  }

  /** The evaluation sets' metrics after round `round`. */
  evaluate(round: number): EvalResult[] {
    return this.impl.evaluate(round);
  }

  /** Predicts every row (probabilities for binary:logistic); one value per row. */
  predict(matrix: Matrix): Float64Array {
    return this.impl.predict(matrix);
  }

  /** The model in XGBoost's binary format, which XGBoost itself (Python, R, JVM) loads. */
  save(): Uint8Array {
    return this.impl.save();
  }

  dispose(): void {
    this.impl.dispose();
  }
}
