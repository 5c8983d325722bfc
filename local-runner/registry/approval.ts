/**
 * Approval of model package versions (UpdateModelPackage's ModelApprovalStatus), with each change recorded with its
 * time and reason. A Rejected version is approved again only when forced.
 */
import { ErrorCode, SagepipeError } from '../../src/errors.ts';
import type { ApprovalStatus, FileRegistry, ModelPackage } from './file-registry.ts';

export interface ApprovalChange {
  readonly From: ApprovalStatus;
  readonly To: ApprovalStatus;
  readonly Time: string;
  readonly Description?: string;
}

export interface ApprovalOptions {
  readonly description?: string;
  /** Approve a Rejected version. @default false */
  readonly force?: boolean;
  readonly now?: Date;
}

export async function setApproval(registry: FileRegistry, ref: string, status: ApprovalStatus, options: ApprovalOptions = {}): Promise<ModelPackage> {
  const found = await registry.describe(ref);
  // Read, change and write under the group's lock: parallel approvals each add their history entry.
  return registry.withGroupLock(found.ModelPackageGroupName, async () => change(registry, await registry.describe(ref), status, options));
}

async function change(registry: FileRegistry, current: ModelPackage, status: ApprovalStatus, options: ApprovalOptions): Promise<ModelPackage> {
  const ref = `${current.ModelPackageGroupName}/${current.ModelPackageVersion}`;
  const from = current.ModelApprovalStatus;
  if (from === 'Rejected' && status === 'Approved' && !options.force) {
    throw new SagepipeError(
      ErrorCode.InvalidState,
      `${current.ModelPackageGroupName}/${current.ModelPackageVersion} is Rejected: approving it needs --force`,
      { path: ref },
    );
  }
  const time = (options.now ?? new Date()).toISOString();
  const history = (current['sagepipe:ApprovalHistory'] as unknown as ApprovalChange[] | undefined) ?? [];
  const change: ApprovalChange = { From: from, To: status, Time: time, ...(options.description ? { Description: options.description } : {}) };
  const updated: ModelPackage = {
    ...current,
    ModelApprovalStatus: status,
    LastModifiedTime: time,
    ...(options.description ? { ApprovalDescription: options.description } : {}),
    'sagepipe:ApprovalHistory': [...history, change] as never,
  };
  await registry.save(updated);
  return updated;
}

/** The newest version of a group, optionally the newest Approved one. */
export async function latestVersion(registry: FileRegistry, group: string, approvedOnly: boolean): Promise<ModelPackage> {
  const name = await registry.resolveGroupName(group);
  const versions = await registry.list(name);
  if (versions.length === 0) throw new SagepipeError(ErrorCode.ResourceNotFound, `model package group '${group}' has no versions`, { path: group });
  const found = approvedOnly ? versions.find((v) => v.ModelApprovalStatus === 'Approved') : versions[0];
  if (!found) throw new SagepipeError(ErrorCode.ResourceNotFound, `model package group '${group}' has no Approved version`, { path: group });
  return found;
}
