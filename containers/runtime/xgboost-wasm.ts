/**
 * The portable fallback: ml-xgboost's WebAssembly build (an XGBoost of 2018, 32-bit, single-threaded), called directly
 * with buffers on the module's heap.
 *
 * ml-xgboost's own JavaScript wrapper passes the training matrix through `cwrap(..., 'array')`, which copies it onto
 * the WebAssembly stack and overflows at about 16k rows x 100 features; it also predicts row by row through fresh
 * copies. Here matrices are written once into `_malloc`ed heap memory and passed by pointer. Metrics are computed here
 * from a full prediction per round (this build has no evaluation API), which native XGBoost avoids.
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

export async function wasmBackend(): Promise<XGBoostBackend> {
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
      return new WasmBooster(wasm, handle, [data, lab], evals, metrics);
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
      return new WasmBooster(wasm, handle, [], [], []);
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
  constructor(
    private readonly wasm: XGBoostWasm,
    private handle: number,
    /** Heap buffers owned by the booster (the training matrix must outlive training). */
    private readonly owned: number[],
    private readonly evals: readonly LabelledSet[],
    private readonly metrics: readonly string[],
  ) {}

  updateOneRound(): void {
    this.wasm._train_full_model(this.handle, 1);
  }

  evaluate(): EvalResult[] {
    const out: EvalResult[] = [];
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
