/**
 * The portable fallback: ml-xgboost's WebAssembly build (an XGBoost of 2018, 32-bit, single-threaded), called directly
 * with buffers on the module's heap.
 *
 * ml-xgboost's own JavaScript wrapper passes the training matrix through `cwrap(..., 'array')`, which copies it onto
 * the WebAssembly stack and overflows at about 16k rows x 100 features; it also predicts row by row through fresh
 * copies. Here matrices are written once into `_malloc`ed heap memory and passed by pointer. This build has no
 * evaluation API and predicts only through every tree, so per-round metrics are computed here incrementally: each
 * evaluation set keeps one margin per row, and each round adds only the new tree's leaf (read from the saved model),
 * as XGBoost's own prediction cache does: linear in rounds.
 */
import { createRequire } from 'node:module';
import { errorRate, logLoss, mae, rmse, rocAuc } from './metrics.ts';
import type { EvalResult, LabelledSet, Matrix, XGBoostBackend, XGBoosterImpl } from './xgboost-types.ts';

interface XGBoostWasm {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _create_model(data: number, labels: number, rows: number, cols: number): number;
  _free_memory_model(model: number): void;
  _train_full_model(model: number, iterations: number): void;
  _predict_one(model: number, row: number, cols: number, out: number): number;
  _save_model(model: number): number;
  _get_file_content(ptr: number, size: number): void;
  _load_model(ptr: number, size: number): number;
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  HEAPF32: Float32Array;
  HEAPU8: Uint8Array;
  isReady: Promise<XGBoostWasm>;
}

let modulePromise: Promise<XGBoostWasm> | undefined;

/** Loads the WebAssembly module once per process. */
export function loadWasm(): Promise<XGBoostWasm> {
  if (!modulePromise) {
    const require = createRequire(import.meta.url);
    // Emscripten streams the .wasm through fetch() when WebAssembly.instantiateStreaming exists, which fails on a
    // file path and logs a warning before falling back; hide it while the module starts so it reads the file directly.
    const wa = (globalThis as unknown as { WebAssembly: { instantiateStreaming?: unknown } }).WebAssembly;
    const saved = wa.instantiateStreaming;
    wa.instantiateStreaming = undefined;
    try {
      const wasm = require('ml-xgboost/dist/wasm/xgboost.js') as XGBoostWasm;
      modulePromise = wasm.isReady.then((m) => m ?? wasm);
    } finally {
      wa.instantiateStreaming = saved;
    }
  }
  return modulePromise;
}

/** Counts the work of evaluation, for tests: rows walked through one tree, and rows predicted through every tree. */
export interface EvaluationCounter {
  treeRows: number;
  fullPredictionRows: number;
}

export async function wasmBackend(counter?: EvaluationCounter): Promise<XGBoostBackend> {
  const wasm = await loadWasm();
  return {
    kind: 'wasm',
    description: "ml-xgboost's WebAssembly XGBoost (portable fallback: single-threaded, no nthread, 2 GB memory cap)",
    create(train, evals, params) {
      const data = copyToHeap(wasm, train.features.data);
      const lab = copyToHeap(wasm, train.labels);
      const handle = wasm._create_model(data, lab, train.features.rows, train.features.cols);
      const setParam = wasm.cwrap('set_param', null, ['number', 'string', 'string']);
      const metrics: string[] = [];
      let silent = false;
      for (const [k, v] of params) {
        if (k === 'eval_metric') metrics.push(v);
        // This build predates the rename of reg:linear to reg:squarederror.
        else if (k === 'objective') setParam(handle, k, v === 'reg:squarederror' ? 'reg:linear' : v);
        else {
          if (k === 'silent') silent = true;
          setParam(handle, k, v);
        }
      }
      if (!silent) setParam(handle, 'silent', '1');
      return new WasmBooster(wasm, handle, [data, lab], evals, metrics, counter);
    },
    load(bytes) {
      // XGBoost 1.x writes "binf" and its major version at byte 24; this 2018 build misreads such a model silently.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytes.length >= 28 && view.getUint32(0) === 0x62696e66 && view.getUint32(24, true) >= 1) {
        throw new Error(`the model was written by XGBoost ${view.getUint32(24, true)}.${view.getUint32(28, true)}, which the WebAssembly fallback (XGBoost 0.8) cannot read: install libxgboost (Debian: libxgboost0) to use native XGBoost`);
      }
      const ptr = wasm._malloc(bytes.length);
      wasm.HEAPU8.set(bytes, ptr);
      const handle = wasm._load_model(ptr, bytes.length);
      wasm._free(ptr);
      if (handle === 0) throw new Error('not an XGBoost model this build can read');
      return new WasmBooster(wasm, handle, [], [], [], counter);
    },
  };
}

