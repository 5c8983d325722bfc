/**
 * Approval and endpoints on SageMaker: UpdateModelPackage; CreateModel / CreateEndpointConfig / CreateEndpoint /
 * DescribeEndpoint / DeleteEndpoint; InvokeEndpoint through SageMaker Runtime. Output shapes match the local commands.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  ListEndpointsCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { JsonObject } from '../definition/types.ts';
import type { ApprovalStatus } from '../engine/target.ts';
import { ErrorCode, SagepipeError } from '../errors.ts';
import type { AwsSettings } from './aws-settings.ts';
import { type Clients, awsError, plain } from './remote-run.ts';

const plainObject = (v: unknown): JsonObject => plain(v) as JsonObject;

export async function approveRemote(clients: Clients, arn: string, status: ApprovalStatus, description?: string): Promise<JsonObject> {
  if (!arn.startsWith('arn:')) throw new SagepipeError(ErrorCode.UsageError, 'with --target sagemaker, give the model package ARN');
  try {
    await clients.sageMaker.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status, ...(description ? { ApprovalDescription: description } : {}) }));
    return plainObject(await clients.sageMaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn })));
  } catch (error) {
    throw awsError(error, `updating ${arn}`);
  }
}

export async function describeEndpointRemote(clients: Clients, name: string): Promise<JsonObject> {
  try {
    return plainObject(await clients.sageMaker.send(new DescribeEndpointCommand({ EndpointName: name })));
  } catch (error) {
    throw awsError(error, `describing endpoint ${name}`);
  }
}

export async function deployRemote(clients: Clients, settings: AwsSettings, packageArn: string, name: string, pollMs: number, timeoutMs = 30 * 60_000): Promise<JsonObject> {
  if (!settings.roleArn) throw new SagepipeError(ErrorCode.UsageError, 'no execution role for the model: set --role-arn or SAGEPIPE_ROLE_ARN');
  if (!packageArn.startsWith('arn:')) throw new SagepipeError(ErrorCode.UsageError, 'with --target sagemaker, give the model package ARN');
  try {
    const p = await clients.sageMaker.send(new DescribeModelPackageCommand({ ModelPackageName: packageArn }));
    const c = p.InferenceSpecification?.Containers?.[0];
    if (!c?.Image) throw new SagepipeError(ErrorCode.ResourceNotFound, `${packageArn} has no inference container`);
    const modelName = `${name}-model`;
    await clients.sageMaker.send(new CreateModelCommand({ ModelName: modelName, ExecutionRoleArn: settings.roleArn, PrimaryContainer: { Image: c.Image, ModelDataUrl: c.ModelDataUrl } }));
    const instance = p.InferenceSpecification?.SupportedRealtimeInferenceInstanceTypes?.[0] ?? 'ml.m5.large';
    await clients.sageMaker.send(
      new CreateEndpointConfigCommand({ EndpointConfigName: `${name}-config`, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: modelName, InitialInstanceCount: 1, InstanceType: instance as never }] }),
    );
    await clients.sageMaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-config` }));
  } catch (error) {
    if (error instanceof SagepipeError) throw error;
    throw awsError(error, `deploying ${packageArn} as ${name}`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = await describeEndpointRemote(clients, name);
    if (e.EndpointStatus === 'InService') return e;
    if (e.EndpointStatus === 'Failed') throw new SagepipeError(ErrorCode.JobFailed, `endpoint '${name}' failed: ${String(e.FailureReason ?? 'no reason given')}`);
    if (Date.now() > deadline) throw new SagepipeError(ErrorCode.JobFailed, `endpoint '${name}' is still ${String(e.EndpointStatus)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function listEndpointsRemote(clients: Clients): Promise<JsonObject[]> {
  try {
    return ((await clients.sageMaker.send(new ListEndpointsCommand({}))).Endpoints ?? []).map(plainObject);
  } catch (error) {
    throw awsError(error, 'listing endpoints');
  }
}

export async function deleteEndpointRemote(clients: Clients, name: string): Promise<void> {
  try {
    await clients.sageMaker.send(new DeleteEndpointCommand({ EndpointName: name }));
  } catch (error) {
    throw awsError(error, `deleting endpoint ${name}`);
  }
}

export async function invokeRemote(settings: AwsSettings, name: string, body: Uint8Array, contentType: string, accept?: string): Promise<string> {
  const runtime = new SageMakerRuntimeClient({ region: settings.region, ...(settings.sageMakerEndpoint ? { endpoint: settings.sageMakerEndpoint } : {}) });
  try {
    const out = await runtime.send(new InvokeEndpointCommand({ EndpointName: name, Body: body, ContentType: contentType, ...(accept ? { Accept: accept } : {}) }));
    return Buffer.from(out.Body ?? new Uint8Array()).toString('utf8');
  } catch (error) {
    throw awsError(error, `invoking endpoint ${name}`);
  }
}
