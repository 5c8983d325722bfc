/**
 * Pipelines and the model registry on SageMaker, in the shapes the local target gives: CreatePipeline /
 * UpdatePipeline / DescribePipeline / DeletePipeline / ListPipelines; ListModelPackageGroups / ListModelPackages /
 * DescribeModelPackage.
 */
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  DescribeModelPackageCommand,
  DescribePipelineCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListPipelinesCommand,
  UpdatePipelineCommand,
} from '@aws-sdk/client-sagemaker';
import type { ModelPackageRecord, PipelineRecord, PipelineSummary } from '../engine/target.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import { type Clients, awsError, plain } from './remote-run.ts';

const nameOf = (nameOrArn: string) => (nameOrArn.includes(':pipeline/') ? (nameOrArn.split(':pipeline/')[1] as string) : nameOrArn);

/** ResourceNotFound, as SageMaker says it (moto says ValidationException: Could not find pipeline …). */
const notFound = (error: unknown) => {
  const e = error as { name?: string; message?: string };
  return e.name === 'ResourceNotFound' || (e.name === 'ValidationException' && /does not exist|not found|could not find/i.test(e.message ?? ''));
};

export async function getPipelineRemote(clients: Clients, nameOrArn: string): Promise<PipelineRecord | undefined> {
  try {
    const p = plain(await clients.sageMaker.send(new DescribePipelineCommand({ PipelineName: nameOf(nameOrArn) }))) as Record<string, unknown>;
    return { ...p, PipelineStatus: 'Active', PipelineDefinition: String(p.PipelineDefinition ?? '') } as unknown as PipelineRecord;
  } catch (error) {
    if (notFound(error)) return undefined;
    throw awsError(error, `describing pipeline ${nameOrArn}`);
  }
}

/** Create, and update when it exists (the Python SDK's upsert()). */
export async function putPipelineRemote(clients: Clients, record: PipelineRecord): Promise<void> {
  if (!record.RoleArn) throw new SagepipeError(ErrorCode.UsageError, `pipeline ${record.PipelineName} has no RoleArn: SageMaker needs one (--role-arn or SAGEPIPE_ROLE_ARN)`);
  const fields = {
    PipelineName: record.PipelineName,
    PipelineDefinition: record.PipelineDefinition,
    RoleArn: record.RoleArn,
    PipelineDisplayName: record.PipelineDisplayName,
    ...(record.PipelineDescription ? { PipelineDescription: record.PipelineDescription } : {}),
    ...(record.ParallelismConfiguration ? { ParallelismConfiguration: record.ParallelismConfiguration } : {}),
  };
  try {
    try {
      await clients.sageMaker.send(new CreatePipelineCommand({ ...fields, ClientRequestToken: crypto.randomUUID() }));
    } catch (error) {
      const e = error as { name?: string; message?: string };
      if (!(e.name === 'ResourceInUse' || (e.name === 'ValidationException' && /already exists/i.test(e.message ?? '')))) throw error;
      await clients.sageMaker.send(new UpdatePipelineCommand(fields));
    }
  } catch (error) {
    throw awsError(error, `creating or updating pipeline ${record.PipelineName}`);
  }
}

export async function deletePipelineRemote(clients: Clients, name: string): Promise<void> {
  try {
    await clients.sageMaker.send(new DeletePipelineCommand({ PipelineName: nameOf(name), ClientRequestToken: crypto.randomUUID() }));
  } catch (error) {
    throw awsError(error, `deleting pipeline ${name}`);
  }
}

export async function listPipelinesRemote(clients: Clients): Promise<PipelineSummary[]> {
  const out: PipelineSummary[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await clients.sageMaker.send(new ListPipelinesCommand({ ...(token ? { NextToken: token } : {}) }));
      for (const s of page.PipelineSummaries ?? []) {
        const p = plain(s) as Record<string, unknown>;
        out.push({ ...p, PipelineStatus: 'Active', PipelineDisplayName: String(p.PipelineDisplayName ?? p.PipelineName) } as unknown as PipelineSummary);
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    throw awsError(error, 'listing pipelines');
  }
  return out;
}

export async function listModelGroupsRemote(clients: Clients): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await clients.sageMaker.send(new ListModelPackageGroupsCommand({ SortBy: 'CreationTime', SortOrder: 'Ascending', ...(token ? { NextToken: token } : {}) }));
      out.push(...(page.ModelPackageGroupSummaryList ?? []).map((g) => String(g.ModelPackageGroupName)));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    throw awsError(error, 'listing model package groups');
  }
  return out;
}

export async function describeModelPackageRemote(clients: Clients, arn: string): Promise<ModelPackageRecord> {
  if (!arn.startsWith('arn:')) throw new SagepipeError(ErrorCode.UsageError, 'with --target sagemaker, give the model package ARN (see sagepipe models list --target sagemaker)');
  try {
    return plain(await clients.sageMaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))) as ModelPackageRecord;
  } catch (error) {
    throw awsError(error, `describing ${arn}`);
  }
}

/** Newest first, each described (ListModelPackages' summaries hold no metrics or containers). */
export async function listModelPackagesRemote(clients: Clients, group: string): Promise<ModelPackageRecord[]> {
  const arns: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await clients.sageMaker.send(
        new ListModelPackagesCommand({ ModelPackageGroupName: group, ModelPackageType: 'Versioned', SortBy: 'CreationTime', SortOrder: 'Descending', ...(token ? { NextToken: token } : {}) }),
      );
      arns.push(...(page.ModelPackageSummaryList ?? []).map((p) => String(p.ModelPackageArn)));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    throw awsError(error, `listing the versions of ${group}`);
  }
  const described = await Promise.all(arns.map((a) => describeModelPackageRemote(clients, a)));
  // Newest first by version, as the local registry lists them (some implementations ignore SortOrder).
  return described.sort((a, b) => Number(b.ModelPackageVersion) - Number(a.ModelPackageVersion));
}
