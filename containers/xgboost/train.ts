/**
 * `train`: SageMaker's training-container contract for the built-in XGBoost algorithm.
 * Reads channels under /opt/ml/input/data/<channel> (`train` required, `validation` optional; text/csv with the label
 * in column 0, or text/libsvm), hyperparameters from /opt/ml/input/config/hyperparameters.json; logs one metric line per round in the
 * built-in image's format; writes /opt/ml/model/xgboost-model; on failure writes /opt/ml/output/failure and exits 1.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CsvChunks, CsvError, readNumericCsvFiles } from '../runtime/csv.ts';
import { type ChunkSource, spilled } from '../runtime/dense-chunks.ts';
import { LibsvmChunks, libsvmShape, readLibsvmFiles } from '../runtime/libsvm.ts';
import { containerPath } from '../runtime/paths.ts';
import { Booster, type LabelledSet, openXGBoost } from '../runtime/xgboost.ts';
import { HyperparameterError, resolveHyperparameters } from './hyperparameters.ts';

const ML = '/opt/ml';

export class TrainingInputError extends Error {}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

interface ChannelFiles {
  readonly name: string;
  readonly files: readonly string[];
  readonly libsvm: boolean;
}

/** A channel's files and format; undefined when the channel is absent. */
function channelFiles(channel: string, contentType: string | undefined): ChannelFiles | undefined {
  const dir = containerPath(`${ML}/input/data/${channel}`);
  if (!existsSync(dir)) return undefined;
  const type = (contentType ?? 'text/csv').split(';')[0]?.trim();
  const libsvm = type === 'text/libsvm' || type === 'libsvm';
  if (type !== 'text/csv' && type !== 'csv' && !libsvm) {
    throw new TrainingInputError(`channel '${channel}': content type '${contentType}' is not supported (use text/csv or text/libsvm)`);
  }
  const files = listFiles(dir);
  if (files.length === 0) throw new TrainingInputError(`channel '${channel}' has no files`);
  return { name: channel, files, libsvm };
}

/** Runs `read`, turning a parse error into a TrainingInputError that names the channel. */
function inChannel<T>(channel: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CsvError) throw new TrainingInputError(`channel '${channel}': ${error.message}`);
    throw error;
  }
}

/** The whole channel in one matrix (exact/approx/auto need XGBoost's in-memory DMatrix; the WebAssembly fallback too). */
function readChannel(ch: ChannelFiles, minWidth = 0): LabelledSet {
  return inChannel(ch.name, () => ({ name: ch.name, ...(ch.libsvm ? readLibsvmFiles(ch.files, minWidth) : readNumericCsvFiles(ch.files, { labelColumn: true })) }));
}

/**
 * The channel as re-readable chunks for XGBoost's iterator, counting its rows and checking its width (`expectCols`,
 * once known) as XGBoost pulls them.
 */
function channelChunks(ch: ChannelFiles, shape: { rows: number; cols: number }, expectCols: () => number, width: number): ChunkSource {
  const source = spilled(ch.libsvm ? new LibsvmChunks(ch.name, ch.files, width) : new CsvChunks(ch.name, ch.files));
  let rows = 0;
  return {
    name: ch.name,
    reset() {
      rows = 0;
      source.reset();
    },
    next() {
      const chunk = inChannel(ch.name, () => source.next());
      if (!chunk) {
        if (rows === 0) throw new TrainingInputError(`channel '${ch.name}' has no rows`);
        shape.rows = rows;
        return undefined;
      }
      const cols = expectCols();
      if (cols >= 0 && chunk.cols !== cols) throw new TrainingInputError(`channel '${ch.name}' has ${chunk.cols} features, 'train' has ${cols}`);
      rows += chunk.rows;
      shape.cols = chunk.cols;
      return chunk;
    },
    close: () => source.close(),
  };
}

/** Reads both channels whole and builds the booster on them. */
async function inMemoryBooster(train: ChannelFiles, validationFiles: ChannelFiles | undefined, params: Readonly<Record<string, string>>, log: (line: string) => void): Promise<Booster> {
  const trainSet = readChannel(train);
  if (trainSet.features.rows === 0) throw new TrainingInputError(`channel '${train.name}' has no rows`);
  const validation = validationFiles && readChannel(validationFiles, trainSet.features.cols);
  if (validation?.features.rows === 0) throw new TrainingInputError(`channel '${validation.name}' has no rows`);
  if (validation && validation.features.cols !== trainSet.features.cols) {
    throw new TrainingInputError(`channel 'validation' has ${validation.features.cols} features, 'train' has ${trainSet.features.cols}`);
  }
  log(`train: ${trainSet.features.rows} rows x ${trainSet.features.cols} features${validation ? `; validation: ${validation.features.rows} rows` : ''}`);
  // Native XGBoost holds its own copy once this returns; the WebAssembly fallback keeps these for its evaluation.
  return Booster.create(trainSet.features, trainSet.labels, params, validation ? [trainSet, validation] : [trainSet]);
}