function metricValue(metric: string, labels: Float32Array, predictions: Float64Array): number {
  switch (metric) {
    case 'logloss':
      return logLoss(labels, predictions);
    case 'error':
      return errorRate(labels, predictions);
    case 'auc':
      return rocAuc(labels, predictions);
    case 'rmse':
      return rmse(labels, predictions);
    case 'mae':
      return mae(labels, predictions);
    default:
      throw new Error(`eval_metric '${metric}' is not supported by the WebAssembly fallback`);
  }
}

class WasmBooster implements XGBoosterImpl {
  /** Per evaluation set, the sum of its rows' leaf values over the trees added so far (float32, as XGBoost sums). */
  private readonly sums: Float32Array[];
  /** Trees whose leaves are in `sums`. */
  private treesSummed = 0;

  constructor(
    private readonly wasm: XGBoostWasm,
    private handle: number,
    /** Heap buffers owned by the booster (the training matrix must outlive training). */
    private readonly owned: number[],
    private readonly evals: readonly LabelledSet[],
    private readonly metrics: readonly string[],
    private readonly counter: EvaluationCounter | undefined,
  ) {
    this.sums = evals.map((e) => new Float32Array(e.features.rows));
  }

  updateOneRound(): void {
    this.wasm._train_full_model(this.handle, 1);
  }

  evaluate(): EvalResult[] {
    const out: EvalResult[] = [];
    const model = parseModel(this.save());
    const transform = model ? TRANSFORMS[model.objective] : undefined;
    if (model && transform && model.groups === 1) {
      // Only the trees added since the last evaluation (one per round) are walked.
      for (; this.treesSummed < model.trees.length; this.treesSummed++) {
        const tree = model.trees[this.treesSummed] as Tree;
        this.evals.forEach((set, i) => addTree(tree, set.features, this.sums[i] as Float32Array));
        if (this.counter) for (const set of this.evals) this.counter.treeRows += set.features.rows;
      }
      this.evals.forEach((set, i) => {
        const sums = this.sums[i] as Float32Array;
        const predictions = new Float64Array(sums.length);
        for (let r = 0; r < sums.length; r++) predictions[r] = transform(Math.fround(model.baseMargin + (sums[r] as number)));
        for (const metric of this.metrics) out.push({ data: set.name, metric, value: metricValue(metric, set.labels, predictions) });
      });
      return out;
    }
    // An objective whose output transform is not known here: predict through every tree.
    for (const set of this.evals) {
      const predictions = this.predict(set.features);
      for (const metric of this.metrics) out.push({ data: set.name, metric, value: metricValue(metric, set.labels, predictions) });
    }
    return out;
  }

  predict(matrix: Matrix): Float64Array {
    const { wasm } = this;
    const out = new Float64Array(matrix.rows);
    if (matrix.rows === 0) return out;
    if (this.counter) this.counter.fullPredictionRows += matrix.rows;
    const rowPtr = wasm._malloc(matrix.cols * 4);
    const outPtr = wasm._malloc(64);
    try {
      for (let i = 0; i < matrix.rows; i++) {
        wasm.HEAPF32.set(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols), rowPtr / 4);
        wasm._predict_one(this.handle, rowPtr, matrix.cols, outPtr);
        out[i] = wasm.HEAPF32[outPtr / 4] as number;
      }
    } finally {
      wasm._free(rowPtr);
      wasm._free(outPtr);
    }
    return out;
  }

  save(): Uint8Array {
    const { wasm } = this;
    const size = wasm._save_model(this.handle);
    if (size < 0) throw new Error('saving the model failed');
    const ptr = wasm._malloc(size);
    try {
      wasm._get_file_content(ptr, size);
      return wasm.HEAPU8.slice(ptr, ptr + size);
    } finally {
      wasm._free(ptr);
    }
  }

  dispose(): void {
    if (this.handle !== 0) this.wasm._free_memory_model(this.handle);
    this.handle = 0;
    for (const p of this.owned.splice(0)) this.wasm._free(p);
  }
}

