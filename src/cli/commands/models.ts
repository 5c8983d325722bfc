/**
 * `sagepipe models list|describe`: the model registry of the target (the workspace's, or SageMaker's with
 * `--target sagemaker`), as ListModelPackages / DescribeModelPackage.
 */
import type { Command } from 'commander';
import type { Json } from '../../definition/types.ts';
import type { ExecutionTarget, ModelPackageRecord } from '../../engine/target.ts';
import type { CliIO } from '../io.ts';
import { addWorkspaceOption } from '../options.ts';
import { type TargetOptions, addTargetOptions } from '../remote.ts';
import { flattenMetrics } from '../render/summary.ts';
import { openTarget } from '../targets.ts';

/** A version with its metrics: the local registry keeps their content; SageMaker's names the S3 object holding them. */
export interface VersionWithMetrics {
  readonly version: ModelPackageRecord;
  readonly metrics: [string, number][];
}

const flatten = (content: Json | undefined): [string, number][] => (content === undefined ? [] : flattenMetrics(content).filter(([k]) => !k.includes('confusion_matrix')));

/** The model-quality statistics the local registry keeps with a version, flattened (confusion matrices left out). */
export function keyMetrics(p: ModelPackageRecord): [string, number][] {
  return flatten((p['sagepipe:ModelMetricsContent'] as { ModelQuality?: { Statistics?: Json } } | undefined)?.ModelQuality?.Statistics);
}

/** A version's model-quality statistics: kept with it locally, else read from the S3 object its ModelMetrics names. */
export async function versionMetrics(target: ExecutionTarget, p: ModelPackageRecord): Promise<[string, number][]> {
  const kept = keyMetrics(p);
  if (kept.length > 0) return kept;
  let content: Json | undefined;
  const uri = (p.ModelMetrics as { ModelQuality?: { Statistics?: { S3Uri?: string } } } | undefined)?.ModelQuality?.Statistics?.S3Uri;
  if (content === undefined && uri) {
    try {
      content = JSON.parse(Buffer.from(await target.readObject(uri)).toString('utf8')) as Json;
    } catch {
      content = undefined; // metrics that cannot be read are shown as none, not as a failed listing
    }
  }
  return flatten(content);
}

export async function withMetrics(target: ExecutionTarget, versions: readonly ModelPackageRecord[]): Promise<VersionWithMetrics[]> {
  return Promise.all(versions.map(async (version) => ({ version, metrics: await versionMetrics(target, version) })));
}

export function summaryOf(p: ModelPackageRecord): Record<string, Json> {
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

  addTargetOptions(addWorkspaceOption(models.command('list').description('model package versions (all groups, or one), newest first').argument('[group]', 'a model package group name (default: every group)')))
    .option('--json', 'print ListModelPackages-shaped JSON')
    .action(async (group: string | undefined, opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const { target } = await openTarget(opts, io);
      const groups = group ? [group] : await target.listModelGroups();
      const packages: ModelPackageRecord[] = [];
      for (const g of groups) packages.push(...(await target.listModelPackages(g)));
      if (opts.json) {
        io.out(`${JSON.stringify({ ModelPackageSummaryList: packages.map(summaryOf) }, null, 2)}\n`);
        return;
      }
      if (packages.length === 0) io.out(group ? `no versions in group ${group}\n` : `no model packages ${target.kind === 'local' ? 'in the workspace' : 'on SageMaker'}\n`);
      for (const { version: p, metrics } of await withMetrics(target, packages)) {
        const shown = metrics
          .slice(0, 3)
          .map(([k, v]) => `${k}=${v.toFixed(4)}`)
          .join(' ');
        const source = String((p.MetadataProperties as { GeneratedBy?: string } | undefined)?.GeneratedBy ?? '').split('/').pop();
        io.out(`${p.ModelPackageGroupName}/${p.ModelPackageVersion}  ${p.ModelApprovalStatus.padEnd(21)} ${p.CreationTime}  ${shown}${source ? `  execution ${source}` : ''}\n`);
      }
    });

  addTargetOptions(addWorkspaceOption(models.command('describe').description('one version, with its metrics').argument('<ref>', 'model package ARN or <group>/<version>')))
    .option('--json', 'print DescribeModelPackage-shaped JSON (metrics content included)')
    .action(async (ref: string, opts: TargetOptions & { workspace?: string; json?: boolean }) => {
      const { target } = await openTarget(opts, io);
      const p = await target.describeModelPackage(ref);
      if (opts.json) {
        io.out(`${JSON.stringify(p, null, 2)}\n`);
        return;
      }
      io.out(`${p.ModelPackageArn}\n  group     ${p.ModelPackageGroupName}\n  version   ${p.ModelPackageVersion}\n  status    ${p.ModelApprovalStatus}\n  created   ${p.CreationTime}\n`);
      const containers = ((p.InferenceSpecification as { Containers?: { Image?: string; ModelDataUrl?: string }[] } | undefined)?.Containers ?? []);
      for (const c of containers) io.out(`  image     ${c.Image}\n  model     ${c.ModelDataUrl}\n`);
      for (const [k, v] of await versionMetrics(target, p)) io.out(`  ${k.padEnd(10)}${v}\n`);
    });
  return models;
}
