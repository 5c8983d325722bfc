/**
 * adultEval: loads the trained model from model.tar.gz, predicts the test split (label in column 0), thresholds at
 * 0.5 and writes evaluation.json with `metrics.accuracy.value` (the reference's layout) and more metrics.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Booster, binaryMetrics, extractModel, parseNumericCsv, processingJob } from 'sagepipe/container';

async function main(): Promise<void> {
  const job = processingJob();
  const modelDir = mkdtempSync(join(tmpdir(), 'model-'));
  await extractModel(join(job.path('/opt/ml/processing/model'), 'model.tar.gz'), modelDir);
  const booster = await Booster.load(readFileSync(join(modelDir, 'xgboost-model')));

  const testDir = job.path('/opt/ml/processing/test');
  const text = readdirSync(testDir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => readFileSync(join(testDir, f), 'utf8'))
    .join('');
  const { features, labels } = parseNumericCsv(text, { labelColumn: true });
  if (labels.length === 0) throw new Error(`no test rows in ${testDir}`);
  const probabilities = booster.predict(features);
  const m = binaryMetrics(labels, probabilities, 0.5);

  const report = {
    metrics: {
      accuracy: { value: m.accuracy },
      precision: { value: m.precision },
      recall: { value: m.recall },
      f1: { value: m.f1 },
      roc_auc: { value: m.rocAuc },
      log_loss: { value: m.logLoss },
      confusion_matrix: { tn: m.confusionMatrix.tn, fp: m.confusionMatrix.fp, fn: m.confusionMatrix.fn, tp: m.confusionMatrix.tp },
    },
  };
  const outDir = job.path('/opt/ml/processing/evaluation');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'evaluation.json'), `${JSON.stringify(report, null, 2)}\n`);
  // The first predictions, kept beside the report so a deployed endpoint can be checked against them.
  writeFileSync(join(outDir, 'predictions.csv'), Array.from(probabilities.subarray(0, 100)).join('\n') + '\n');
  console.log(`test rows ${labels.length}: accuracy ${m.accuracy.toFixed(4)}, AUC ${m.rocAuc.toFixed(4)}`);
}

await main();
