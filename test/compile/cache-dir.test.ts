/** The definition schema compiled once and kept: a later process loads the compiled validators and judges the same. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileSchemaCache } from '../../src/compile/cache-dir.ts';
import { correctedSchema, createSchemaValidator } from '../../src/definition/schema.ts';
import { tempDir } from '../helpers/context.ts';

const badStep = { Name: 'p', Type: 'Processing', Colour: 'red', Arguments: { AppSpecification: { ImageUri: 7 } } };
const goodTop = { Version: '2020-12-01', Steps: [{ Name: 'p', Type: 'Processing', Arguments: {} }] };

describe('the compiled schema cache', () => {
  it('GIVEN an empty cache WHEN a validator is made twice THEN the second loads the stored code and reports exactly what in-memory compilation reports', () => {
    const dir = tempDir('sagepipe-schema-cache-');
    try {
      const cache = fileSchemaCache(dir.path);
      const stored: string[] = [];
      const watching = { load: cache.load, store: (key: string, code: string) => (stored.push(key), cache.store(key, code)) };
      const first = createSchemaValidator(correctedSchema(), watching);
      expect(stored).toHaveLength(1);
      expect(readdirSync(dir.path)).toEqual([`schema-${stored[0]}.cjs`]);
      const second = createSchemaValidator(correctedSchema(), { load: cache.load, store: () => expect.unreachable('compiled again') });
      const plain = createSchemaValidator(correctedSchema());
      const issues = plain.validateStep(badStep, 'Steps[0]');
      expect(issues.length).toBeGreaterThan(0);
      expect(second.validateStep(badStep, 'Steps[0]')).toEqual(issues);
      expect(first.validateStep(badStep, 'Steps[0]')).toEqual(issues);
      expect(second.validateTop(goodTop)).toEqual([]);
    } finally {
      dir.remove();
    }
  });
});
