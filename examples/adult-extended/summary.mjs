// The adult-summary Lambda function: writes a JSON summary of the run and returns where it is and the accuracy.
// Locally it stands in for arn:aws:lambda:<region>:<account>:function:adult-summary (see sagepipe.config.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function handler(event, context) {
  const accuracy = Number(event.accuracy);
  if (!Number.isFinite(accuracy)) throw new Error(`accuracy ${JSON.stringify(event.accuracy)} is not a number`);
  const dir = event.summary_dir || join(tmpdir(), 'sagepipe-adult-summaries');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${event.execution}.json`);
  const summary = {
    tuningJob: event.execution,
    bestTrainingJob: event.best_training_job,
    bestValidationLogloss: Number(event.best_validation_logloss),
    testAccuracy: accuracy,
    predictions: event.predictions,
    function: context.invokedFunctionArn,
  };
  writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`summary written to ${path}`);
  return { summary_path: path, accuracy };
}
