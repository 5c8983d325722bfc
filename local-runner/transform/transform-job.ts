/**
 * A transform job (CreateTransformJob) on the local runner: the model's inference container is started with its
 * model data (the `serve` contract: /ping, /invocations) on a loopback port; every object under the input prefix is
 * split into records (SplitType), batched (BatchStrategy, MaxPayloadInMB), filtered (DataProcessing), sent with
 * ContentType/Accept up to MaxConcurrentTransforms requests at once, and the answers — joined and filtered per record
 * — are assembled (AssembleWith) into `<input key>.out` under S3OutputPath. A record the model rejects fails the job
 * with the container's reason.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { freePort } from '../free-port.ts';
import { join, relative } from 'node:path';
import type { Json, JsonObject } from '../../src/definition/types.ts';
import { type JobContext, JobFailure } from '../../src/engine/backend.ts';
import { errorMessage } from '../../src/errors.ts';
import { extractModel } from '../../containers/contract/model-archive.ts';
import { ContainerPaths, ModelArchive, underRoot } from '../../containers/contract/paths.ts';
import { DEFAULT_CONTENT_TYPE, Serving, errorReason } from '../../containers/contract/serving.ts';
import type { ModelStore } from '../model-store.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import type { LocalS3 } from '../s3/local-s3.ts';
import { FilterError, type ParsedRecord, applyFilter, joinRecords, parseRecord, renderRecord } from './record-filter.ts';

export interface TransformEnvironment {
  readonly s3: LocalS3;
  readonly models: ModelStore;
  readonly runtime: ContainerRuntime;
  /** The job's folder (standing in for the container's `/`). */
  readonly root: string;
  /** Makes the model's image available and returns its local name. */
  readonly image: (uri: string) => Promise<string>;
  /** How long to wait for /ping. @default 60 s */
  readonly startTimeoutMs?: number;
}

const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const clientError = (message: string) => new JobFailure('ClientError', `ClientError: ${message}`);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}

/** Runs `task` over `items` with at most `limit` at once, in order of results. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

interface Settings {
  readonly split: 'Line' | 'None';
  readonly strategy: 'SingleRecord' | 'MultiRecord';
  readonly maxPayloadBytes: number;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly assemble: 'Line' | 'None';
  readonly inputFilter: string;
  readonly joinInput: boolean;
  readonly outputFilter: string;
  readonly concurrency: number;
}

function settingsOf(request: JsonObject): Settings {
  const input = obj(request.TransformInput);
  const output = obj(request.TransformOutput);
  const dp = obj(request.DataProcessing);
  const split = str(input.SplitType) ?? 'None';
  if (split !== 'Line' && split !== 'None') throw clientError(`SplitType ${split} is not supported locally (Line, None)`);
  const strategy = str(request.BatchStrategy) ?? 'MultiRecord';
  if (strategy !== 'SingleRecord' && strategy !== 'MultiRecord') throw clientError(`BatchStrategy ${strategy} must be SingleRecord or MultiRecord`);
  const compression = str(input.CompressionType) ?? 'None';
  if (compression !== 'None') throw clientError(`CompressionType ${compression} is not supported locally`);
  const assemble = str(output.AssembleWith) ?? 'None';
  if (assemble !== 'Line' && assemble !== 'None') throw clientError(`AssembleWith ${assemble} must be Line or None`);
  const join = str(dp.JoinSource) ?? 'None';
  if (join !== 'Input' && join !== 'None') throw clientError(`DataProcessing.JoinSource ${join} must be Input or None`);
  const payload = typeof request.MaxPayloadInMB === 'number' ? request.MaxPayloadInMB : 6;
  const concurrency = typeof request.MaxConcurrentTransforms === 'number' && request.MaxConcurrentTransforms > 0 ? request.MaxConcurrentTransforms : 1;
  return {
    split,
    strategy,
    maxPayloadBytes: payload * 1024 * 1024,
    contentType: str(input.ContentType),
    accept: str(output.Accept),
    assemble,
    inputFilter: str(dp.InputFilter) ?? '$',
    joinInput: join === 'Input',
    outputFilter: str(dp.OutputFilter) ?? '$',
    concurrency,
  };
}

/** A request body and the records it carries. */
interface Batch {
  readonly records: readonly string[];
  readonly firstRecord: number;
}

