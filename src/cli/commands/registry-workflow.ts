/** `sagepipe models approve|reject|compare|latest`: the approval workflow on the target's model registry. */
import type { Command } from 'commander';
import type { ExecutionTarget, ModelPackageRecord } from '../../engine/target.ts';
import { ErrorCode, SagepipeError } from '../../errors.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { summaryOf, withMetrics } from './models.ts';
import { type TargetOptions, addTargetOptions } from '../remote.ts';
import { openTarget } from '../targets.ts';

export function registerRegistryWorkflow(models: Command, io: CliIO): void {
  for (const [verb, status] of [
    ['approve', 'Approved'],
    ['reject', 'Rejected'],
  ] as const) {
    addTargetOptions(addWorkspaceOption(models.command(verb).description(`set a version's approval status to ${status}`).argument('<ref>', 'model package ARN or <group>/<version>')))
      .option('--description <text>', 'why (kept in the version\'s approval history)')
      .option('--force', 'approve a Rejected version')
      .option('--json', 'print the updated DescribeModelPackage JSON')
      .action(async (ref: string, opts: TargetOptions & { workspace?: string; description?: string; force?: boolean; json?: boolean }) => {
        const { target } = await openTarget(opts, io);
        const p = await target.setApproval(ref, status, { ...(opts.description ? { description: opts.description } : {}), ...(opts.force ? { force: true } : {}) });
        if (opts.json) io.out(`${JSON.stringify(p, null, 2)}\n`);
        else io.out(`${String(p.ModelPackageGroupName)}/${String(p.ModelPackageVersion)} is ${String(p.ModelApprovalStatus)}\n`);
      });
  }

  addTargetOptions(addWorkspaceOption(models.command('compare').description('metrics of versions side by side (default: all)').argument('<group>', 'a model package group name').argument('[versions...]', 'version numbers to compare (default: all)')))
    .option('--json', 'print the comparison as JSON')
    .action(async (group: string, versions: string[], opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const { target } = await openTarget(opts, io);
      for (const v of versions) if (!/^\d+$/.test(v)) throw new SagepipeError(ErrorCode.UsageError, `'${v}' is not a version number`);
      const all = await target.listModelPackages(group);
      const name = all[0]?.ModelPackageGroupName ?? group;
      const picked: ModelPackageRecord[] = [];
      if (versions.length === 0) picked.push(...[...all].reverse());
      for (const v of versions) {
        const found = all.find((p) => String(p.ModelPackageVersion) === v);
        if (!found) throw new SagepipeError(ErrorCode.ResourceNotFound, `model package group '${group}' has no version ${v}`, { path: `${group}/${v}` });
        picked.push(found);
      }
      if (picked.length === 0) throw new SagepipeError(ErrorCode.ResourceNotFound, `model package group '${group}' has no versions`);
      const rowsOf = await withMetrics(target, picked);
      const metrics = rowsOf.map((r) => new Map(r.metrics));
      const names = [...new Set(metrics.flatMap((m) => [...m.keys()]))];
      if (opts.json) {
        io.out(`${JSON.stringify({ group: name, versions: picked.map((p, i) => ({ ...summaryOf(p), Metrics: Object.fromEntries(metrics[i] ?? []) })) }, null, 2)}\n`);
        return;
      }
      const head = ['metric', ...picked.map((p) => `v${p.ModelPackageVersion}`)];
      const rows = [
        ['status', ...picked.map((p) => p.ModelApprovalStatus)],
        ...names.map((n) => [n, ...metrics.map((m) => (m.has(n) ? (m.get(n) as number).toFixed(4) : '-'))]),
      ];
      const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => (r[i] ?? '').length)));
      for (const r of [head, ...rows]) io.out(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
    });

  addTargetOptions(addWorkspaceOption(models.command('latest').description('the newest version of a group').argument('<group>', 'a model package group name')))
    .option('--approved', 'the newest Approved version')
    .option('--json', 'print DescribeModelPackage JSON')
    .action(async (group: string, opts: TargetOptions & { workspace?: string; approved?: boolean; json?: boolean }) => {
      const { target } = await openTarget(opts, io);
      const p = await latestVersion(target, group, opts.approved ?? false);
      if (opts.json) io.out(`${JSON.stringify(p, null, 2)}\n`);
      else io.out(`${p.ModelPackageArn}\t${p.ModelPackageGroupName}/${p.ModelPackageVersion}\t${p.ModelApprovalStatus}\n`);
    });
}

/** The newest version of a group, optionally the newest Approved one. */
async function latestVersion(target: ExecutionTarget, group: string, approvedOnly: boolean): Promise<ModelPackageRecord> {
  const versions = await target.listModelPackages(group);
  if (versions.length === 0) throw new SagepipeError(ErrorCode.ResourceNotFound, `model package group '${group}' has no versions`, { path: group });
  const found = approvedOnly ? versions.find((v) => v.ModelApprovalStatus === 'Approved') : versions[0];
  if (!found) throw new SagepipeError(ErrorCode.ResourceNotFound, `model package group '${group}' has no Approved version`, { path: group });
  return found;
}
