/** What both XGBoost backends (native libxgboost, WebAssembly fallback) offer the train and serve programs. */
import type { ChunkSource } from './dense-chunks.ts';

/** A dense row-major matrix of float32 values; NaN marks a missing value, as XGBoost treats it. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** A labelled data set, named as XGBoost names it in its evaluation log (`train`, `validation`). */
export interface LabelledSet {
  readonly name: string;
  readonly features: Matrix;
  readonly labels: Float32Array;
}

export interface EvalResult {
  readonly data: string;
  readonly metric: string;
  readonly value: number;
}

export interface XGBoosterImpl {
  /** Adds boosting round `round` (0-based). */
  updateOneRound(round: number): void;
  /** The evaluation sets' metrics after round `round`, in XGBoost's order: per set, per metric. */
  evaluate(round: number): EvalResult[];
  /** One value per row (probabilities for binary:logistic). */
  predict(matrix: Matrix): Float64Array;
  /** The model file. */
  save(): Uint8Array;
  dispose(): void;
}

export interface XGBoostBackend {
  readonly kind: 'native' | 'wasm';
  /** Said in the training log: which XGBoost runs. */
  readonly description: string;
  /**
   * A booster on `train` that evaluates `evals` each round. `params` are XGBoost's names and values, in order; a
   * name may repeat (`eval_metric`).
   */
  create(train: LabelledSet, evals: readonly LabelledSet[], params: readonly (readonly [string, string])[]): XGBoosterImpl;
  load(bytes: Uint8Array): XGBoosterImpl;
  /**
   * Native only: a `hist` booster on data sets read a chunk at a time through XGBoost's data iterator into
   * QuantileDMatrix bins, so no set's float rows are ever held whole. Evaluates `train` then `validation` each round.
   */
  createStreamed?(train: ChunkSource, validation: readonly ChunkSource[], params: readonly (readonly [string, string])[]): XGBoosterImpl;
}