function batchesOf(records: readonly string[], s: Settings): Batch[] {
  if (s.strategy === 'SingleRecord' || s.split === 'None') return records.map((r, i) => ({ records: [r], firstRecord: i }));
  const out: Batch[] = [];
  let current: string[] = [];
  let size = 0;
  let first = 0;
  records.forEach((r, i) => {
    const bytes = Buffer.byteLength(r) + 1;
    if (current.length > 0 && size + bytes > s.maxPayloadBytes) {
      out.push({ records: current, firstRecord: first });
      current = [];
      size = 0;
      first = i;
    }
    current.push(r);
    size += bytes;
  });
  if (current.length > 0) out.push({ records: current, firstRecord: first });
  return out;
}

/** Splits a model's answer for a batch back into one answer per record. */
function answersOf(body: string, batch: Batch): string[] {
  if (batch.records.length === 1) return [body.replace(/\n$/, '')];
  const trimmed = body.trim();
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(parsed) ? parsed : (parsed as { predictions?: unknown })?.predictions;
    if (Array.isArray(list) && list.length === batch.records.length) return list.map((v) => JSON.stringify(v));
  } catch {
    // Not JSON: one line per record.
  }
  const lines = trimmed.split('\n');
  if (lines.length !== batch.records.length) {
    throw clientError(`the model answered ${lines.length} lines for a batch of ${batch.records.length} records; use BatchStrategy SingleRecord`);
  }
  return lines;
}

export async function runTransform(request: JsonObject, ctx: JobContext, env: TransformEnvironment): Promise<{ outputs: string[] }> {
  const s = settingsOf(request);
  const modelName = str(request.ModelName);
  if (!modelName) throw clientError('ModelName is required');
  let model: JsonObject;
  try {
    model = await env.models.describe(modelName);
  } catch (error) {
    throw clientError(`Could not find model "${modelName}" (${errorMessage(error)})`);
  }
  const container = obj(model.PrimaryContainer);
  const image = await env.image(str(container.Image) ?? '');
  const dataUrl = str(container.ModelDataUrl);
  const source = obj(obj(obj(request.TransformInput).DataSource).S3DataSource);
  const inputUri = str(source.S3Uri);
  if (!inputUri?.startsWith('s3://')) throw clientError('TransformInput.DataSource.S3DataSource.S3Uri must be an s3:// URI');
  if ((str(source.S3DataType) ?? 'S3Prefix') !== 'S3Prefix') throw clientError(`S3DataType ${str(source.S3DataType)} is not supported locally (S3Prefix)`);
  const outputPath = str(obj(request.TransformOutput).S3OutputPath);
  if (!outputPath?.startsWith('s3://')) throw clientError('TransformOutput.S3OutputPath must be an s3:// URI');

  await rm(env.root, { recursive: true, force: true });
  const modelDir = underRoot(env.root, ContainerPaths.model);
  const inputDir = join(env.root, 'input');
  await mkdir(modelDir, { recursive: true });
  await mkdir(inputDir, { recursive: true });
  if (dataUrl) {
    try {
      await env.s3.downloadPrefix(dataUrl, env.root);
      await extractModel(join(env.root, ModelArchive.file), modelDir);
    } catch (error) {
      throw clientError(`model data ${dataUrl} could not be read: ${errorMessage(error)}`);
    }
  }
  // The prefix's objects, keyed by their path below the prefix (a prefix that is one object is that object).
  const prefix = inputUri.replace(/\/+$/, '');
  const single = await env.s3.headObject(prefix);
  const files: { key: string; path: string }[] = [];
  if (single) {
    const path = join(inputDir, prefix.split('/').pop() as string);
    await writeFile(path, await env.s3.getObject(prefix));
    files.push({ key: prefix.split('/').pop() as string, path });
  } else {
    try {
      await env.s3.downloadPrefix(`${prefix}/`, inputDir);
    } catch (error) {
      throw clientError(`input ${inputUri}: ${errorMessage(error)}`);
    }
    for (const path of await filesUnder(inputDir)) files.push({ key: relative(inputDir, path).split('\\').join('/'), path });
  }
  if (files.length === 0) throw clientError(`no objects under ${inputUri}`);

  const port = await freePort();
  const logFile = join(env.root, 'transform.log');
  const id = await env.runtime.startDetached(
    {
      image,
      args: ['serve'],
      env: Object.fromEntries(Object.entries(obj(request.Environment)).map(([k, v]) => [k, str(v) ?? ''])),
      root: env.root,
      labels: { 'sagepipe.execution': ctx.executionId, 'sagepipe.step': ctx.stepName, 'sagepipe.job': ctx.jobName },
      networkIsolation: false,
      port: { container: Serving.port, host: port },
    },
    logFile,
  );
  const url = `http://127.0.0.1:${port}`;
  const outputs: string[] = [];
  try {
    await waitForPing(url, id, env, logFile, ctx);
    for (const file of files) {
      if (ctx.signal.aborted) throw new JobFailure('Stopped', `transform job ${ctx.jobName} was stopped`);
      const text = await readFile(file.path, 'utf8');
      const raw = s.split === 'Line' ? text.split('\n').filter((l) => l.trim() !== '') : [text];
      const parsed = raw.map((r) => parseRecord(r, s.contentType));
      let filtered: string[];
      try {
        filtered = parsed.map((r) => (s.inputFilter === '$' && s.split === 'None' ? raw[0] as string : renderRecord(applyFilter(s.inputFilter, r))));
      } catch (error) {
        throw clientError(`${file.key}: DataProcessing.InputFilter: ${errorMessage(error)}`);
      }
      const batches = batchesOf(filtered, s);
      const answers = await pool(batches, s.concurrency, async (batch) => {
        const res = await invoke(url, batch.records.join('\n'), s, ctx);
        if (!res.ok) {
          const where = batch.records.length === 1 ? `record ${batch.firstRecord + 1}` : `records ${batch.firstRecord + 1}-${batch.firstRecord + batch.records.length}`;
          throw clientError(`the model rejected ${where} of ${file.key}: ${res.status} ${res.reason} (see the step's log)`);
        }
        return answersOf(res.body, batch);
      });
      const perRecord = answers.flat();
      let lines: string[];
      try {
        lines = perRecord.map((answer, i) => {
          const joined: ParsedRecord = s.joinInput ? joinRecords(parsed[i] as ParsedRecord, answer) : parseRecord(answer, s.accept);
          return s.outputFilter === '$' && !s.joinInput ? answer : renderRecord(applyFilter(s.outputFilter, joined));
        });
      } catch (error) {
        if (error instanceof FilterError) throw clientError(`${file.key}: DataProcessing.OutputFilter: ${error.message}`);
        throw error;
      }
      const body = s.assemble === 'Line' ? lines.map((l) => `${l}\n`).join('') : lines.join('');
      const target = `${outputPath.replace(/\/+$/, '')}/${file.key}.out`;
      await env.s3.putObject(target, body);
      outputs.push(target);
      ctx.log(`${file.key}: ${raw.length} record(s) in ${batches.length} request(s) → ${target}`, 'stdout');
    }
  } finally {
    await env.runtime.remove(id).catch(() => undefined);
    const log = await readFile(logFile, 'utf8').catch(() => '');
    for (const line of log.split('\n').filter(Boolean).slice(-50)) ctx.log(line, 'stdout');
  }
  return { outputs };
}

