import { Type } from '@sinclair/typebox';
import { auditServiceToken } from '../audit/audit-service.js';
import { HangarError } from '../errors/hangar-error.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { DisplayNameSchema, EmailSchema, MessageSchema, PasswordSchema, UsernameSchema } from './user-schemas.js';
import { userServiceToken } from './user-service.js';

const CreateFirstUserBody = Type.Object({ email: EmailSchema, username: UsernameSchema, password: PasswordSchema, name: Type.Optional(DisplayNameSchema) });
const CreateFirstUserResponse = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  organization_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'The default organization the owner joined.' }),
});

/** `GET/POST /api/v2/users/first`: the setup check and the one-time creation of the owner. */
export function registerFirstUserRoutes(ctx: PluginContext): void {
  ctx.route({
    method: 'GET',
    url: '/api/v2/users/first',
    access: 'public',
    summary: 'Whether the first user (the owner) has been created: 200 if so, 404 if setup is pending.',
    schema: { response: { 200: MessageSchema } },
    async handler(request) {
      if (!(await ctx.resolve(userServiceToken).hasFirstUser(request.scope.resolve(entityManagerToken)))) throw new HangarError('HANGAR_ERR_IDENTITY_FIRST_USER_MISSING');
      return { message: 'The first user has been created.' };
    },
  });

  ctx.route({
    method: 'POST',
    url: '/api/v2/users/first',
    access: 'public',
    rateLimit: 'login',
    summary: 'Create the first user as owner, once; the default organization is created with it.',
    schema: { body: CreateFirstUserBody, response: { 201: CreateFirstUserResponse } },
    async handler(request, reply) {
      const body = request.body;
      const audit = ctx.resolve(auditServiceToken);
      const { user, organizationIds } = await ctx.resolve(userServiceToken).createFirstUser(request.scope.resolve(entityManagerToken), audit.contextOf(request), {
        email: body.email,
        username: body.username,
        password: body.password,
        ...(body.name !== undefined ? { name: body.name } : {}),
      });
      return reply.code(201).send({ user_id: user.id, organization_id: organizationIds[0] ?? null });
    },
  });
}
