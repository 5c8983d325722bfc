import { describe, expect, it } from 'vitest';
import { checkSelectedSteps } from '../../src/engine/selective.ts';
import { ErrorCode } from '../../src/errors.ts';
import { definition, processingStep } from './helpers.ts';

describe('checkSelectedSteps', () => {
  it('GIVEN steps of the pipeline WHEN checked THEN nothing is thrown', () => {
    expect(() => checkSelectedSteps(definition([processingStep('prep'), processingStep('train')]), ['train'])).not.toThrow();
  });

  it('GIVEN a misspelt step WHEN checked THEN a usage error names it and the steps there are', () => {
    const loaded = definition([processingStep('prep'), processingStep('train', { dependsOn: ['prep'] })]);
    expect(() => checkSelectedSteps(loaded, ['trian', 'train'])).toThrow(
      expect.objectContaining({ code: ErrorCode.UsageError, message: "selective execution: no step named 'trian' in the pipeline (its steps: prep, train)" }),
    );
  });

  it('GIVEN a pipeline of 25 steps WHEN a step is misspelt THEN the message names the first 20 and counts the rest', () => {
    const loaded = definition(Array.from({ length: 25 }, (_, i) => processingStep(`s${i}`)));
    expect(() => checkSelectedSteps(loaded, ['nope'])).toThrow(/\(its steps: s0, s1, .*, s19 and 5 more\)$/);
  });
});
