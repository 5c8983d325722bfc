/**
 * Describe*-shaped properties from a job's request, for backends: DescribeProcessingJob, DescribeTrainingJob,
 * DescribeModel and DescribeModelPackage echo the request's fields and add names, ARNs, status and times.
 */
import { type SageMakerResource, sageMakerArn } from '../src/arn.ts';
import type { JsonObject } from '../src/definition/types.ts';
import { modelArtifactUri } from '../containers/contract/paths.ts';

export interface JobIdentity {
  readonly region: string;
  readonly account: string;
  readonly name: string;
  readonly startTime: string;
  readonly endTime: string;
}

const arn = (id: JobIdentity, kind: SageMakerResource, name: string) => sageMakerArn(id, kind, name);

export function describeProcessingJob(request: JsonObject, id: JobIdentity, status: 'Completed' | 'Failed' | 'Stopped', extra: JsonObject = {}): JsonObject {
  return {
    ...request,
    ProcessingJobName: id.name,
    ProcessingJobArn: arn(id, 'processing-job', id.name),
    ProcessingJobStatus: status,
    CreationTime: id.startTime,
    ProcessingStartTime: id.startTime,
    ProcessingEndTime: id.endTime,
    LastModifiedTime: id.endTime,
    ...extra,
  };
}

export function describeTrainingJob(request: JsonObject, id: JobIdentity, status: 'Completed' | 'Failed' | 'Stopped', extra: JsonObject = {}): JsonObject {
  const output = (request.OutputDataConfig as JsonObject | undefined)?.S3OutputPath;
  const seconds = Math.max(0, Math.round((Date.parse(id.endTime) - Date.parse(id.startTime)) / 1000));
  return {
    ...request,
    TrainingJobName: id.name,
    TrainingJobArn: arn(id, 'training-job', id.name),
    TrainingJobStatus: status,
    SecondaryStatus: status,
    ModelArtifacts: { S3ModelArtifacts: modelArtifactUri(String(output ?? ''), id.name) },
    CreationTime: id.startTime,
    TrainingStartTime: id.startTime,
    TrainingEndTime: id.endTime,
    LastModifiedTime: id.endTime,
    TrainingTimeInSeconds: seconds,
    BillableTimeInSeconds: seconds,
    FinalMetricDataList: [],
    ...extra,
  };
}

export function describeModel(request: JsonObject, id: JobIdentity): JsonObject {
  const name = typeof request.ModelName === 'string' ? request.ModelName : id.name;
  return { ...request, ModelName: name, ModelArn: arn(id, 'model', name), CreationTime: id.startTime };
}

export function describeModelPackage(request: JsonObject, id: JobIdentity, version: number): JsonObject {
  const group = String(request.ModelPackageGroupName ?? '');
  return {
    ...request,
    ModelPackageGroupName: group,
    ModelPackageName: group,
    ModelPackageVersion: version,
    ModelPackageArn: `${arn(id, 'model-package', group)}/${version}`,
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: typeof request.ModelApprovalStatus === 'string' ? request.ModelApprovalStatus : 'PendingManualApproval',
    CreationTime: id.startTime,
    LastModifiedTime: id.endTime,
  };
}

export function describeTransformJob(request: JsonObject, id: JobIdentity, status: 'Completed' | 'Failed' | 'Stopped', extra: JsonObject = {}): JsonObject {
  return {
    ...request,
    TransformJobName: id.name,
    TransformJobArn: arn(id, 'transform-job', id.name),
    TransformJobStatus: status,
    CreationTime: id.startTime,
    TransformStartTime: id.startTime,
    TransformEndTime: id.endTime,
    ...extra,
  };
}