async function waitForPing(url: string, id: string, env: TransformEnvironment, logFile: string, ctx: JobContext): Promise<void> {
  const deadline = Date.now() + (env.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (ctx.signal.aborted) throw new JobFailure('Stopped', `transform job ${ctx.jobName} was stopped`);
    try {
      if ((await fetch(`${url}${Serving.ping}`, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    if (!(await env.runtime.inspect(id)).running) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const lines = await env.runtime.logs(id, logFile, 5);
  throw new JobFailure('AlgorithmError', `AlgorithmError: the model's inference container did not answer ${Serving.ping}${lines.length ? `; last output: ${lines.join(' | ')}` : ''}`);
}

async function invoke(url: string, body: string, s: Settings, ctx: JobContext): Promise<{ ok: boolean; status: number; body: string; reason: string }> {
  const headers: Record<string, string> = { 'Content-Type': s.contentType ?? DEFAULT_CONTENT_TYPE };
  if (s.accept) headers.Accept = s.accept;
  let res: Response;
  try {
    res = await fetch(`${url}${Serving.invocations}`, { method: 'POST', headers, body, signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) throw new JobFailure('Stopped', `transform job ${ctx.jobName} was stopped`);
    throw new JobFailure('AlgorithmError', `AlgorithmError: the inference container did not answer: ${errorMessage(error)}`);
  }
  const text = await res.text();
  return { ok: res.ok, status: res.status, body: text, reason: errorReason(text) };
}
