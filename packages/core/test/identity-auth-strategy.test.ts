import { Type } from '@sinclair/typebox';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  auditServiceToken,
  definePlugin,
  entityManagerToken,
  HangarError,
  identityHooksToken,
  type LoginEvent,
  loginServiceToken,
  type LogoutEvent,
  userServiceToken,
} from '../src/index.js';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, login, type Owner, setupOwner, strongPassword } from './support/identity-fixtures.js';

const logins: LoginEvent[] = [];
const logouts: LogoutEvent[] = [];

/** A reverse-proxy strategy: a trusted proxy on loopback names the user in X-Forwarded-User; unknown users are provisioned. */
const proxyAuthPlugin = definePlugin({
  name: 'proxy-auth-test',
  dependencies: ['identity'],
  register(ctx) {
    ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => {
      const hooks = ctx.resolve(identityHooksToken);
      hooks.authenticate.tapPromise('proxy-header', async (request) => {
        const username = request.headers['x-forwarded-user'];
        if (typeof username !== 'string' || request.ip !== '127.0.0.1') return undefined;
        const em = request.scope.resolve(entityManagerToken);
        const users = ctx.resolve(userServiceToken);
        const user =
          (await users.findByUsername(em, username)) ??
          (await users.create(em, ctx.resolve(auditServiceToken).contextOf(request), { email: `${username}@proxy.example.com`, username, loginType: 'proxy-header' }));
        return { userId: user.id, strategy: 'proxy-header' };
      });
      hooks.loggedIn.tap(ctx.name, (event) => void logins.push(event));
      hooks.loggedOut.tap(ctx.name, (event) => void logouts.push(event));
      hooks.beforeLogin.tap(ctx.name, (attempt) => (attempt.email.endsWith('@blocked.example.com') ? 'logins from this domain are paused' : undefined));
      hooks.validatePassword.tap(ctx.name, (password) => (password.toLowerCase().includes('hangar2026') ? 'it is on the deployment blocklist' : undefined));
    });
    // A stand-in for an OIDC callback: once the plugin knows the user, it asks identity for a session.
    ctx.route({
      method: 'POST',
      url: '/api/v2/test-sso/callback',
      access: 'public',
      summary: 'Test single sign-on callback.',
      schema: { body: Type.Object({ username: Type.String() }) },
      async handler(request, reply) {
        const em = request.scope.resolve(entityManagerToken);
        const user = await ctx.resolve(userServiceToken).findByUsername(em, (request.body as { username: string }).username);
        if (!user) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'user' });
        const { token } = await ctx.resolve(loginServiceToken).issueSession(request, reply, user, 'test-sso');
        return reply.code(201).send({ session_token: token });
      },
    });
  },
});

let server: TestServer;
let owner: Owner;
test.before(async () => {
  server = await startTestServer({ plugins: [proxyAuthPlugin] });
  owner = await setupOwner(server);
});
test.after(async () => server?.close());

test('a plugin strategy recognises callers by a trusted proxy header and provisions new users', async () => {
  const response = await call(server, 'GET', '/api/v2/users/me', { headers: { 'x-forwarded-user': 'proxied' } });
  assert.is(response.statusCode, 200);
  assert.is(response.json().username, 'proxied');
  assert.is(response.json().login_type, 'proxy-header');
  const again = await call(server, 'GET', '/api/v2/users/me', { headers: { 'x-forwarded-user': 'proxied' } });
  assert.is(again.json().id, response.json().id, 'the same user the second time');
  const untrusted = await server.inject({ url: '/api/v2/users/me', headers: { 'x-forwarded-user': 'proxied' }, remoteAddress: '192.0.2.10' });
  assert.is(untrusted.statusCode, 401, 'the header counts only from the trusted address');
  const methods = (await call(server, 'GET', '/api/v2/users/authmethods')).json();
  assert.equal(methods.strategies, ['session-token', 'proxy-header']);
});

test('a strategy-authenticated user gets the same rules: member permissions, and suspension refuses them', async () => {
  assert.is((await call(server, 'POST', '/api/v2/users', { headers: { 'x-forwarded-user': 'proxied' }, body: { email: 'q@example.com', username: 'q', login_type: 'none' } })).statusCode, 403);
  assert.is((await call(server, 'PUT', '/api/v2/users/proxied/status/suspend', { token: owner.token })).statusCode, 200);
  const refused = await call(server, 'GET', '/api/v2/users/me', { headers: { 'x-forwarded-user': 'proxied' } });
  assert.is(refused.statusCode, 401);
  assert.is(refused.json().code, 'HANGAR_ERR_IDENTITY_USER_SUSPENDED');
});

test('the login hook hears password logins with the user, method and session', async () => {
  logins.length = 0;
  const token = await login(server, owner.email);
  assert.is(logins.length, 1);
  assert.is(logins[0]!.user.id, owner.id);
  assert.is(logins[0]!.method, 'password');
  assert.is(logins[0]!.apiKeyId, token.split('-')[0]);
  await call(server, 'POST', '/api/v2/users/logout', { token });
  assert.equal(logouts.at(-1), { userId: owner.id, apiKeyId: token.split('-')[0], ip: '127.0.0.1' });
});

test('a plugin issues sessions through identity: cookies, audit entry and login hook included', async () => {
  logins.length = 0;
  const response = await call(server, 'POST', '/api/v2/test-sso/callback', { body: { username: 'owner' } });
  assert.is(response.statusCode, 201);
  const token = response.json().session_token;
  assert.ok(String(response.headers['set-cookie']).includes('hangar_session_token='));
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token })).json().id, owner.id);
  assert.is(logins[0]!.method, 'test-sso');
  const key = (await call(server, 'GET', `/api/v2/users/me/keys/${token.split('-')[0]}`, { token })).json();
  assert.is(key.login_type, 'test-sso');
  assert.is(key.kind, 'session');
  const audit = (await call(server, 'GET', '/api/v2/audit', { token: owner.token, query: { action: 'login', resource_id: key.id } })).json();
  assert.is(audit.audit_logs[0].additional_fields.method, 'test-sso');
});

test('a beforeLogin tap can refuse a login with its reason', async () => {
  await call(server, 'POST', '/api/v2/users', { token: owner.token, body: { email: 'b@blocked.example.com', username: 'blocked', password: strongPassword } });
  const response = await call(server, 'POST', '/api/v2/users/login', { body: { email: 'b@blocked.example.com', password: strongPassword } });
  assert.is(response.statusCode, 403);
  assert.is(response.json().code, 'HANGAR_ERR_IDENTITY_LOGIN_REFUSED');
  assert.match(response.json().message, /logins from this domain are paused/);
});

test('a validatePassword tap adds to the password policy', async () => {
  const response = await call(server, 'POST', '/api/v2/users', { token: owner.token, body: { email: 'v@example.com', username: 'val', password: 'My-Hangar2026-Pass' } });
  assert.is(response.statusCode, 400);
  assert.equal(response.json().validations, [{ field: 'password', detail: 'it is on the deployment blocklist' }]);
});

test.run();
