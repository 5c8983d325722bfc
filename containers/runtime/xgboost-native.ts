/**
 * Native XGBoost (Debian's libxgboost 1.7, the version of SageMaker's 1.7-1 container) through its C API, called with
 * koffi (an FFI whose binary ships in its registry package: nothing is compiled or run at install time).
 *
 * Matrices are handed over as one Float32Array each (XGDMatrixCreateFromMat copies them into XGBoost's own storage,
 * so the JavaScript buffer can be dropped right after); per-round metrics come from XGBoost's own evaluation
 * (XGBoosterEvalOneIter), which keeps each evaluation set's margins up to date instead of re-predicting every tree.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChunkSource } from './dense-chunks.ts';
import type { EvalResult, Matrix, XGBoostBackend, XGBoosterImpl } from './xgboost-types.ts';

type Fn = (...args: unknown[]) => unknown;
type Handle = unknown;

interface Koffi {
  load(path: string): { func(signature: string): Fn };
  view(ptr: unknown, len: number): ArrayBuffer;
  proto(signature: string): unknown;
  alloc(type: string, length: number): unknown;
  free(ptr: unknown): void;
  address(ptr: unknown): bigint;
}

interface Api {
  readonly koffi: Koffi;
  readonly lastError: Fn;
  readonly dmatrixFromMat: Fn;
  readonly dmatrixFromMatThreads: Fn;
  readonly dmatrixNumCol: Fn;
  readonly proxyCreate: Fn;
  readonly proxySetDense: Fn;
  readonly quantileFromCallback: Fn;
  readonly dmatrixSetFloatInfo: Fn;
  readonly dmatrixFree: Fn;
  readonly boosterCreate: Fn;
  readonly boosterFree: Fn;
  readonly boosterSetParam: Fn;
  readonly boosterUpdateOneIter: Fn;
  readonly boosterEvalOneIter: Fn;
  readonly boosterPredict: Fn;
  readonly boosterSaveToBuffer: Fn;
  readonly boosterLoadFromBuffer: Fn;
  readonly version: Fn;
}

/** Where Debian (and most distributions) install the library; SAGEPIPE_LIBXGBOOST names another. */
export const LIBXGBOOST_CANDIDATES = ['/usr/lib/x86_64-linux-gnu/libxgboost.so.0', '/usr/lib/aarch64-linux-gnu/libxgboost.so.0', '/usr/lib/libxgboost.so', '/usr/local/lib/libxgboost.so'];

export type NativeProbe = { readonly ok: true; readonly backend: XGBoostBackend } | { readonly ok: false; readonly reason: string };

