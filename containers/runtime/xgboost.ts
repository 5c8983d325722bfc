/**
 * XGBoost through ml-xgboost's WebAssembly build, called directly with buffers on the module's heap.
 *
 * ml-xgboost's own JavaScript wrapper passes the training matrix through `cwrap(..., 'array')`, which copies it onto
 * the WebAssembly stack and overflows at about 16k rows x 100 features; it also predicts row by row through fresh
 * copies. Here matrices are written once into `_malloc`ed heap memory and passed by pointer.
 */
import { createRequire } from 'node:module';

interface XGBoostWasm {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _create_model(data: number, labels: number, rows: number, cols: number): number;
  _free_memory_model(model: number): void;
  _train_full_model(model: number, iterations: number): void;
  _predict_one(model: number, row: number, cols: number, out: number): number;
  _prediction_size(model: number, row: number, cols: number, out: number): number;
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

/** A dense row-major matrix of float32 values. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export class Booster {
  private constructor(
    private readonly wasm: XGBoostWasm,
    private handle: number,
    /** Heap buffers owned by the booster (the training matrix must outlive training). */
    private readonly owned: number[],
  ) {}

  /** Creates a booster on a training matrix with its labels and parameters (XGBoost's names, as strings). */
  static async create(train: Matrix, labels: Float32Array, params: Readonly<Record<string, string>>): Promise<Booster> {
    const wasm = await loadWasm();
    const data = copyToHeap(wasm, train.data);
    const lab = copyToHeap(wasm, labels);
    const handle = wasm._create_model(data, lab, train.rows, train.cols);
    const setParam = wasm.cwrap('set_param', null, ['number', 'string', 'string']);
    for (const [k, v] of Object.entries(params)) setParam(handle, k, v);
    return new Booster(wasm, handle, [data, lab]);
  }

  /** Loads a model saved by `save()` or by XGBoost's binary format. */
  static async load(bytes: Uint8Array): Promise<Booster> {
    const wasm = await loadWasm();
    const ptr = wasm._malloc(bytes.length);
    wasm.HEAPU8.set(bytes, ptr);
    const handle = wasm._load_model(ptr, bytes.length);
    wasm._free(ptr);
    if (handle === 0) throw new Error('not an XGBoost model this build can read');
    return new Booster(wasm, handle, []);
  }

  /** Adds one boosting round. */
  updateOneRound(): void {
    this.wasm._train_full_model(this.handle, 1);
  }

  /** Predicts every row (probabilities for binary:logistic); one value per row. */
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

  /** The model in XGBoost's binary format, which XGBoost itself (Python, R, JVM) loads. */
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
