import type { RouteOptions } from 'fastify';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { definePlugin, HangarError, isHangarError, isVerifiedAccess, type RouteDefinition } from '../src/index.js';
import { startTestServer, type TestServer } from '../src/testing/index.js';

const registered: RouteOptions[] = [];

/** Records every route fastify registers, whoever adds it. */
const routeRecorder = definePlugin({
  name: 'route-recorder-test',
  register(ctx) {
    ctx.hooks.http.configure.tapPromise(ctx.name, async (app) => {
      app.addHook('onRoute', (route) => void registered.push(route));
    });
  },
});

let server: TestServer;
test.before(async () => {
  server = await startTestServer({ plugins: [routeRecorder] });
});
test.after(async () => server?.close());

const hangarRoute = (route: RouteOptions) => (route.config as { hangarRoute?: RouteDefinition } | undefined)?.hangarRoute;
const methods = (route: RouteOptions) => ([] as string[]).concat(route.method as string | string[]);
const fill = (url: string) => url.replace(/:(\w+)/g, (_, name: string) => (name === 'keyid' ? 'AAAAAAAAAA' : 'x'));

test('every registered route declares who may call it', () => {
  assert.ok(registered.length > 20, `${registered.length} routes recorded`);
  const undeclared = registered.filter((route) => {
    const access = hangarRoute(route)?.access;
    if (!access) return true;
    if (access === 'public' || access === 'authenticated' || isVerifiedAccess(access)) return false;
    return !(typeof access === 'object' && access.action && access.resource);
  });
  assert.equal(undeclared.map((r) => `${methods(r).join(',')} ${r.url}`), []);
});

test('a route declared without access stops boot with a coded error', async () => {
  const careless = definePlugin({
    name: 'careless-test',
    register(ctx) {
      ctx.route({ method: 'GET', url: '/api/v2/careless', handler: async () => ({}) } as unknown as RouteDefinition);
    },
  });
  try {
    await startTestServer({ plugins: [careless] });
    assert.unreachable('boot should fail');
  } catch (error) {
    assert.ok(isHangarError(error));
    assert.is((error as { code: string }).code, 'HANGAR_ERR_ROUTE_ACCESS_UNDECLARED');
  }
});

test('every route that is not public answers 401 to an anonymous caller, before looking at the body', async () => {
  const wrong: string[] = [];
  for (const route of registered) {
    const definition = hangarRoute(route)!;
    // Routes that verify their own (non-user) callers refuse anonymous ones in their own way.
    if (definition.access === 'public' || definition.websocket || isVerifiedAccess(definition.access)) continue;
    for (const method of methods(route)) {
      if (method === 'HEAD') continue;
      const response = await server.inject({ method: method as 'GET', url: fill(route.url), ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{"unknown": true}', headers: { 'content-type': 'application/json' } }) });
      if (response.statusCode !== 401) wrong.push(`${method} ${route.url}: ${response.statusCode}`);
    }
  }
  assert.equal(wrong, []);
});

test('every route is in the OpenAPI document; identity, organization and audit routes have a summary and responses', async () => {
  const document = (await server.inject('/api/v2/openapi.json')).json();
  const missing: string[] = [];
  // @fastify/swagger leaves WebSocket routes out of the document.
  for (const route of registered.filter((r) => !hangarRoute(r)?.websocket)) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    for (const method of methods(route)) {
      if (method === 'HEAD') continue;
      const operation = document.paths[path]?.[method.toLowerCase()];
      if (!operation) {
        missing.push(`${method} ${route.url}: absent`);
        continue;
      }
      if (/^\/api\/v2\/(users|organizations|audit|authcheck)/.test(route.url) && (!operation.summary || !operation.responses || Object.keys(operation.responses).length === 0)) {
        missing.push(`${method} ${route.url}: no summary or responses`);
      }
    }
  }
  assert.equal(missing, []);
});

test('a route that verifies its own callers is handed to its verifier, not to user authentication', async () => {
  const machine = definePlugin({
    name: 'machine-route-test',
    register(ctx) {
      ctx.route({
        method: 'GET',
        url: '/api/v2/test-machine',
        summary: 'A route for a non-user caller.',
        access: {
          verify: async (request) => {
            if (request.headers['x-machine-key'] !== 'k-123') throw new HangarError('HANGAR_ERR_UNAUTHENTICATED', {}, { detail: 'bad machine key' });
          },
        },
        handler: async () => ({ ok: true }),
      });
    },
  });
  const other = await startTestServer({ plugins: [machine] });
  try {
    assert.is((await other.inject({ url: '/api/v2/test-machine', headers: { 'x-machine-key': 'k-123' } })).statusCode, 200);
    const refused = await other.inject({ url: '/api/v2/test-machine', headers: { 'x-machine-key': 'wrong' } });
    assert.is(refused.statusCode, 401);
    assert.is(refused.json().detail, 'bad machine key');
  } finally {
    await other.close();
  }
});

test('POST /authcheck answers a batch of checks for the caller', async () => {
  const email = 'owner@example.com';
  const password = 'Correct-Horse-42-Battery';
  await server.inject({ method: 'POST', url: '/api/v2/users/first', payload: { email, username: 'owner', password } });
  const token = (await server.inject({ method: 'POST', url: '/api/v2/users/login', payload: { email, password } })).json().session_token;
  const me = (await server.inject({ url: '/api/v2/users/me', headers: { 'hangar-session-token': token } })).json();
  await server.inject({ method: 'POST', url: '/api/v2/users', headers: { 'hangar-session-token': token }, payload: { email: 'm@example.com', username: 'm', login_type: 'none' } });
  const memberId = (await server.inject({ url: '/api/v2/users/m', headers: { 'hangar-session-token': token } })).json().id;
  const memberToken = (await server.inject({ method: 'POST', url: `/api/v2/users/${memberId}/keys/tokens`, headers: { 'hangar-session-token': token }, payload: { token_name: 't' } })).json().key;
  const checks = {
    readOwnUser: { object: { resource_type: 'user', owner_id: memberId }, action: 'read' },
    readOwnerUser: { object: { resource_type: 'user', owner_id: me.id }, action: 'read' },
    createUsers: { object: { resource_type: 'user' }, action: 'create' },
    readAudit: { object: { resource_type: 'audit_log' }, action: 'read' },
    useTemplatesSomewhere: { object: { resource_type: 'template', any_org: true }, action: 'use' },
  };
  const asMember = await server.inject({ method: 'POST', url: '/api/v2/authcheck', headers: { 'hangar-session-token': memberToken }, payload: { checks } });
  assert.equal(asMember.json(), { readOwnUser: true, readOwnerUser: false, createUsers: false, readAudit: false, useTemplatesSomewhere: true });
  const asOwner = await server.inject({ method: 'POST', url: '/api/v2/authcheck', headers: { 'hangar-session-token': token }, payload: { checks } });
  assert.ok(Object.values(asOwner.json()).every(Boolean));
});

test.run();
