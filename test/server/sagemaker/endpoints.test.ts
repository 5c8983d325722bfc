/**
 * serve's endpoint operations over a fake target whose deployment is a promise the test settles: CreateEndpoint
 * answers at once, DescribeEndpoint follows the deployment's promise (Creating, then InService or Failed), and no
 * timer runs — under fake timers a polling loop would never answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JsonObject } from '../../../src/definition/types.ts';
import type { DeployRequest } from '../../../src/engine/target.ts';
import { type SageMakerContext, ServeState } from '../../../src/server/sagemaker/context.ts';
import { endpointOperations } from '../../../src/server/sagemaker/endpoints.ts';
import { deferred } from '../../helpers/deferred.ts';
import { tempDir } from '../../helpers/context.ts';

const ws = tempDir('sagepipe-endpoints-');

/** A target whose one deployment settles when the test says; it records the endpoint as InService only then. */
function fakeTarget() {
  const deployment = deferred<JsonObject>();
  const records = new Map<string, JsonObject>();
  const calls: { ref: string; options: DeployRequest }[] = [];
  return {
    deployment,
    records,
    calls,
    target: {
      deployEndpoint: (ref: string, options: DeployRequest) => {
        calls.push({ ref, options });
        return deployment.promise;
      },
      describeEndpoint: async (name: string) => {
        const r = records.get(name);
        if (!r) throw new Error(`no endpoint ${name}`);
        return r;
      },
      listEndpoints: async () => [...records.values()],
      deleteEndpoint: async (name: string) => void records.delete(name),
    },
  };
}

function operations(fake: ReturnType<typeof fakeTarget>) {
  const ctx = {
    session: { workspace: ws.path, models: { list: async () => [{ ModelName: 'm', PrimaryContainer: { ModelPackageName: 'Group/1' } }] } },
    target: fake.target,
    state: new ServeState(`${ws.path}/serve`),
    stopping: new Set<string>(),
    arn: (kind: string, name: string) => `arn:aws:sagemaker:us-east-1:000000000000:${kind}/${name.toLowerCase()}`,
  } as unknown as SageMakerContext;
  return endpointOperations(ctx);
}

const status = async (ops: ReturnType<typeof operations>, name: string) => ((await ops.DescribeEndpoint?.({ EndpointName: name })) as JsonObject).EndpointStatus;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CreateEndpoint', () => {
  it('GIVEN a deployment under way WHEN CreateEndpoint is called THEN it answers at once, Creating, and InService once the deployment settles', async () => {
    const fake = fakeTarget();
    const ops = operations(fake);
    await ops.CreateEndpointConfig?.({ EndpointConfigName: 'cfg-a', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'm' }] });

    const created = await ops.CreateEndpoint?.({ EndpointName: 'ep-a', EndpointConfigName: 'cfg-a' });
    expect(created).toEqual({ EndpointArn: 'arn:aws:sagemaker:us-east-1:000000000000:endpoint/ep-a' });
    expect(fake.calls).toEqual([{ ref: 'Group/1', options: { name: 'ep-a', allowUnapproved: true, endpointConfigName: 'cfg-a' } }]);
    expect(vi.getTimerCount()).toBe(0);
    expect(await status(ops, 'ep-a')).toBe('Creating');
    expect(((await ops.ListEndpoints?.({})) as { Endpoints: JsonObject[] }).Endpoints.map((e) => `${e.EndpointName} ${e.EndpointStatus}`)).toEqual(['ep-a Creating']);
    await expect(ops.CreateEndpoint?.({ EndpointName: 'ep-a', EndpointConfigName: 'cfg-a' })).rejects.toThrow(/already existing endpoint/);

    const record = { EndpointName: 'ep-a', EndpointArn: 'arn:x', EndpointStatus: 'InService', Source: { EndpointConfigName: 'cfg-a' }, CreationTime: 't', LastModifiedTime: 't' };
    fake.records.set('ep-a', record);
    fake.deployment.resolve(record);
    await fake.deployment.promise;
    expect(await status(ops, 'ep-a')).toBe('InService');
    expect(((await ops.ListEndpoints?.({})) as { Endpoints: JsonObject[] }).Endpoints.map((e) => `${e.EndpointName} ${e.EndpointStatus}`)).toEqual(['ep-a InService']);
  });

  it('GIVEN a deployment that fails before the target records it WHEN it rejects THEN DescribeEndpoint says Failed with its reason', async () => {
    const fake = fakeTarget();
    const ops = operations(fake);
    await ops.CreateEndpointConfig?.({ EndpointConfigName: 'cfg-b', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'm' }] });
    await ops.CreateEndpoint?.({ EndpointName: 'ep-b', EndpointConfigName: 'cfg-b' });
    expect(await status(ops, 'ep-b')).toBe('Creating');

    fake.deployment.reject(new Error('image sagepipe-xgboost is not available here'));
    await fake.deployment.promise.catch(() => undefined);
    await vi.waitFor(async () => expect(await status(ops, 'ep-b')).toBe('Failed'));
    expect(await ops.DescribeEndpoint?.({ EndpointName: 'ep-b' })).toMatchObject({ EndpointStatus: 'Failed', FailureReason: 'image sagepipe-xgboost is not available here', EndpointConfigName: 'cfg-b' });
  });
});
