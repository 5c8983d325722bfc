/** The model registry (versions, approval) and local endpoints (deploy, try a request). */
import type { ApprovalStatus } from '../../../local-runner/registry/file-registry.ts';
import { versionSummary } from './api.ts';
import { HttpError, type Route, readJson, requireText, sendJson } from './http.ts';
import type { RouteContext } from './route-context.ts';
import { DEFAULT_CONTENT_TYPE } from '../../../containers/contract/serving.ts';

export function registryRoutes(ctx: RouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/models$/,
      handler: async (_req, res) => {
        const groups = [];
        for (const g of await ctx.workspace.groups()) {
          const name = String(g.ModelPackageGroupName);
          groups.push({ name, arn: g.ModelPackageGroupArn, created: g.CreationTime, versions: (await ctx.workspace.versions(name)).map(versionSummary) });
        }
        sendJson(res, 200, { groups, endpoints: await ctx.workspace.endpoints().catch(() => []) });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/models\/([\w-]+)\/(\d+)\/approval$/,
      handler: async (req, res, [group, version]) => {
        const body = await readJson(req);
        const status = body.status;
        if (status !== 'Approved' && status !== 'Rejected' && status !== 'PendingManualApproval') {
          throw new HttpError(400, "field 'status' must be Approved, Rejected or PendingManualApproval");
        }
        const updated = await ctx.workspace.setApproval(`${group}/${version}`, status as ApprovalStatus, {
          ...(typeof body.description === 'string' && body.description ? { description: body.description } : {}),
          force: body.force === true,
        });
        sendJson(res, 200, versionSummary(updated));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/endpoints$/,
      handler: async (req, res) => {
        const body = await readJson(req);
        const record = await ctx.workspace.deploy(requireText(body.model, 'model'), { ...(typeof body.name === 'string' && body.name ? { name: body.name } : {}), allowUnapproved: body.allowUnapproved === true });
        sendJson(res, 200, record);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/endpoints\/([\w-]+)\/invoke$/,
      handler: async (req, res, [name]) => {
        const body = await readJson(req);
        sendJson(res, 200, await ctx.workspace.invoke(name as string, requireText(body.body, 'body'), typeof body.contentType === 'string' ? body.contentType : DEFAULT_CONTENT_TYPE));
      },
    },
  ];
}
