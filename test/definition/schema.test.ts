import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_CORRECTIONS, correctedSchema, createSchemaValidator, loadAwsSchema } from '../../src/definition/schema.ts';

describe('the definition schema', () => {
  it("GIVEN the project's copy of AWS's schema THEN it is the published one, unchanged", () => {
    // ../shared beside the checkout, or beside its parent for a worktree under wt/.
    const file = ['../../../shared', '../../../../shared'].map((up) => new URL(`${up}/schema/pipeline-definition.schema.json`, import.meta.url)).find((u) => existsSync(u));
    const shared = JSON.parse(readFileSync(file ?? new URL('../../../shared/schema/pipeline-definition.schema.json', import.meta.url), 'utf8'));
    expect(loadAwsSchema()).toEqual(shared);
  });

  it('GIVEN a Python SDK definition WHEN checked against the published schema THEN it fails where the schema lags, and passes the corrected one', () => {
    const def = JSON.parse(readFileSync(new URL('../fixtures/definitions/python-sdk-adult.json', import.meta.url), 'utf8'));
    const published = createSchemaValidator((() => {
      const s = loadAwsSchema();
      delete s.$schema;
      delete s.$id;
      return s;
    })());
    expect(published.validateTop(def).map((i) => i.message)).toContain("unknown field 'PipelineExperimentConfig'");
    expect(published.validateStep(def.Steps[2], 'Steps[2]').map((i) => i.message)).toEqual(expect.arrayContaining(["unknown field 'PropertyFiles'", "unknown field 'AppManaged'"]));
    const corrected = createSchemaValidator(correctedSchema());
    expect(corrected.validateTop(def)).toEqual([]);
    def.Steps.forEach((s: unknown, i: number) => expect(corrected.validateStep(s, `Steps[${i}]`)).toEqual([]));
    expect(SCHEMA_CORRECTIONS.length).toBeGreaterThanOrEqual(10);
  });
});
