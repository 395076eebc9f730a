import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { auditServiceToken } from '../audit/audit-service.js';
import { HangarError } from '../errors/hangar-error.js';
import { requireSubject } from '../identity/request-auth.js';
import { RoleNameSchema } from '../identity/user-schemas.js';
import { userServiceToken } from '../identity/user-service.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import type { OrganizationRecord } from './organization-entities.js';
import { loadOrganization } from './organization-routes.js';
import { MemberParamsSchema, OrganizationMemberSchemaWire, OrganizationParamsSchema } from './organization-schemas.js';
import { type OrganizationMember, organizationServiceToken } from './organization-service.js';

const NoContent = Type.Null({ description: 'Done.' });
const PageQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) });
const MemberPage = Type.Object({ members: Type.Array(OrganizationMemberSchemaWire), count: Type.Integer() });
const SetRolesBody = Type.Object({ roles: Type.Array(RoleNameSchema, { maxItems: 16, uniqueItems: true }) });
const AssignableRole = Type.Object({ name: Type.String(), display_name: Type.String(), assignable: Type.Boolean() });

/** A membership as an RBAC object: in its organization, owned by its user. */
export function memberObject(organizationId: string, userId: string) {
  return { type: rbacResources.organizationMember, id: userId, organizationId, ownerId: userId };
}

/** Member routes: list, assignable roles, add, remove, set roles. */
export function registerMemberRoutes(ctx: PluginContext): void {
  const service = () => ctx.resolve(organizationServiceToken);
  const authorizer = () => ctx.resolve(authorizerToken);
  const audit = () => ctx.resolve(auditServiceToken);
  const toResponse = (member: OrganizationMember) => ({
    organization_id: member.organizationId,
    user_id: member.userId,
    username: member.username,
    email: member.email,
    name: member.name,
    roles: member.roles.map((name) => ({ name, display_name: authorizer().role(name)?.displayName ?? name, organization_id: member.organizationId })),
    created_at: member.createdAt.toISOString(),
    updated_at: member.updatedAt.toISOString(),
  });
  const loadMember = async (request: FastifyRequest, organization: OrganizationRecord): Promise<OrganizationMember> => {
    const em = request.scope.resolve(entityManagerToken);
    const user = await ctx.resolve(userServiceToken).resolve(em, (request.params as { user: string }).user, requireSubject(request));
    const member = await service().getMember(em, organization.id, user.id);
    if (!member) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'organization member' });
    authorizer().authorize(requireSubject(request), rbacActions.read, memberObject(organization.id, user.id), { hide: true, resourceName: 'organization member' });
    return member;
  };

  ctx.route({
    method: 'GET',
    url: '/api/v2/organizations/:organization/members',
    access: { action: rbacActions.read, resource: rbacResources.organizationMember },
    summary: 'List the members of an organization, a page at a time.',
    schema: { params: OrganizationParamsSchema, querystring: PageQuery, response: { 200: MemberPage } },
    async handler(request) {
      const organization = await loadOrganization(ctx, request);
      const filter = authorizer().listFilter(requireSubject(request), rbacActions.read, rbacResources.organizationMember);
      const page = await service().listMembers(request.scope.resolve(entityManagerToken), organization.id, filter, request.query);
      return { members: page.members.map(toResponse), count: page.count };
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/organizations/:organization/members/roles',
    access: { action: rbacActions.read, resource: rbacResources.assignOrgRole },
    summary: 'The organization roles, each with whether the caller may assign it here.',
    schema: { params: OrganizationParamsSchema, response: { 200: Type.Array(AssignableRole) } },
    async handler(request) {
      const organization = await loadOrganization(ctx, request);
      const subject = requireSubject(request);
      return Object.values(authorizer().roles())
        .filter((role) => role.scope === 'organization' && !role.implicit)
        .map((role) => ({ name: role.name, display_name: role.displayName, assignable: authorizer().canAssign(subject, role.name, organization.id) }));
    },
  });

  ctx.route({
    method: 'POST',
    url: '/api/v2/organizations/:organization/members/:user',
    access: { action: rbacActions.create, resource: rbacResources.organizationMember },
    summary: 'Add a user to an organization (roles are set with PUT .../roles).',
    schema: { params: MemberParamsSchema, response: { 201: OrganizationMemberSchemaWire } },
    async handler(request, reply) {
      const subject = requireSubject(request);
      const organization = await loadOrganization(ctx, request);
      const em = request.scope.resolve(entityManagerToken);
      const user = await ctx.resolve(userServiceToken).resolve(em, request.params.user, subject);
      authorizer().authorize(subject, rbacActions.create, memberObject(organization.id, user.id));
      await service().addMember(em, audit().contextOf(request), organization, user.id);
      return reply.code(201).send(toResponse((await service().getMember(em, organization.id, user.id))!));
    },
  });

  ctx.route({
    method: 'DELETE',
    url: '/api/v2/organizations/:organization/members/:user',
    access: { action: rbacActions.delete, resource: rbacResources.organizationMember },
    summary: 'Remove a user from an organization.',
    schema: { params: MemberParamsSchema, response: { 204: NoContent } },
    async handler(request, reply) {
      const organization = await loadOrganization(ctx, request);
      const member = await loadMember(request, organization);
      authorizer().authorize(requireSubject(request), rbacActions.delete, memberObject(organization.id, member.userId));
      await service().removeMember(request.scope.resolve(entityManagerToken), audit().contextOf(request), organization, member);
      return reply.code(204).send();
    },
  });

  ctx.route({
    method: 'PUT',
    url: '/api/v2/organizations/:organization/members/:user/roles',
    access: { action: rbacActions.assign, resource: rbacResources.assignOrgRole },
    summary: "Replace a member's organization roles.",
    schema: { params: MemberParamsSchema, body: SetRolesBody, response: { 200: OrganizationMemberSchemaWire } },
    async handler(request) {
      const subject = requireSubject(request);
      const organization = await loadOrganization(ctx, request);
      const member = await loadMember(request, organization);
      if (member.userId === subject.id && !subject.roles.includes('owner')) throw new HangarError('HANGAR_ERR_IDENTITY_SELF_ACTION', { action: 'change the roles of' });
      const { roles } = request.body;
      authorizer().assertRoleChange(subject, member.roles, roles, 'organization', organization.id);
      return toResponse(await service().setMemberRoles(request.scope.resolve(entityManagerToken), audit().contextOf(request), organization, member, roles));
    },
  });
}