function copyToHeap(wasm: XGBoostWasm, values: Float32Array): number {
  const ptr = wasm._malloc(Math.max(4, values.byteLength));
  wasm.HEAPF32.set(values, ptr / 4);
  return ptr;
}

/** One regression tree of the saved model: per node, children (-1 for a leaf), split feature, default-left, value. */
interface Tree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Uint32Array;
  readonly defaultLeft: Uint8Array;
  /** Split threshold, or the leaf's value. */
  readonly value: Float32Array;
}

interface SavedModel {
  /** base_score as a margin (the model stores it transformed). */
  readonly baseMargin: number;
  readonly objective: string;
  readonly groups: number;
  readonly trees: readonly Tree[];
}

/** Prediction = transform(margin), per objective, as this XGBoost computes it in float32. */
const sigmoid = (x: number) => Math.fround(1 / (1 + Math.exp(-x)));
const TRANSFORMS: Readonly<Record<string, (margin: number) => number>> = {
  'binary:logistic': sigmoid,
  'reg:logistic': sigmoid,
  'binary:logitraw': (x) => x,
  'reg:linear': (x) => x,
  'reg:squarederror': (x) => x,
  'count:poisson': (x) => Math.fround(Math.exp(x)),
  'reg:gamma': (x) => Math.fround(Math.exp(x)),
  'reg:tweedie': (x) => Math.fround(Math.exp(x)),
  'binary:hinge': (x) => (x > 0 ? 1 : 0),
};

/**
 * XGBoost 0.8's binary model: LearnerModelParam (136 bytes: base_score, num_feature, ...), the objective and booster
 * names (uint64 length + bytes), GBTreeModelParam (160 bytes: num_trees at 0, num_output_group at 24), then per tree
 * TreeParam (148 bytes: num_nodes at 4, size_leaf_vector at 20), its nodes (20 bytes: parent, left, right, sindex,
 * value) and node stats (16 bytes each). Undefined for anything else (a dart booster, a leaf-vector tree).
 */
export function parseModel(bytes: Uint8Array): SavedModel | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 136;
  const text = () => {
    const n = Number(view.getBigUint64(at, true));
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + at + 8, n).toString('latin1');
    at += 8 + n;
    return s;
  };
  if (bytes.length < at + 16) return undefined;
  const objective = text();
  if (text() !== 'gbtree') return undefined;
  const numTrees = view.getInt32(at, true);
  const groups = view.getInt32(at + 24, true);
  at += 160;
  const trees: Tree[] = [];
  for (let t = 0; t < numTrees; t++) {
    const nodes = view.getInt32(at + 4, true);
    if (view.getInt32(at + 20, true) !== 0) return undefined;
    at += 148;
    const tree: Tree = { left: new Int32Array(nodes), right: new Int32Array(nodes), feature: new Uint32Array(nodes), defaultLeft: new Uint8Array(nodes), value: new Float32Array(nodes) };
    for (let n = 0; n < nodes; n++, at += 20) {
      tree.left[n] = view.getInt32(at + 4, true);
      tree.right[n] = view.getInt32(at + 8, true);
      const sindex = view.getUint32(at + 12, true);
      tree.feature[n] = sindex & 0x7fffffff;
      tree.defaultLeft[n] = sindex >>> 31;
      tree.value[n] = view.getFloat32(at + 16, true);
    }
    at += nodes * 16;
    trees.push(tree);
  }
  return { baseMargin: view.getFloat32(0, true), objective, groups, trees };
}

/** Adds each row's leaf value in `tree` to `sums` (a missing value takes the default branch, as XGBoost's does). */
function addTree(tree: Tree, matrix: Matrix, sums: Float32Array): void {
  const { left, right, feature, defaultLeft, value } = tree;
  const { data, cols } = matrix;
  for (let r = 0; r < matrix.rows; r++) {
    let n = 0;
    while ((left[n] as number) >= 0) {
      const v = data[r * cols + (feature[n] as number)] as number;
      n = Number.isNaN(v) ? (defaultLeft[n] ? (left[n] as number) : (right[n] as number)) : v < (value[n] as number) ? (left[n] as number) : (right[n] as number);
    }
    sums[r] = (sums[r] as number) + (value[n] as number);
  }
}