/** Finds libxgboost and koffi; says why not when either is missing (the caller then falls back to WebAssembly). */
export function probeNative(env: NodeJS.ProcessEnv = process.env): NativeProbe {
  const explicit = env.SAGEPIPE_LIBXGBOOST;
  const path = explicit ? (existsSync(explicit) ? explicit : undefined) : LIBXGBOOST_CANDIDATES.find((p) => existsSync(p));
  if (!path) return { ok: false, reason: explicit ? `SAGEPIPE_LIBXGBOOST=${explicit} does not exist` : `libxgboost not found (looked in ${LIBXGBOOST_CANDIDATES.join(', ')})` };
  let koffi: Koffi;
  try {
    const require = createRequire(import.meta.url);
    const mod = require('koffi') as Koffi & { default?: Koffi };
    koffi = mod.default ?? mod;
  } catch (error) {
    return { ok: false, reason: `koffi is not installed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  // OpenMP threads spin while they wait by default; on a busy machine (more runnable threads than cores) that made
  // 2-thread training 3-4x slower than 1 thread. Passive waiting is read once, when libgomp loads.
  if (env === process.env) process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    const api = bind(koffi, path);
    const v: [number[], number[], number[]] = [[0], [0], [0]];
    api.version(...v);
    const version = v.map((x) => x[0]).join('.');
    if (!version.startsWith('1.')) return { ok: false, reason: `${path} is XGBoost ${version}; sagepipe's native path needs 1.x (the built-in container's 1.7)` };
    return { ok: true, backend: nativeBackend(api, `native XGBoost ${version} (${path})`) };
  } catch (error) {
    return { ok: false, reason: `cannot load ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Koffi keeps named prototypes for the whole process: declared once, whichever library is bound. */
let iteratorProtos = false;

function bind(koffi: Koffi, path: string): Api {
  const lib = koffi.load(path);
  const f = (s: string) => lib.func(s);
  if (!iteratorProtos) {
    for (const signature of ['int SagepipeXGBNext(void *iter)', 'void SagepipeXGBReset(void *iter)']) {
      try {
        koffi.proto(signature);
      } catch (error) {
        // Another copy of this module (another bundle) in the same process declared it already, identically.
        if (!(error instanceof Error && error.message.startsWith('Duplicate type name'))) throw error;
      }
    }
    iteratorProtos = true;
  }
  return {
    koffi,
    lastError: f('const char *XGBGetLastError()'),
    version: f('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)'),
    dmatrixFromMat: f('int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void **out)'),
    dmatrixFromMatThreads: f('int XGDMatrixCreateFromMat_omp(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void **out, int nthread)'),
    dmatrixNumCol: f('int XGDMatrixNumCol(void *handle, _Out_ uint64_t *out)'),
    proxyCreate: f('int XGProxyDMatrixCreate(_Out_ void **out)'),
    proxySetDense: f('int XGProxyDMatrixSetDataDense(void *handle, const char *array_interface)'),
    quantileFromCallback: f(
      'int XGQuantileDMatrixCreateFromCallback(void *iter, void *proxy, void *ref, SagepipeXGBReset *reset, SagepipeXGBNext *next, const char *config, _Out_ void **out)',
    ),
    dmatrixSetFloatInfo: f('int XGDMatrixSetFloatInfo(void *handle, const char *field, const float *array, uint64_t len)'),
    dmatrixFree: f('int XGDMatrixFree(void *handle)'),
    boosterCreate: f('int XGBoosterCreate(void **dmats, uint64_t len, _Out_ void **out)'),
    boosterFree: f('int XGBoosterFree(void *handle)'),
    boosterSetParam: f('int XGBoosterSetParam(void *handle, const char *name, const char *value)'),
    boosterUpdateOneIter: f('int XGBoosterUpdateOneIter(void *handle, int iter, void *dtrain)'),
    boosterEvalOneIter: f('int XGBoosterEvalOneIter(void *handle, int iter, void **dmats, const char **names, uint64_t len, _Out_ const char **out)'),
    boosterPredict: f('int XGBoosterPredict(void *handle, void *dmat, int option_mask, unsigned int ntree_limit, int training, _Out_ uint64_t *out_len, _Out_ void **out_result)'),
    boosterSaveToBuffer: f('int XGBoosterSaveModelToBuffer(void *handle, const char *config, _Out_ uint64_t *out_len, _Out_ void **out_dptr)'),
    boosterLoadFromBuffer: f('int XGBoosterLoadModelFromBuffer(void *handle, const uint8_t *buf, uint64_t len)'),
  };
}

function check(api: Api, rc: unknown, what: string): void {
  if (rc !== 0) throw new Error(`XGBoost ${what}: ${String(api.lastError())}`);
}

/** An in-memory DMatrix (XGBoost's CSR copy of the rows); with `nthread`, built on that many threads, as Python does. */
function dmatrix(api: Api, matrix: Matrix, labels?: Float32Array, nthread?: number): Handle {
  const out: Handle[] = [null];
  if (nthread === undefined) check(api, api.dmatrixFromMat(matrix.data, matrix.rows, matrix.cols, Number.NaN, out), 'XGDMatrixCreateFromMat');
  else check(api, api.dmatrixFromMatThreads(matrix.data, matrix.rows, matrix.cols, Number.NaN, out, nthread), 'XGDMatrixCreateFromMat_omp');
  if (labels) check(api, api.dmatrixSetFloatInfo(out[0], 'label', labels, labels.length), 'XGDMatrixSetFloatInfo(label)');
  return out[0];
}

function nativeBackend(api: Api, description: string): XGBoostBackend {
  return {
    kind: 'native',
    description,
    create(train, evals, params) {
      const owned: Handle[] = [];
      try {
        const nthread = threadsOf(params);
        const dtrain = dmatrix(api, train.features, train.labels, nthread);
        owned.push(dtrain);
        const watch = evals.map((e) => {
          const h = e.name === 'train' && e.features === train.features ? dtrain : dmatrix(api, e.features, e.labels, nthread);
          if (h !== dtrain) owned.push(h);
          return h;
        });
        return boosterOn(api, dtrain, watch, evals.map((e) => e.name), owned, params);
      } catch (error) {
        for (const h of owned) api.dmatrixFree(h);
        throw error;
      }
    },
    createStreamed(train, validation, params) {
      const owned: Handle[] = [];
      try {
        // The same bins for every set, as Python's QuantileDMatrix(ref=...) gives them; max_bin must match the booster's.
        const config = `{"missing": NaN, "nthread": ${threadsOf(params)}, "max_bin": ${Number(params.find(([k]) => k === 'max_bin')?.[1] ?? 256)}}`;
        const dtrain = quantileDMatrix(api, train, null, config);
        owned.push(dtrain);
        for (const v of validation) owned.push(quantileDMatrix(api, v, dtrain, config));
        return boosterOn(api, dtrain, owned, [train.name, ...validation.map((v) => v.name)], owned, params);
      } catch (error) {
        for (const h of owned) api.dmatrixFree(h);
        throw error;
      }
    },
    load(bytes) {
      const out: Handle[] = [null];
      check(api, api.boosterCreate([], 0, out), 'XGBoosterCreate');
      const booster = new NativeBooster(api, out[0], null, [], [], []);
      try {
        check(api, api.boosterLoadFromBuffer(out[0], bytes, bytes.length), 'XGBoosterLoadModelFromBuffer');
      } catch (error) {
        booster.dispose();
        throw error;
      }
      return booster;
    },
  };
}

/** `nthread` as XGBoost's data constructors take it: 0 for all cores (the booster's default too). */
function threadsOf(params: readonly (readonly [string, string])[]): number {
  return Number(params.find(([k]) => k === 'nthread')?.[1] ?? 0);
}

/** A booster over `dtrain` evaluating `watch` (named `names`) each round; frees `owned` with itself. */
function boosterOn(api: Api, dtrain: Handle, watch: readonly Handle[], names: readonly string[], owned: Handle[], params: readonly (readonly [string, string])[]): NativeBooster {
  const out: Handle[] = [null];
  check(api, api.boosterCreate([dtrain, ...watch.filter((h) => h !== dtrain)], owned.length, out), 'XGBoosterCreate');
  const booster = new NativeBooster(api, out[0], dtrain, watch, names, owned);
  // 1.7 replaced `silent` by `verbosity` and warns about the old name.
  const silent = params.find(([k]) => k === 'silent')?.[1] === '1';
  if (silent && !params.some(([k]) => k === 'verbosity')) booster.setParam('verbosity', '0');
  for (const [k, v] of params) if (k !== 'silent') booster.setParam(k, v);
  return booster;
}

/**
 * XGBoost's QuantileDMatrix fed through its C data iterator: XGBoost pulls one chunk at a time (copied into a native
 * staging buffer it reads by address) and keeps only its 1-byte bin indices, never the float rows. With `ref`, the
 * bins are `ref`'s (a validation set binned like the training set).
 */
function quantileDMatrix(api: Api, source: ChunkSource, ref: Handle | null, config: string): Handle {
  const proxy: Handle[] = [null];
  check(api, api.proxyCreate(proxy), 'XGProxyDMatrixCreate');
  let staging: unknown = null;
  let capacity = 0;
  // A callback must not throw through C: the first error stops the iteration and is thrown once XGBoost returns.
  let failure: { error: unknown } | undefined;
  const next = (): number => {
    if (failure) return 0;
    try {
      const chunk = source.next();
      if (!chunk) return 0;
      const n = chunk.rows * chunk.cols;
      if (n > capacity) {
        if (staging !== null) api.koffi.free(staging);
        capacity = n;
        staging = api.koffi.alloc('float', Math.max(1, n));
      }
      new Float32Array(api.koffi.view(staging, n * 4)).set(chunk.data.subarray(0, n));
      const array = `{"data": [${Number(api.koffi.address(staging))}, true], "shape": [${chunk.rows}, ${chunk.cols}], "typestr": "<f4", "version": 3}`;
      check(api, api.proxySetDense(proxy[0], array), 'XGProxyDMatrixSetDataDense');
      check(api, api.dmatrixSetFloatInfo(proxy[0], 'label', chunk.labels, chunk.rows), 'XGDMatrixSetFloatInfo(label)');
      return 1;
    } catch (error) {
      failure = { error };
      return 0;
    }
  };
  const reset = (): void => {
    if (failure) return;
    try {
      source.reset();
    } catch (error) {
      failure = { error };
    }
  };
  const out: Handle[] = [null];
  try {
    const rc = api.quantileFromCallback(null, proxy[0], ref, reset, next, config, out);
    if (failure) {
      if (rc === 0) api.dmatrixFree(out[0]);
      throw failure.error;
    }
    check(api, rc, 'XGQuantileDMatrixCreateFromCallback');
    return out[0];
  } finally {
    api.dmatrixFree(proxy[0]);
    if (staging !== null) api.koffi.free(staging);
  }
}

class NativeBooster implements XGBoosterImpl {
  constructor(
    private readonly api: Api,
    private handle: Handle,
    private readonly dtrain: Handle,
    private readonly watch: readonly Handle[],
    private readonly names: readonly string[],
    private readonly owned: Handle[],
  ) {}

  setParam(name: string, value: string): void {
    check(this.api, this.api.boosterSetParam(this.handle, name, value), `XGBoosterSetParam(${name})`);
  }

  updateOneRound(round: number): void {
    check(this.api, this.api.boosterUpdateOneIter(this.handle, round, this.dtrain), 'XGBoosterUpdateOneIter');
  }

  evaluate(round: number): EvalResult[] {
    if (this.watch.length === 0) return [];
    const out: (string | null)[] = [null];
    check(this.api, this.api.boosterEvalOneIter(this.handle, round, [...this.watch], [...this.names], this.watch.length, out), 'XGBoosterEvalOneIter');
    return parseEvalLine(String(out[0]));
  }

  predict(matrix: Matrix): Float64Array {
    if (matrix.rows === 0) return new Float64Array(0);
    const d = dmatrix(this.api, matrix);
    try {
      const len: number[] = [0];
      const ptr: unknown[] = [null];
      check(this.api, this.api.boosterPredict(this.handle, d, 0, 0, 0, len, ptr), 'XGBoosterPredict');
      const n = Number(len[0]);
      return Float64Array.from(new Float32Array(this.api.koffi.view(ptr[0], n * 4)));
    } finally {
      this.api.dmatrixFree(d);
    }
  }

  save(): Uint8Array {
    const len: number[] = [0];
    const ptr: unknown[] = [null];
    // "deprecated" is 1.7's binary format: what the built-in container's save_model('xgboost-model') writes.
    check(this.api, this.api.boosterSaveToBuffer(this.handle, '{"format": "deprecated"}', len, ptr), 'XGBoosterSaveModelToBuffer');
    return new Uint8Array(this.api.koffi.view(ptr[0], Number(len[0])).slice(0));
  }

  dispose(): void {
    if (this.handle !== null) this.api.boosterFree(this.handle);
    this.handle = null;
    for (const h of this.owned.splice(0)) this.api.dmatrixFree(h);
  }
}

/** `[3]\ttrain-logloss:0.41\tvalidation-logloss:0.43` → one result per data set and metric, in XGBoost's order. */
export function parseEvalLine(line: string): EvalResult[] {
  const results: EvalResult[] = [];
  for (const part of line.split('\t').slice(1)) {
    const colon = part.lastIndexOf(':');
    const key = part.slice(0, colon);
    const dash = key.indexOf('-');
    results.push({ data: key.slice(0, dash), metric: key.slice(dash + 1), value: Number(part.slice(colon + 1)) });
  }
  return results;
}
