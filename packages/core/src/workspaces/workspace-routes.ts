import { Type } from '@sinclair/typebox';
import { HangarError } from '../errors/hangar-error.js';
import { userServiceToken } from '../identity/user-service.js';
import type { PluginContext } from '../kernel/plugin.js';
import { organizationServiceToken } from '../organizations/organization-service.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { workspaceServiceToken } from './workspace-service.js';
import { workspaceFor, workspaceObject, workspaceScope } from './workspace-access.js';
import { workspaceViewById, workspaceViews } from './workspace-loader.js';
import { findWorkspaceByName, listWorkspaces } from './workspace-queries.js';
import { CreateWorkspaceBody, UpdateWorkspaceBody, WorkspaceParams, WorkspacePageSchema, WorkspaceWireSchema } from './workspace-schemas.js';
import { parseWorkspaceSearch } from './workspace-search.js';

const read = { action: rbacActions.read, resource: rbacResources.workspace };
const pathSegment = Type.String({ minLength: 1, maxLength: 128 });

/** Workspace routes: create, list and search, get (by id or owner and name), rename. */
export function registerWorkspaceRoutes(ctx: PluginContext): void {
  ctx.route({
    method: 'POST',
    url: '/api/v2/organizations/:organization/members/:user/workspaces',
    access: { action: rbacActions.create, resource: rbacResources.workspace },
    summary: 'Create a workspace for a member (`me` for yourself) from a template, and start it.',
    schema: {
      params: Type.Object({ organization: pathSegment, user: pathSegment }),
      body: CreateWorkspaceBody,
      response: { 201: WorkspaceWireSchema },
    },
    async handler(request, reply) {
      const scope = workspaceScope(ctx, request);
      const organization = await ctx.resolve(organizationServiceToken).find(scope.em, request.params.organization);
      if (!organization) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'organization' });
      const owner = await ctx.resolve(userServiceToken).resolve(scope.em, request.params.user, scope.subject);
      scope.authorizer.authorize(scope.subject, rbacActions.create, workspaceObject({ ownerId: owner.id, organizationId: organization.id }));
      if (!(await ctx.resolve(organizationServiceToken).getMember(scope.em, organization.id, owner.id))) {
        throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'organization member' }, { detail: `${owner.username} is not a member of ${organization.name}` });
      }
      scope.authorizer.authorize(scope.subject, rbacActions.use, { type: rbacResources.template, organizationId: organization.id }, { hide: true, resourceName: 'template' });
      const body = request.body;
      const { workspaceId } = await ctx.resolve(workspaceServiceToken).create(scope.em, scope.audit, {
        organizationId: organization.id,
        ownerId: owner.id,
        name: body.name,
        ...(body.template_id ? { templateId: body.template_id } : {}),
        ...(body.template_version_id ? { templateVersionId: body.template_version_id } : {}),
        parameters: body.rich_parameter_values ?? [],
        initiatorId: scope.subject.id,
      });
      return reply.status(201).send(await workspaceViewById(scope.em, workspaceId));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/workspaces',
    access: read,
    summary: 'List the workspaces you may see; `q` searches (`owner:me template:docker status:running name:dev`).',
    schema: {
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 1024 })),
        limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        offset: Type.Integer({ minimum: 0, default: 0 }),
      }),
      response: { 200: WorkspacePageSchema },
    },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const search = parseWorkspaceSearch(request.query.q);
      const filter = scope.authorizer.listFilter(scope.subject, rbacActions.read, rbacResources.workspace);
      const page = await listWorkspaces(scope.em, search, { filter, subjectId: scope.subject.id, limit: request.query.limit, offset: request.query.offset });
      return { workspaces: await workspaceViews(scope.em, page.workspaces), count: page.count };
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/workspaces/:workspace',
    access: read,
    summary: 'A workspace with its latest build; a deleted one answers 410 unless `include_deleted=true`.',
    schema: {
      params: WorkspaceParams,
      querystring: Type.Object({ include_deleted: Type.Boolean({ default: false }) }),
      response: { 200: WorkspaceWireSchema },
    },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const workspace = await workspaceFor(scope, request.params.workspace, rbacActions.read, request.query.include_deleted);
      return (await workspaceViews(scope.em, [workspace]))[0];
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/users/:user/workspace/:name',
    access: read,
    summary: "A user's live workspace by name (`me` for yourself).",
    schema: { params: Type.Object({ user: pathSegment, name: pathSegment }), response: { 200: WorkspaceWireSchema } },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const owner = await ctx.resolve(userServiceToken).resolve(scope.em, request.params.user, scope.subject).catch(() => null);
      const workspace = owner ? await findWorkspaceByName(scope.em, owner.id, request.params.name) : null;
      if (!workspace) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace' });
      scope.authorize(rbacActions.read, workspace);
      return (await workspaceViews(scope.em, [workspace]))[0];
    },
  });

  ctx.route({
    method: 'PATCH',
    url: '/api/v2/workspaces/:workspace',
    access: { action: rbacActions.update, resource: rbacResources.workspace },
    summary: 'Rename a workspace.',
    schema: { params: WorkspaceParams, body: UpdateWorkspaceBody, response: { 200: WorkspaceWireSchema } },
    async handler(request) {
      const scope = workspaceScope(ctx, request);
      const workspace = await workspaceFor(scope, request.params.workspace, rbacActions.update);
      await ctx.resolve(workspaceServiceToken).rename(scope.em, scope.audit, workspace.id, request.body.name);
      return workspaceViewById(scope.em, workspace.id);
    },
  });
}
