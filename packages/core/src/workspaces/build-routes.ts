import { Type } from '@sinclair/typebox';
import type { PluginContext } from '../kernel/plugin.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { buildParameterValues, selectBuilds } from './build-queries.js';
import { buildServiceToken } from './build-service.js';
import { loadBuildResources } from './resource-store.js';
import { query } from './sql.js';
import { buildFor, workspaceFor, workspaceScope } from './workspace-access.js';
import { buildViewById, buildViews } from './workspace-loader.js';
import { workspaceResourceView } from './workspace-views.js';
import { BuildParams, BuildSchema, CreateBuildBody, ParameterValueSchema, ResourceSchema, WorkspaceParams } from './workspace-schemas.js';

const read = { action: rbacActions.read, resource: rbacResources.workspace };

/** Build routes: create (start, stop, delete, orphan delete), list, get, resources, parameters, state, cancel. */
export function registerBuildRoutes(ctx: PluginContext): void {
  ctx.route({
    method: 'POST',
    url: '/api/v2/workspaces/:workspace/builds',
    access: { action: rbacActions.update, resource: rbacResources.workspace },
    summary: 'Start, stop or delete a workspace (optionally on another template version, with new parameter values).',
    schema: { params: WorkspaceParams, body: CreateBuildBody, response: { 201: BuildSchema } },
    async handler(request, reply) {
      const scope = workspaceScope(ctx, request);
      const body = request.body;
      const action = body.transition === 'delete' ? rbacActions.delete : rbacActions.update;
      const workspace = await workspaceFor(scope, request.params.workspace, action, true);
      if (body.orphan) {
        // Orphaning leaves infrastructure nobody tracks: only those who manage the template may.
        scope.authorizer.authorize(scope.subject, rbacActions.update, { type: rbacResources.template, id: workspace.templateId, organizationId: workspace.organizationId });
      }
      const queued = await ctx.resolve(buildServiceToken).create(scope.em, scope.audit, workspace.id, {
        transition: body.transition,
        ...(body.template_version_id ? { templateVersionId: body.template_version_id } : {}),
        parameters: body.rich_parameter_values ?? [],
        orphan: body.orphan ?? false,
        initiatorId: scope.subject.id,
      });
      return reply.status(201).send(await buildViewById(scope.em, queued.buildId));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/workspaces/:workspace/builds',
    access: read,
    summary: "A workspace's builds, newest first (a deleted workspace's too).",
    schema: {
      params: WorkspaceParams,
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        offset: Type.Integer({ minimum: 0, default: 0 }),
      }),
      response: { 200: Type.Array(BuildSchema) },
    },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const workspace = await workspaceFor(scope, request.params.workspace, rbacActions.read, true);
      const { limit, offset } = request.query;
      const builds = await selectBuilds(scope.em, 'b.workspace_id = ?', [workspace.id, limit, offset], 'order by b.build_number desc limit ? offset ?');
      return buildViews(scope.em, builds);
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/workspacebuilds/:build',
    access: read,
    summary: 'A build with its job status, queue position and resources.',
    schema: { params: BuildParams, response: { 200: BuildSchema } },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const build = await buildFor(scope, request.params.build, rbacActions.read);
      return (await buildViews(scope.em, [build]))[0];
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/workspacebuilds/:build/resources',
    access: read,
    summary: 'The resources a build produced, with agents and apps (agent tokens are never shown).',
    schema: { params: BuildParams, response: { 200: Type.Array(ResourceSchema) } },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const build = await buildFor(scope, request.params.build, rbacActions.read);
      return ((await loadBuildResources(scope.em, [build.id])).get(build.id) ?? []).map(workspaceResourceView);
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/workspacebuilds/:build/parameters',
    access: read,
    summary: 'The parameter values a build ran with.',
    schema: { params: BuildParams, response: { 200: Type.Array(ParameterValueSchema) } },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const build = await buildFor(scope, request.params.build, rbacActions.read);
      return Object.entries(await buildParameterValues(scope.em, build.id)).map(([name, value]) => ({ name, value }));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/workspacebuilds/:build/state',
    access: read,
    summary: "The provisioner state a build left (raw bytes), for the workspace's owner or a role allowed to read it.",
    schema: { params: BuildParams },
    async handler(request, reply) {
      const scope = workspaceScope(ctx, request);
      const build = await buildFor(scope, request.params.build, rbacActions.read);
      const rows = await query<{ state: Buffer | null }>(scope.em, 'select state from hangar_workspace_builds where id = ?', [build.id]);
      return reply.type('application/octet-stream').send(rows[0]?.state ?? Buffer.alloc(0));
    },
  });

  ctx.route({
    method: 'PATCH',
    url: '/api/v2/workspacebuilds/:build/cancel',
    access: { action: rbacActions.update, resource: rbacResources.workspace },
    summary: 'Cancel a pending or running build.',
    schema: { params: BuildParams, response: { 200: Type.Object({ message: Type.String() }) } },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const build = await buildFor(scope, request.params.build, rbacActions.update);
      await ctx.resolve(buildServiceToken).cancel(build);
      return { message: `Build #${build.buildNumber} is being canceled.` };
    },
  });
}

