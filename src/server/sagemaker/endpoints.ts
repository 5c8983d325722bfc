/**
 * Endpoint configs and endpoints on the local runner. An endpoint is deployed in the background (Creating, then
 * InService or Failed — a deployment that fails before it is recorded is still reported, as Failed with its reason);
 * a model created from a model package (`ModelPackageName`, what the SDK's `ModelPackage.deploy()` makes) deploys
 * that package.
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../../definition/types.ts';
import { writeFileAtomic } from '../../engine/store.ts';
import { errorMessage } from '../../errors.ts';
import { validation } from '../http/api-error.ts';
import type { SageMakerContext } from './context.ts';
import { ENTITY_NAME, type Operations, optionalList, paginate, requiredString, wireObject } from './wire.ts';

interface FailedDeployment {
  readonly record: JsonObject;
}

export function endpointOperations(ctx: SageMakerContext): Operations {
  const { session, endpoints } = ctx;
  const configsDir = join(session.workspace, 'endpoint-configs');
  const configFile = (name: string) => join(configsDir, `${name}.json`);
  const failed = new Map<string, FailedDeployment>();
  const readConfig = async (name: string): Promise<JsonObject> => {
    try {
      return JSON.parse(await readFile(configFile(name), 'utf8')) as JsonObject;
    } catch {
      throw validation(`Could not find endpoint configuration "${ctx.arn('endpoint-config', name)}".`);
    }
  };
  const described = async (name: string): Promise<JsonObject | undefined> => {
    const e = await endpoints.describe(name).catch(() => undefined);
    if (!e) return failed.get(name)?.record;
    return {
      EndpointName: e.EndpointName,
      EndpointArn: e.EndpointArn,
      EndpointConfigName: (e.Source.EndpointConfigName as string | undefined) ?? e.EndpointName,
      EndpointStatus: e.EndpointStatus,
      FailureReason: e.FailureReason,
      CreationTime: e.CreationTime,
      LastModifiedTime: e.LastModifiedTime,
    };
  };
  /** What a model deploys: its model package when it was created from one, else the model itself. */
  const deployable = async (modelName: string): Promise<string> => {
    const found = (await session.models.list()).find((m) => String(m.ModelName).toLowerCase() === modelName.toLowerCase());
    if (!found) throw validation(`Could not find model "${ctx.arn('model', modelName)}".`);
    const containers = [found.PrimaryContainer, ...(Array.isArray(found.Containers) ? found.Containers : [])].filter((c): c is JsonObject => typeof c === 'object' && c !== null && !Array.isArray(c));
    const fromPackage = containers.find((c) => typeof c.ModelPackageName === 'string')?.ModelPackageName;
    return typeof fromPackage === 'string' ? fromPackage : String(found.ModelName);
  };

  return {
    async CreateEndpointConfig(input) {
      const name = requiredString(input, 'EndpointConfigName', ENTITY_NAME, 63);
      const variants = optionalList(input, 'ProductionVariants');
      if (!variants || variants.length === 0) throw validation('ProductionVariants must name at least one variant');
      for (const v of variants) requiredString(v, 'VariantName', ENTITY_NAME, 63);
      if (await readConfig(name).then(() => true, () => false)) throw validation(`Cannot create already existing endpoint configuration "${ctx.arn('endpoint-config', name)}".`);
      await mkdir(configsDir, { recursive: true });
      const arn = ctx.arn('endpoint-config', name);
      await writeFileAtomic(configFile(name), JSON.stringify({ ...input, EndpointConfigArn: arn, CreationTime: new Date().toISOString() }));
      return { EndpointConfigArn: arn };
    },
    async DescribeEndpointConfig(input) {
      return wireObject(await readConfig(requiredString(input, 'EndpointConfigName', ENTITY_NAME, 63)));
    },
    async ListEndpointConfigs(input) {
      const names = await readdir(configsDir).catch(() => [] as string[]);
      const configs: JsonObject[] = [];
      for (const f of names.filter((n) => n.endsWith('.json') && ENTITY_NAME.test(n.slice(0, -5))).sort()) {
        const c = await readConfig(f.slice(0, -5)).catch(() => undefined);
        if (c) configs.push(c);
      }
      const { page, NextToken } = paginate(configs, input);
      return { EndpointConfigs: page.map((c) => wireObject({ EndpointConfigName: c.EndpointConfigName, EndpointConfigArn: c.EndpointConfigArn, CreationTime: c.CreationTime })), ...(NextToken ? { NextToken } : {}) };
    },
    async DeleteEndpointConfig(input) {
      const name = requiredString(input, 'EndpointConfigName', ENTITY_NAME, 63);
      await readConfig(name);
      await rm(configFile(name), { force: true });
      return {};
    },
    async CreateEndpoint(input) {
      const name = requiredString(input, 'EndpointName', ENTITY_NAME, 63);
      const configName = requiredString(input, 'EndpointConfigName', ENTITY_NAME, 63);
      const config = await readConfig(configName);
      if ((await endpoints.describe(name).then(() => true, () => false)) || failed.has(name)) {
        throw validation(`Cannot create already existing endpoint "${ctx.arn('endpoint', name)}".`);
      }
      const variant = (config.ProductionVariants as JsonObject[])[0] as JsonObject;
      const ref = await deployable(String(variant.ModelName ?? ''));
      const now = new Date().toISOString();
      const arn = ctx.arn('endpoint', name);
      // The endpoint starts in the background; DescribeEndpoint reports Creating, then InService or Failed.
      void endpoints.deploy(ref, { name, allowUnapproved: true, source: { EndpointConfigName: configName } }).catch(async (error: unknown) => {
        if (await endpoints.describe(name).then(() => true, () => false)) return;
        failed.set(name, {
          record: { EndpointName: name, EndpointArn: arn, EndpointConfigName: configName, EndpointStatus: 'Failed', FailureReason: errorMessage(error), CreationTime: now, LastModifiedTime: new Date().toISOString() },
        });
      });
      for (let i = 0; i < 100 && !failed.has(name) && !(await endpoints.describe(name).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 10));
      return { EndpointArn: arn };
    },
    async DescribeEndpoint(input) {
      const name = requiredString(input, 'EndpointName', ENTITY_NAME, 63);
      const e = await described(name);
      if (!e) throw validation(`Could not find endpoint "${ctx.arn('endpoint', name)}".`);
      return wireObject(e);
    },
    async ListEndpoints(input) {
      const list = [...(await endpoints.list()).map((e) => ({ EndpointName: e.EndpointName, EndpointArn: e.EndpointArn, EndpointStatus: e.EndpointStatus, CreationTime: e.CreationTime, LastModifiedTime: e.LastModifiedTime }) as JsonObject), ...[...failed.values()].map((f) => f.record)];
      const { page, NextToken } = paginate(list, input);
      return { Endpoints: page.map((e) => wireObject({ EndpointName: e.EndpointName, EndpointArn: e.EndpointArn, EndpointStatus: e.EndpointStatus, CreationTime: e.CreationTime, LastModifiedTime: e.LastModifiedTime })), ...(NextToken ? { NextToken } : {}) };
    },
    async DeleteEndpoint(input) {
      const name = requiredString(input, 'EndpointName', ENTITY_NAME, 63);
      if (failed.delete(name)) return {};
      try {
        await endpoints.delete(name);
      } catch {
        throw validation(`Could not find endpoint "${ctx.arn('endpoint', name)}".`);
      }
      return {};
    },
  };
}
