/** A version's metrics, whichever target holds it: kept with the version locally, in S3 (ModelMetrics) on SageMaker. */
import { describe, expect, it } from 'vitest';
import type { ExecutionTarget, ModelPackageRecord } from '../../../src/engine/target.ts';
import { versionMetrics } from '../../../src/cli/commands/models.ts';

const version = (extra: Record<string, unknown>): ModelPackageRecord => ({
  ModelPackageGroupName: 'G',
  ModelPackageVersion: 1,
  ModelPackageArn: 'arn:aws:sagemaker:us-east-1:000000000000:model-package/g/1',
  ModelApprovalStatus: 'Approved',
  CreationTime: '2026-01-01T00:00:00.000Z',
  ...extra,
});

/** A target whose S3 holds one object; every read is counted. */
function s3With(uri: string, text: string): { target: ExecutionTarget; reads: string[] } {
  const reads: string[] = [];
  const target = {
    readObject: async (u: string) => {
      reads.push(u);
      if (u !== uri) throw new Error(`no object ${u}`);
      return new TextEncoder().encode(text);
    },
  } as unknown as ExecutionTarget;
  return { target, reads };
}

const statistics = JSON.stringify({ metrics: { accuracy: { value: 0.87 }, auc: { value: 0.9 }, confusion_matrix: { '0': { '0': 5 } } } });

describe('versionMetrics', () => {
  it('GIVEN a SageMaker version whose ModelMetrics names an S3 object WHEN read THEN its statistics come from that object, confusion matrix left out', async () => {
    const uri = 's3://bucket/evaluation.json';
    const { target, reads } = s3With(uri, statistics);
    const metrics = await versionMetrics(target, version({ ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: uri } } } }));
    expect(metrics).toEqual([
      ['accuracy', 0.87],
      ['auc', 0.9],
    ]);
    expect(reads).toEqual([uri]);
  });

  it('GIVEN a local version that keeps its metrics content WHEN read THEN S3 is not asked', async () => {
    const { target, reads } = s3With('s3://bucket/evaluation.json', statistics);
    const metrics = await versionMetrics(target, version({ 'sagepipe:ModelMetricsContent': { ModelQuality: { Statistics: { metrics: { accuracy: { value: 0.5 } } } } }, ModelMetrics: { ModelQuality: { Statistics: { S3Uri: 's3://bucket/evaluation.json' } } } }));
    expect(metrics).toEqual([['accuracy', 0.5]]);
    expect(reads).toEqual([]);
  });

  it('GIVEN metrics that cannot be read (gone, or not JSON) WHEN read THEN none, so a listing still shows the version', async () => {
    const { target } = s3With('s3://bucket/evaluation.json', 'not json');
    expect(await versionMetrics(target, version({ ModelMetrics: { ModelQuality: { Statistics: { S3Uri: 's3://bucket/evaluation.json' } } } }))).toEqual([]);
    expect(await versionMetrics(target, version({ ModelMetrics: { ModelQuality: { Statistics: { S3Uri: 's3://bucket/missing.json' } } } }))).toEqual([]);
  });
});
