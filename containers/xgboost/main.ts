/** The sagepipe-xgboost image's program: `train` or `serve`, as SageMaker starts training and inference containers. */
import { serveMain } from './serve.ts';
import { trainMain } from './train.ts';

const mode = process.argv[2];
if (mode === 'train') process.exitCode = await trainMain();
else if (mode === 'serve') process.exitCode = await serveMain();
else {
  process.stderr.write(`usage: (train | serve) — got ${mode === undefined ? 'nothing' : `'${mode}'`}\n`);
  process.exitCode = 2;
}
