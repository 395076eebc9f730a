import { Type } from '@sinclair/typebox';
import { auditServiceToken } from '../audit/audit-service.js';
import { HangarError, invalidField } from '../errors/hangar-error.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { verifyPassword } from './password-hasher.js';
import { requireSubject } from './request-auth.js';
import { authorizeOnUser, refuseSelf } from './user-access.js';
import {
  DisplayNameSchema,
  EmailSchema,
  PasswordSchema,
  RoleNameSchema,
  toUserResponse,
  UserPageSchema,
  UserParamsSchema,
  UsernameSchema,
  UserSchemaWire,
} from './user-schemas.js';
import { userServiceToken } from './user-service.js';

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 256, description: 'Words to find in username, email or name, plus status:, role: and login_type: filters.' })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const CreateBody = Type.Object({
  email: EmailSchema,
  username: UsernameSchema,
  name: Type.Optional(DisplayNameSchema),
  password: Type.Optional(PasswordSchema),
  login_type: Type.Optional(Type.Union([Type.Literal('password'), Type.Literal('none')], { description: '`none`: the account cannot sign in with a password.' })),
  roles: Type.Optional(Type.Array(RoleNameSchema, { maxItems: 16, uniqueItems: true })),
});
const ProfileBody = Type.Object({
  username: Type.Optional(UsernameSchema),
  name: Type.Optional(DisplayNameSchema),
  avatar_url: Type.Optional(Type.String({ maxLength: 2048, pattern: '^(https?://|$)' })),
});
const PasswordBody = Type.Object({
  old_password: Type.Optional(PasswordSchema),
  password: PasswordSchema,
});
const NoContent = Type.Null({ description: 'Done.' });

/** The user routes: list and search, create, get, profile, password, suspend/activate, delete. */
export function registerUserRoutes(ctx: PluginContext): void {
  const users = () => ctx.resolve(userServiceToken);
  const authorizer = () => ctx.resolve(authorizerToken);
  const audit = () => ctx.resolve(auditServiceToken);
  const displayName = (role: string) => authorizer().role(role)?.displayName ?? role;

  ctx.route({
    method: 'GET',
    url: '/api/v2/users',
    access: { action: rbacActions.read, resource: rbacResources.user },
    summary: 'List and search users the caller may see, a page at a time.',
    schema: { querystring: ListQuery, response: { 200: UserPageSchema } },
    async handler(request) {
      const query = request.query;
      const filter = authorizer().listFilter(requireSubject(request), rbacActions.read, rbacResources.user);
      const page = await users().list(request.scope.resolve(entityManagerToken), query, filter);
      return { users: page.users.map((u) => toUserResponse(u, displayName)), count: page.count };
    },
  });

  ctx.route({
    method: 'POST',
    url: '/api/v2/users',
    access: { action: rbacActions.create, resource: rbacResources.user },
    summary: 'Create a user (user admins and owners).',
    schema: { body: CreateBody, response: { 201: UserSchemaWire } },
    async handler(request, reply) {
      const subject = requireSubject(request);
      const body = request.body;
      authorizer().authorize(subject, rbacActions.create, { type: rbacResources.user });
      authorizer().assertRoleChange(subject, [], body.roles ?? [], 'site');
      const user = await users().create(request.scope.resolve(entityManagerToken), audit().contextOf(request), {
        email: body.email,
        username: body.username,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.password !== undefined ? { password: body.password } : {}),
        loginType: body.login_type ?? 'password',
        roles: body.roles ?? [],
      });
      return reply.code(201).send(toUserResponse(user, displayName));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/users/:user',
    access: { action: rbacActions.read, resource: rbacResources.user },
    summary: 'Get a user by id, username, or `me`.',
    schema: { params: UserParamsSchema, response: { 200: UserSchemaWire } },
    async handler(request) {
      const subject = requireSubject(request);
      const user = await users().resolve(request.scope.resolve(entityManagerToken), request.params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.read, user);
      return toUserResponse(user, displayName);
    },
  });

  ctx.route({
    method: 'PUT',
    url: '/api/v2/users/:user/profile',
    access: { action: rbacActions.update, resource: rbacResources.user },
    summary: "Change a user's username, name or avatar.",
    schema: { params: UserParamsSchema, body: ProfileBody, response: { 200: UserSchemaWire } },
    async handler(request) {
      const subject = requireSubject(request);
      const body = request.body;
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, request.params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.update, user);
      const updated = await users().updateProfile(em, audit().contextOf(request), user, {
        ...(body.username !== undefined ? { username: body.username } : {}),
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.avatar_url !== undefined ? { avatarUrl: body.avatar_url } : {}),
      });
      return toUserResponse(updated, displayName);
    },
  });

  ctx.route({
    method: 'PUT',
    url: '/api/v2/users/:user/password',
    access: { action: rbacActions.update, resource: rbacResources.user },
    summary: "Change a user's password; your own needs the old one. Other sessions of the user end.",
    schema: { params: UserParamsSchema, body: PasswordBody, response: { 204: NoContent } },
    async handler(request, reply) {
      const subject = requireSubject(request);
      const body = request.body;
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, request.params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.update, user);
      const self = user.id === subject.id;
      if (self && user.hashedPassword) {
        if (body.old_password === undefined) throw invalidField('old_password', 'is required to change your own password');
        if (!(await verifyPassword(body.old_password, user.hashedPassword))) {
          throw new HangarError('HANGAR_ERR_IDENTITY_PASSWORD_INCORRECT', {}, { validations: [{ field: 'old_password', detail: 'is incorrect' }] });
        }
      }
      await users().changePassword(em, audit().contextOf(request), user, body.password, self ? request.authentication?.apiKeyId : undefined);
      return reply.code(204).send();
    },
  });

  for (const [path, status, verb] of [
    ['suspend', 'suspended', 'suspend'],
    ['activate', 'active', 'activate'],
  ] as const) {
    ctx.route({
      method: 'PUT',
      url: `/api/v2/users/:user/status/${path}`,
      access: { action: rbacActions.update, resource: rbacResources.user },
      summary: path === 'suspend' ? 'Suspend a user: every session and token of theirs stops working at once.' : 'Activate a suspended user.',
      schema: { params: UserParamsSchema, response: { 200: UserSchemaWire } },
      async handler(request) {
        const subject = requireSubject(request);
        const em = request.scope.resolve(entityManagerToken);
        const user = await users().resolve(em, request.params.user, subject);
        authorizeOnUser(authorizer(), subject, rbacActions.update, user);
        refuseSelf(subject, user, verb);
        return toUserResponse(await users().setStatus(em, audit().contextOf(request), user, status), displayName);
      },
    });
  }

  ctx.route({
    method: 'DELETE',
    url: '/api/v2/users/:user',
    access: { action: rbacActions.delete, resource: rbacResources.user },
    summary: 'Delete a user: every session and token of theirs stops working at once.',
    schema: { params: UserParamsSchema, response: { 204: NoContent } },
    async handler(request, reply) {
      const subject = requireSubject(request);
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, request.params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.delete, user);
      refuseSelf(subject, user, 'delete');
      await users().delete(em, audit().contextOf(request), user);
      return reply.code(204).send();
    },
  });
}
