/** `sagepipe models list|describe`: the file-based model registry, as ListModelPackages / DescribeModelPackage. */
import type { Command } from 'commander';
import type { Json } from '../../definition/types.ts';
import type { ModelPackage } from '../../../local-runner/registry/file-registry.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { openSession } from '../../../local-runner/workspace.ts';
import { keyMetrics } from '../../../local-runner/registry/key-metrics.ts';

export function summaryOf(p: ModelPackage): Record<string, Json> {
  return {
    ModelPackageGroupName: p.ModelPackageGroupName,
    ModelPackageVersion: p.ModelPackageVersion,
    ModelPackageArn: p.ModelPackageArn,
    ModelPackageDescription: (p.ModelPackageDescription as string | undefined) ?? null,
    CreationTime: p.CreationTime,
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: p.ModelApprovalStatus,
  };
}

export function registerModelCommands(program: Command, io: CliIO): Command {
  const models = program.command('models').description('the model registry: versions, metrics, approval');

  addWorkspaceOption(models.command('list').description('model package versions (all groups, or one), newest first').argument('[group]'))
    .option('--json', 'print ListModelPackages-shaped JSON')
    .action(async (group: string | undefined, opts: { workspace?: string; json?: boolean }) => {
      const session = openSession(opts, io);
      const groups = group ? [await session.registry.resolveGroupName(group)] : (await session.registry.groups()).map((g) => String(g.ModelPackageGroupName));
      const packages: ModelPackage[] = [];
      for (const g of groups) packages.push(...(await session.registry.list(g)));
      if (opts.json) {
        io.out(`${JSON.stringify({ ModelPackageSummaryList: packages.map(summaryOf) }, null, 2)}\n`);
        return;
      }
      if (packages.length === 0) io.out(group ? `no versions in group ${group}\n` : `no model packages in ${session.registry.root}\n`);
      for (const p of packages) {
        const metrics = keyMetrics(p)
          .slice(0, 3)
          .map(([k, v]) => `${k}=${v.toFixed(4)}`)
          .join(' ');
        const source = String((p.MetadataProperties as { GeneratedBy?: string } | undefined)?.GeneratedBy ?? '').split('/').pop();
        io.out(`${p.ModelPackageGroupName}/${p.ModelPackageVersion}  ${p.ModelApprovalStatus.padEnd(21)} ${p.CreationTime}  ${metrics}${source ? `  execution ${source}` : ''}\n`);
      }
    });

  addWorkspaceOption(models.command('describe').description('one version, with its metrics').argument('<ref>', 'model package ARN or <group>/<version>'))
    .option('--json', 'print DescribeModelPackage-shaped JSON (metrics content included)')
    .action(async (ref: string, opts: { workspace?: string; json?: boolean }) => {
      const p = await openSession(opts, io).registry.describe(ref);
      if (opts.json) {
        io.out(`${JSON.stringify(p, null, 2)}\n`);
        return;
      }
      io.out(`${p.ModelPackageArn}\n  group     ${p.ModelPackageGroupName}\n  version   ${p.ModelPackageVersion}\n  status    ${p.ModelApprovalStatus}\n  created   ${p.CreationTime}\n`);
      const containers = ((p.InferenceSpecification as { Containers?: { Image?: string; ModelDataUrl?: string }[] } | undefined)?.Containers ?? []);
      for (const c of containers) io.out(`  image     ${c.Image}\n  model     ${c.ModelDataUrl}\n`);
      for (const [k, v] of keyMetrics(p)) io.out(`  ${k.padEnd(10)}${v}\n`);
    });
  return models;
}
