/**
 * `train`: SageMaker's training-container contract for the built-in XGBoost algorithm.
 * Reads channels under /opt/ml/input/data/<channel> (`train` required, `validation` optional; text/csv with the label
 * in column 0, or text/libsvm), hyperparameters from /opt/ml/input/config/hyperparameters.json; logs one metric line per round in the
 * built-in image's format; writes /opt/ml/model/xgboost-model; on failure writes /opt/ml/output/failure and exits 1.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvError, readNumericCsvFiles } from '../runtime/csv.ts';
import { readLibsvmFiles } from '../runtime/libsvm.ts';
import { readHyperparameters, readInputDataConfig, writeFailure } from '../contract/job-config.ts';
import { ContainerPaths, ModelArchive, channelPath, containerPath } from '../contract/paths.ts';
import { ContentType, mediaType } from '../contract/serving.ts';
import { Booster, type LabelledSet, openXGBoost } from '../runtime/xgboost.ts';
import { HyperparameterError, resolveHyperparameters } from './hyperparameters.ts';

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

function readChannel(channel: string, contentType: string | undefined, minWidth = 0): LabelledSet | undefined {
  const dir = containerPath(channelPath(channel));
  if (!existsSync(dir)) return undefined;
  const type = mediaType(contentType);
  const libsvm = type === ContentType.libsvm || type === 'libsvm';
  if (type !== ContentType.csv && type !== 'csv' && !libsvm) {
    throw new TrainingInputError(`channel '${channel}': content type '${contentType}' is not supported (use text/csv or text/libsvm)`);
  }
  const files = listFiles(dir);
  if (files.length === 0) throw new TrainingInputError(`channel '${channel}' has no files`);
  try {
    return { name: channel, ...(libsvm ? readLibsvmFiles(files, minWidth) : readNumericCsvFiles(files, { labelColumn: true })) };
  } catch (error) {
    if (error instanceof CsvError) throw new TrainingInputError(`channel '${channel}': ${error.message}`);
    throw error;
  }
}

/** Smaller is better for every metric but AUC. */
const better = (metric: string, a: number, b: number) => (metric === 'auc' ? a > b : a < b);

const format = (v: number) => Number(v.toPrecision(5)).toString();

export async function train(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const hp = resolveHyperparameters(readHyperparameters());
  const channels = readInputDataConfig();
  const { backend, fallbackReason } = await openXGBoost();
  log(`XGBoost: ${backend.description}${fallbackReason ? `; native XGBoost not used: ${fallbackReason}` : ''}`);
  let trainSet = readChannel('train', channels.train?.ContentType ?? undefined);
  if (!trainSet) throw new TrainingInputError(`channel 'train' is required (no ${channelPath('train')})`);
  let validation = readChannel('validation', channels.validation?.ContentType ?? undefined, trainSet.features.cols);
  if (validation && validation.features.cols !== trainSet.features.cols) {
    throw new TrainingInputError(`channel 'validation' has ${validation.features.cols} features, 'train' has ${trainSet.features.cols}`);
  }
  log(`train: ${trainSet.features.rows} rows x ${trainSet.features.cols} features${validation ? `; validation: ${validation.features.rows} rows` : ''}`);

  const booster = await Booster.create(trainSet.features, trainSet.labels, hp.params, validation ? [trainSet, validation] : [trainSet]);
  // Native XGBoost holds its own copy of the data now; the WebAssembly fallback keeps these for its evaluation.
  trainSet = undefined;
  validation = undefined;
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
  const modelDir = containerPath(ContainerPaths.model);
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, ModelArchive.xgboostModel), booster.save());
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
    writeFailure(reason);
    process.stderr.write(`${reason}\n`);
    return 1;
  }
}
