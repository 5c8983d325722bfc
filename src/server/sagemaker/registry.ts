/**
 * The model registry: package groups and versions, approval, CreateModelPackage. Versions are read and approved
 * through the target (as the CLI's `models` commands are); groups and new versions are written to the registry.
 */
import type { JsonObject } from '../../definition/types.ts';
import { describeModelPackage } from '../../../local-runner/describe.ts';
import { type ApprovalStatus, type ModelPackage, APPROVAL_STATUSES } from '../../../local-runner/registry/file-registry.ts';
import { validation } from '../http/api-error.ts';
import type { SageMakerContext } from './context.ts';
import { type Operations, inWindow, optionalEnum, optionalString, optionalTime, paginate, requiredString, sortBy, wireObject } from './wire.ts';

const GROUP_OR_ARN = /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?([a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})$/;
const PACKAGE_REF = /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:model-package\/)?[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}\/\d+$/;

/** What DescribeModelPackage always holds, whatever the record kept. */
export function packageShape(p: ModelPackage): JsonObject {
  return wireObject({
    ...p,
    ModelPackageName: p.ModelPackageGroupName,
    ModelPackageStatus: 'Completed',
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    CertifyForMarketplace: false,
    CreatedBy: {},
  });
}

export function registryOperations(ctx: SageMakerContext): Operations {
  const { registry } = ctx.session;
  const groupName = async (input: JsonObject, field: string) => {
    const ref = requiredString(input, field, GROUP_OR_ARN, 256);
    return registry.resolveGroupName(ref.split('/').pop() as string);
  };
  const describePackage = async (ref: string): Promise<ModelPackage> => {
    try {
      return (await ctx.target.describeModelPackage(ref)) as ModelPackage;
    } catch {
      throw validation(`ModelPackage ${ref} does not exist.`);
    }
  };
  return {
    async CreateModelPackageGroup(input) {
      const name = requiredString(input, 'ModelPackageGroupName', /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 63);
      const existing = (await registry.groups()).some((g) => String(g.ModelPackageGroupName).toLowerCase() === name.toLowerCase());
      if (existing) throw validation(`Model Package Group already exists: ${registry.groupArn(name)}`);
      const description = optionalString(input, 'ModelPackageGroupDescription', undefined, 1024);
      const g = await registry.ensureGroup(name, new Date().toISOString());
      if (description !== undefined) await ctx.state.write('group-descriptions', name, { Description: description });
      return { ModelPackageGroupArn: String(g.ModelPackageGroupArn) };
    },
    async DescribeModelPackageGroup(input) {
      const name = await groupName(input, 'ModelPackageGroupName');
      const g = (await registry.groups()).find((x) => x.ModelPackageGroupName === name);
      if (!g) throw validation(`ModelPackageGroup ${name} does not exist.`);
      const description = (await ctx.state.read('group-descriptions', name))?.Description;
      return wireObject({ ...g, ModelPackageGroupDescription: description, CreatedBy: {} });
    },
    async ListModelPackageGroups(input) {
      const contains = optionalString(input, 'NameContains', /^[a-zA-Z0-9-]+$/, 63);
      const after = optionalTime(input, 'CreationTimeAfter');
      const before = optionalTime(input, 'CreationTimeBefore');
      const by = optionalEnum(input, 'SortBy', ['Name', 'CreationTime'] as const) ?? 'CreationTime';
      const order = optionalEnum(input, 'SortOrder', ['Ascending', 'Descending'] as const) ?? 'Ascending';
      const groups = (await registry.groups()).filter((g) => (!contains || String(g.ModelPackageGroupName).includes(contains)) && inWindow(String(g.CreationTime), after, before));
      const { page, NextToken } = paginate(sortBy(groups, (g) => String(by === 'Name' ? g.ModelPackageGroupName : g.CreationTime), order), input);
      return {
        ModelPackageGroupSummaryList: page.map((g) =>
          wireObject({ ModelPackageGroupName: g.ModelPackageGroupName, ModelPackageGroupArn: g.ModelPackageGroupArn, CreationTime: g.CreationTime, ModelPackageGroupStatus: g.ModelPackageGroupStatus ?? 'Completed' }),
        ),
        ...(NextToken ? { NextToken } : {}),
      };
    },
    async CreateModelPackage(input) {
      const group = requiredString(input, 'ModelPackageGroupName', GROUP_OR_ARN, 256).split('/').pop() as string;
      const status = optionalEnum(input, 'ModelApprovalStatus', APPROVAL_STATUSES) ?? 'PendingManualApproval';
      if (!input.InferenceSpecification) throw validation('InferenceSpecification is required for a versioned model package');
      const name = await registry.resolveGroupName(group);
      if (!(await registry.groups()).some((g) => g.ModelPackageGroupName === name)) throw validation(`Model Package Group ${group} does not exist.`);
      const now = new Date().toISOString();
      const identity = { region: ctx.session.region, account: ctx.session.account, name, startTime: now, endTime: now };
      const record = await registry.createPackage(name, now, (version, arn) => ({
        ...(describeModelPackage({ ...input, ModelPackageGroupName: name }, identity, version) as ModelPackage),
        ModelPackageArn: arn,
        ModelApprovalStatus: status,
      }));
      return { ModelPackageArn: record.ModelPackageArn };
    },
    async DescribeModelPackage(input) {
      const ref = requiredString(input, 'ModelPackageName', PACKAGE_REF, 2048);
      return packageShape(await describePackage(ref));
    },
    async ListModelPackages(input) {
      const approval = optionalEnum(input, 'ModelApprovalStatus', APPROVAL_STATUSES);
      const type = optionalEnum(input, 'ModelPackageType', ['Versioned', 'Unversioned', 'Both'] as const) ?? 'Both';
      const contains = optionalString(input, 'NameContains', /^[a-zA-Z0-9-]+$/, 63);
      const after = optionalTime(input, 'CreationTimeAfter');
      const before = optionalTime(input, 'CreationTimeBefore');
      const by = optionalEnum(input, 'SortBy', ['Name', 'CreationTime'] as const) ?? 'CreationTime';
      const order = optionalEnum(input, 'SortOrder', ['Ascending', 'Descending'] as const) ?? 'Ascending';
      const groups = input.ModelPackageGroupName !== undefined ? [await groupName(input, 'ModelPackageGroupName')] : await ctx.target.listModelGroups();
      const all: ModelPackage[] = [];
      // sagepipe's packages are all versioned.
      if (type !== 'Unversioned') for (const g of groups) all.push(...((await ctx.target.listModelPackages(g)) as ModelPackage[]));
      const matching = all.filter(
        (p) => (!approval || p.ModelApprovalStatus === approval) && (!contains || p.ModelPackageGroupName.includes(contains)) && inWindow(p.CreationTime, after, before),
      );
      // Ties (one creation second) are broken by version, so "newest first" is exact.
      const sorted = sortBy(matching, (p) => (by === 'Name' ? p.ModelPackageGroupName : `${p.CreationTime}|${String(p.ModelPackageVersion).padStart(9, '0')}`), order);
      const { page, NextToken } = paginate(sorted, input);
      return {
        ModelPackageSummaryList: page.map((p) =>
          wireObject({
            ModelPackageName: p.ModelPackageGroupName,
            ModelPackageGroupName: p.ModelPackageGroupName,
            ModelPackageVersion: p.ModelPackageVersion,
            ModelPackageArn: p.ModelPackageArn,
            ModelPackageDescription: p.ModelPackageDescription,
            CreationTime: p.CreationTime,
            ModelPackageStatus: 'Completed',
            ModelApprovalStatus: p.ModelApprovalStatus,
          }),
        ),
        ...(NextToken ? { NextToken } : {}),
      };
    },
    async UpdateModelPackage(input) {
      const arn = requiredString(input, 'ModelPackageArn', PACKAGE_REF, 2048);
      const status = optionalEnum(input, 'ModelApprovalStatus', APPROVAL_STATUSES);
      const description = optionalString(input, 'ApprovalDescription', undefined, 1024);
      const current = await describePackage(arn);
      // The service has no rule against approving a Rejected version: nor has serve (force).
      const p = await ctx.target.setApproval(arn, (status as ApprovalStatus | undefined) ?? current.ModelApprovalStatus, {
        ...(description !== undefined ? { description } : {}),
        force: true,
      });
      return { ModelPackageArn: String(p.ModelPackageArn) };
    },
  };
}
