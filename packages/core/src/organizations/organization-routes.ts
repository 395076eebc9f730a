import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { auditServiceToken } from '../audit/audit-service.js';
import { HangarError } from '../errors/hangar-error.js';
import { requireSubject } from '../identity/request-auth.js';
import { authorizeOnUser } from '../identity/user-access.js';
import { UserParamsSchema } from '../identity/user-schemas.js';
import { userServiceToken } from '../identity/user-service.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import type { OrganizationRecord } from './organization-entities.js';
import {
  CreateOrganizationBody,
  OrganizationParamsSchema,
  OrganizationSchemaWire,
  toOrganizationResponse,
  UpdateOrganizationBody,
} from './organization-schemas.js';
import { organizationServiceToken } from './organization-service.js';

const NoContent = Type.Null({ description: 'Done.' });

/** An organization as an RBAC object: its own id is its organization. */
export function organizationObject(organization: Pick<OrganizationRecord, 'id'>) {
  return { type: rbacResources.organization, id: organization.id, organizationId: organization.id };
}

/**
 * Resolves `:organization` and checks the subject may read it (404 otherwise, so its
 * existence stays hidden), then that they may do `action` to it (403).
 */
export async function loadOrganization(ctx: PluginContext, request: FastifyRequest, action: string = rbacActions.read): Promise<OrganizationRecord> {
  const subject = requireSubject(request);
  const authorizer = ctx.resolve(authorizerToken);
  const param = (request.params as { organization: string }).organization;
  const organization = await ctx.resolve(organizationServiceToken).find(request.scope.resolve(entityManagerToken), param);
  if (!organization) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'organization' });
  authorizer.authorize(subject, rbacActions.read, organizationObject(organization), { hide: true });
  if (action !== rbacActions.read) authorizer.authorize(subject, action, organizationObject(organization));
  return organization;
}

/** Organization routes: list, create, get, update, delete, and a user's organizations. */
export function registerOrganizationRoutes(ctx: PluginContext): void {
  const service = () => ctx.resolve(organizationServiceToken);
  const audit = () => ctx.resolve(auditServiceToken);

  ctx.route({
    method: 'GET',
    url: '/api/v2/organizations',
    access: { action: rbacActions.read, resource: rbacResources.organization },
    summary: 'List the organizations the caller may see.',
    schema: { response: { 200: Type.Array(OrganizationSchemaWire) } },
    async handler(request) {
      const filter = ctx.resolve(authorizerToken).listFilter(requireSubject(request), rbacActions.read, rbacResources.organization);
      return (await service().list(request.scope.resolve(entityManagerToken), filter)).map(toOrganizationResponse);
    },
  });

  ctx.route({
    method: 'POST',
    url: '/api/v2/organizations',
    access: { action: rbacActions.create, resource: rbacResources.organization },
    summary: 'Create an organization (owners); the creator becomes its organization admin.',
    schema: { body: CreateOrganizationBody, response: { 201: OrganizationSchemaWire } },
    async handler(request, reply) {
      const subject = requireSubject(request);
      ctx.resolve(authorizerToken).authorize(subject, rbacActions.create, { type: rbacResources.organization });
      const body = request.body;
      const organization = await service().create(request.scope.resolve(entityManagerToken), audit().contextOf(request), {
        name: body.name,
        ...(body.display_name !== undefined ? { displayName: body.display_name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.icon !== undefined ? { icon: body.icon } : {}),
      }, subject.id);
      return reply.code(201).send(toOrganizationResponse(organization));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/organizations/:organization',
    access: { action: rbacActions.read, resource: rbacResources.organization },
    summary: 'Get an organization by id, name, or `default`.',
    schema: { params: OrganizationParamsSchema, response: { 200: OrganizationSchemaWire } },
    handler: async (request) => toOrganizationResponse(await loadOrganization(ctx, request)),
  });

  ctx.route({
    method: 'PATCH',
    url: '/api/v2/organizations/:organization',
    access: { action: rbacActions.update, resource: rbacResources.organization },
    summary: "Change an organization's name, display name, description or icon.",
    schema: { params: OrganizationParamsSchema, body: UpdateOrganizationBody, response: { 200: OrganizationSchemaWire } },
    async handler(request) {
      const organization = await loadOrganization(ctx, request, rbacActions.update);
      const body = request.body;
      const updated = await service().update(request.scope.resolve(entityManagerToken), audit().contextOf(request), organization, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.display_name !== undefined ? { displayName: body.display_name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.icon !== undefined ? { icon: body.icon } : {}),
      });
      return toOrganizationResponse(updated);
    },
  });

  ctx.route({
    method: 'DELETE',
    url: '/api/v2/organizations/:organization',
    access: { action: rbacActions.delete, resource: rbacResources.organization },
    summary: 'Delete an organization and its memberships (not the default one).',
    schema: { params: OrganizationParamsSchema, response: { 204: NoContent } },
    async handler(request, reply) {
      const organization = await loadOrganization(ctx, request, rbacActions.delete);
      await service().delete(request.scope.resolve(entityManagerToken), audit().contextOf(request), organization);
      return reply.code(204).send();
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/users/:user/organizations',
    access: { action: rbacActions.read, resource: rbacResources.user },
    summary: 'The organizations a user belongs to (those the caller may see).',
    schema: { params: UserParamsSchema, response: { 200: Type.Array(OrganizationSchemaWire) } },
    async handler(request) {
      const subject = requireSubject(request);
      const authorizer = ctx.resolve(authorizerToken);
      const em = request.scope.resolve(entityManagerToken);
      const user = await ctx.resolve(userServiceToken).resolve(em, request.params.user, subject);
      authorizeOnUser(authorizer, subject, rbacActions.read, user);
      const organizations = await service().listForUser(em, user.id);
      return authorizer.filter(subject, rbacActions.read, organizations, organizationObject).map(toOrganizationResponse);
    },
  });
}
