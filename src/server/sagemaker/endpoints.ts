/**
 * Endpoint configs and endpoints on the local runner. CreateEndpoint answers at once and the target deploys in the
 * background: DescribeEndpoint reports Creating until the target's deployment settles, then InService or Failed (a
 * deployment that fails before it is recorded is still reported, as Failed with its reason) — nothing polls;
 * a model created from a model package (`ModelPackageName`, what the SDK's `ModelPackage.deploy()` makes) deploys
 * that package.
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../../definition/types.ts';
import { writeFileAtomic } from '../../write-file-atomic.ts';
import { errorMessage } from '../../errors.ts';
import { validation } from '../http/api-error.ts';
import type { SageMakerContext } from './context.ts';
import { ENTITY_NAME, type Operations, optionalList, paginate, requiredString, wireObject } from './wire.ts';

/** An endpoint the target has not recorded itself: one being deployed (Creating), or one whose deployment failed early. */
interface Unrecorded {
  readonly record: JsonObject;
}

export function endpointOperations(ctx: SageMakerContext): Operations {
  const { session, target } = ctx;
  const configsDir = join(session.workspace, 'endpoint-configs');
  const configFile = (name: string) => join(configsDir, `${name}.json`);
  const failed = new Map<string, Unrecorded>();
  const creating = new Map<string, Unrecorded>();
  const recorded = (name: string) => target.describeEndpoint(name).then(() => true, () => false);
  const readConfig = async (name: string): Promise<JsonObject> => {
    try {
      return JSON.parse(await readFile(configFile(name), 'utf8')) as JsonObject;
    } catch {
      throw validation(`Could not find endpoint configuration "${ctx.arn('endpoint-config', name)}".`);
    }
  };
  const described = async (name: string): Promise<JsonObject | undefined> => {
    const e = await target.describeEndpoint(name).catch(() => undefined);
    if (!e) return (failed.get(name) ?? creating.get(name))?.record;
    return {
      EndpointName: e.EndpointName,
      EndpointArn: e.EndpointArn,
      EndpointConfigName: ((e.Source as JsonObject | undefined)?.EndpointConfigName as string | undefined) ?? e.EndpointName,
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
      if (creating.has(name) || failed.has(name) || (await recorded(name))) {
        throw validation(`Cannot create already existing endpoint "${ctx.arn('endpoint', name)}".`);
      }
      const variant = (config.ProductionVariants as JsonObject[])[0] as JsonObject;
      const ref = await deployable(String(variant.ModelName ?? ''));
      const now = new Date().toISOString();
      const arn = ctx.arn('endpoint', name);
      const base = { EndpointName: name, EndpointArn: arn, EndpointConfigName: configName, CreationTime: now };
      creating.set(name, { record: { ...base, EndpointStatus: 'Creating', LastModifiedTime: now } });
      // Answers now, as the service does; the deployment's own promise says when it is InService or Failed.
      void target
        .deployEndpoint(ref, { name, allowUnapproved: true, endpointConfigName: configName })
        .catch(async (error: unknown) => {
          if (await recorded(name)) return; // recorded as Failed by the target, with its log's last lines
          failed.set(name, { record: { ...base, EndpointStatus: 'Failed', FailureReason: errorMessage(error), LastModifiedTime: new Date().toISOString() } });
        })
        .finally(() => creating.delete(name));
      return { EndpointArn: arn };
    },
    async DescribeEndpoint(input) {
      const name = requiredString(input, 'EndpointName', ENTITY_NAME, 63);
      const e = await described(name);
      if (!e) throw validation(`Could not find endpoint "${ctx.arn('endpoint', name)}".`);
      return wireObject(e);
    },
    async ListEndpoints(input) {
      const listed = await target.listEndpoints();
      const known = new Set(listed.map((e) => String(e.EndpointName)));
      const list = [...listed, ...[...creating.values(), ...failed.values()].map((f) => f.record).filter((r) => !known.has(String(r.EndpointName)))];
      const { page, NextToken } = paginate(list, input);
      return { Endpoints: page.map((e) => wireObject({ EndpointName: e.EndpointName, EndpointArn: e.EndpointArn, EndpointStatus: e.EndpointStatus, CreationTime: e.CreationTime, LastModifiedTime: e.LastModifiedTime })), ...(NextToken ? { NextToken } : {}) };
    },
    async DeleteEndpoint(input) {
      const name = requiredString(input, 'EndpointName', ENTITY_NAME, 63);
      if (failed.delete(name)) return {};
      try {
        await target.deleteEndpoint(name);
      } catch {
        throw validation(`Could not find endpoint "${ctx.arn('endpoint', name)}".`);
      }
      return {};
    },
  };
}