/** Builds a `hist` booster from the channels a chunk at a time: neither channel's float rows are held whole. */
async function streamedBooster(train: ChannelFiles, validationFiles: ChannelFiles | undefined, params: Readonly<Record<string, string>>, log: (line: string) => void): Promise<Booster> {
  const trainShape = { rows: 0, cols: -1 };
  const validationShape = { rows: 0, cols: -1 };
  // libsvm's width is its widest index: found by a scan before the chunks (a validation set at least as wide as train).
  const libsvmWidth = (ch: ChannelFiles, min: number) => (ch.libsvm ? inChannel(ch.name, () => libsvmShape(ch.files, min)).width : 0);
  const trainWidth = libsvmWidth(train, 0);
  const trainChunks = channelChunks(train, trainShape, () => -1, trainWidth);
  const validation = validationFiles && channelChunks(validationFiles, validationShape, () => trainShape.cols, libsvmWidth(validationFiles, trainWidth));
  try {
    const booster = await Booster.createStreamed(trainChunks, validation ? [validation] : [], params);
    log(`train: ${trainShape.rows} rows x ${trainShape.cols} features${validation ? `; validation: ${validationShape.rows} rows` : ''} (read in chunks into XGBoost's QuantileDMatrix)`);
    return booster;
  } finally {
    trainChunks.close();
    validation?.close();
  }
}

/** A full garbage collection, in this program only (the flag is set at run time rather than on every node command line). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Smaller is better for every metric but AUC. */
const better = (metric: string, a: number, b: number) => (metric === 'auc' ? a > b : a < b);

const format = (v: number) => Number(v.toPrecision(5)).toString();

export async function train(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const config = JSON.parse(readFileSync(containerPath(`${ML}/input/config/hyperparameters.json`), 'utf8')) as Record<string, unknown>;
  const hp = resolveHyperparameters(config);
  const inputConfigFile = containerPath(`${ML}/input/config/inputdataconfig.json`);
  const channels = existsSync(inputConfigFile) ? (JSON.parse(readFileSync(inputConfigFile, 'utf8')) as Record<string, { ContentType?: string }>) : {};
  const { backend, fallbackReason } = await openXGBoost();
  log(`XGBoost: ${backend.description}${fallbackReason ? `; native XGBoost not used: ${fallbackReason}` : ''}`);
  const train = channelFiles('train', channels.train?.ContentType);
  if (!train) throw new TrainingInputError("channel 'train' is required (no /opt/ml/input/data/train)");
  const validation = channelFiles('validation', channels.validation?.ContentType);
  // `hist` on native XGBoost reads the channels in chunks (memory: XGBoost's bins, not the float rows); SAGEPIPE_XGBOOST_INPUT=memory
  // reads them whole as the other tree methods must.
  const streamed = process.env.SAGEPIPE_XGBOOST_INPUT !== 'memory' && (await Booster.canStream(hp.params));
  const booster = await (streamed ? streamedBooster : inMemoryBooster)(train, validation, hp.params, log);
  // Native XGBoost now holds its own row copy; freeing the parsed matrices before the first round matters because
  // exact/approx build a column copy there (peak: rows + columns, not rows + columns + ours).
  if (!streamed && booster.backend === 'native') collectGarbage();
  const stopMetric = hp.evalMetrics[hp.evalMetrics.length - 1] as string;
  let best = Number.NaN;
  let bestRound = 0;
  for (let round = 0; round < hp.numRound; round++) {
    booster.updateOneRound(round);
    const results = booster.evaluate(round);
    // XGBoost stops early on the last metric of the last evaluation set.
    const stopValue = results.at(-1)?.value ?? Number.NaN;
    // A tab between fields, as XGBoost prints; CloudWatch (and sagepipe's log view) shows it as #011.
    log(`[${round}]\t${results.map((r) => `${r.data}-${r.metric}:${format(r.value)}`).join('\t')}`);
    if (hp.earlyStoppingRounds !== undefined) {
      if (Number.isNaN(best) || better(stopMetric, stopValue, best)) {
        best = stopValue;
        bestRound = round;
      } else if (round - bestRound >= hp.earlyStoppingRounds) {
        log(`Stopping. Best iteration:\n[${bestRound}]\t${stopMetric}:${format(best)}`);
        break;
      }
    }
  }
  const modelDir = containerPath(`${ML}/model`);
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, 'xgboost-model'), booster.save());
  booster.dispose();
}

/** Runs `train` with SageMaker's failure contract: the reason in /opt/ml/output/failure, exit code 1. */
export async function trainMain(): Promise<number> {
  try {
    await train();
    return 0;
  } catch (error) {
    const known = error instanceof HyperparameterError || error instanceof TrainingInputError || error instanceof SyntaxError;
    const reason = `${known ? 'ClientError' : 'AlgorithmError'}: ${error instanceof Error ? error.message : String(error)}`;
    const outDir = containerPath(`${ML}/output`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'failure'), reason);
    process.stderr.write(`${reason}\n`);
    return 1;
  }
}
