import { Type } from '@sinclair/typebox';
import type { PluginContext } from '../kernel/plugin.js';
import { identityHooksToken } from './identity-hooks.js';
import { loginServiceToken } from './login-service.js';
import { EmailSchema, MessageSchema, PasswordSchema } from './user-schemas.js';

const LoginBody = Type.Object({ email: EmailSchema, password: PasswordSchema });
const LoginResponse = Type.Object({
  session_token: Type.String({ description: 'Send it as the Hangar-Session-Token header or Authorization: Bearer; browsers use the cookie set with it.' }),
});
const AuthMethodsResponse = Type.Object({
  password: Type.Object({ enabled: Type.Boolean() }),
  strategies: Type.Array(Type.String(), { description: 'Names of the installed authentication strategies.' }),
});

/** `GET /users/authmethods`, `POST /users/login` and `POST /users/logout`. */
export function registerAuthRoutes(ctx: PluginContext): void {
  ctx.route({
    method: 'GET',
    url: '/api/v2/users/authmethods',
    access: 'public',
    summary: 'The ways to sign in to this deployment.',
    schema: { response: { 200: AuthMethodsResponse } },
    handler: async () => ({ password: { enabled: true }, strategies: ctx.resolve(identityHooksToken).authenticate.taps.map((tap) => tap.name) }),
  });

  ctx.route({
    method: 'POST',
    url: '/api/v2/users/login',
    access: 'public',
    rateLimit: 'login',
    summary: 'Sign in with email and password; returns a session token and sets the session and CSRF cookies.',
    schema: { body: LoginBody, response: { 201: LoginResponse } },
    async handler(request, reply) {
      const body = request.body;
      const { token } = await ctx.resolve(loginServiceToken).passwordLogin(request, reply, body);
      return reply.code(201).send({ session_token: token });
    },
  });

  ctx.route({
    method: 'POST',
    url: '/api/v2/users/logout',
    access: 'authenticated',
    summary: 'End the current session: its key is deleted and the cookies cleared.',
    schema: { response: { 200: MessageSchema } },
    async handler(request, reply) {
      await ctx.resolve(loginServiceToken).logout(request, reply);
      return { message: 'Signed out.' };
    },
  });
}
