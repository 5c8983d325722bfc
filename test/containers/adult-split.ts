/** The reference split, made once per test file from ../shared/data/adult.csv through the example's preprocess(). */
import { readFileSync } from 'node:fs';
import { ADULT_CSV } from '../helpers/context.ts';

process.env.SAGEPIPE_NO_MAIN = '1';
const { preprocess } = await import('../../examples/adult/preprocess.ts');

export const split = preprocess(readFileSync(ADULT_CSV, 'utf8'), 42);
export const csv = (rows: number[][]) => `${rows.map((r) => r.join(',')).join('\n')}\n`;
export const REFERENCE_HYPERPARAMETERS = { objective: 'binary:logistic', num_round: '50', max_depth: '5', subsample: '1', silent: '0', eval_metric: 'logloss', eta: '0.3' };
