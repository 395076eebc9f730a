import { Type } from '@sinclair/typebox';
import { auditServiceToken } from '../audit/audit-service.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { requireSubject } from './request-auth.js';
import { authorizeOnUser, refuseSelf } from './user-access.js';
import { RoleNameSchema, RoleRefSchema, toUserResponse, UserParamsSchema, UserSchemaWire } from './user-schemas.js';
import { userServiceToken } from './user-service.js';

const AssignableRole = Type.Object({
  name: Type.String(),
  display_name: Type.String(),
  assignable: Type.Boolean({ description: 'Whether the caller may give or take this role.' }),
});
const UserRolesResponse = Type.Object({
  roles: Type.Array(RoleRefSchema, { description: 'Site roles, the implicit member included.' }),
  organization_roles: Type.Record(Type.String({ format: 'uuid' }), Type.Array(RoleRefSchema), { description: 'Roles per organization id.' }),
});
const SetRolesBody = Type.Object({ roles: Type.Array(RoleNameSchema, { maxItems: 16, uniqueItems: true }) });

/** `GET /users/roles`, `GET /users/:user/roles` and `PUT /users/:user/roles`. */
export function registerUserRoleRoutes(ctx: PluginContext): void {
  const authorizer = () => ctx.resolve(authorizerToken);
  const users = () => ctx.resolve(userServiceToken);
  const ref = (name: string) => ({ name, display_name: authorizer().role(name)?.displayName ?? name });

  ctx.route({
    method: 'GET',
    url: '/api/v2/users/roles',
    access: { action: rbacActions.read, resource: rbacResources.assignRole },
    summary: 'The site roles, each with whether the caller may assign it.',
    schema: { response: { 200: Type.Array(AssignableRole) } },
    async handler(request) {
      const subject = requireSubject(request);
      return Object.values(authorizer().roles())
        .filter((role) => role.scope === 'site' && !role.implicit)
        .map((role) => ({ name: role.name, display_name: role.displayName, assignable: authorizer().canAssign(subject, role.name) }));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/users/:user/roles',
    access: { action: rbacActions.read, resource: rbacResources.user },
    summary: "A user's site roles and organization roles.",
    schema: { params: UserParamsSchema, response: { 200: UserRolesResponse } },
    async handler(request) {
      const subject = requireSubject(request);
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, request.params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.read, user);
      const target = await users().subjectFor(em, user);
      return {
        roles: target.roles.map(ref),
        organization_roles: Object.fromEntries(target.organizations.map((m) => [m.organizationId, m.roles.map(ref)])),
      };
    },
  });

  ctx.route({
    method: 'PUT',
    url: '/api/v2/users/:user/roles',
    access: { action: rbacActions.assign, resource: rbacResources.assignRole },
    summary: "Replace a user's site roles (only owners give or take owner).",
    schema: { params: UserParamsSchema, body: SetRolesBody, response: { 200: UserSchemaWire } },
    async handler(request) {
      const subject = requireSubject(request);
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, request.params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.read, user);
      refuseSelf(subject, user, 'change the roles of');
      const { roles } = request.body;
      authorizer().assertRoleChange(subject, user.rbacRoles, roles, 'site');
      const updated = await users().setRoles(em, ctx.resolve(auditServiceToken).contextOf(request), user, roles);
      return toUserResponse(updated, (name) => ref(name).display_name);
    },
  });
}
