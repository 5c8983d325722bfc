import { describe, expect, it } from 'vitest';
import { FileRegistry, type ModelPackage } from '../../../local-runner/registry/file-registry.ts';
import { tempDir } from '../../helpers/context.ts';

describe('file registry', () => {
  it('GIVEN twenty registrations into one group at the same time WHEN they finish THEN versions 1..20 are distinct and none is lost', async () => {
    const dir = tempDir();
    try {
      const registry = new FileRegistry(dir.path, { region: 'us-east-1', account: '000000000000' });
      const make = (i: number) =>
        registry.createPackage('Group', new Date().toISOString(), (version, arn) => ({
          ModelPackageGroupName: 'Group',
          ModelPackageVersion: version,
          ModelPackageArn: arn,
          ModelApprovalStatus: 'PendingManualApproval',
          CreationTime: '2026-01-01T00:00:00.000Z',
          LastModifiedTime: '2026-01-01T00:00:00.000Z',
          ModelPackageDescription: `run ${i}`,
        }) as ModelPackage);
      const created = await Promise.all(Array.from({ length: 20 }, (_, i) => make(i)));
      expect(created.map((p) => p.ModelPackageVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const listed = await registry.list('Group');
      expect(listed.map((p) => p.ModelPackageDescription).sort()).toEqual(created.map((p) => p.ModelPackageDescription).sort());
      expect((await registry.describe('arn:aws:sagemaker:us-east-1:000000000000:model-package/group/3')).ModelPackageVersion).toBe(3);
      await expect(registry.describe('Group/99')).rejects.toThrowError('model package Group/99 does not exist');
      await expect(registry.describe('nonsense')).rejects.toThrowError("'nonsense' is not a model package ARN or <group>/<version>");
    } finally {
      dir.remove();
    }
  });
});
