import { Type } from '@sinclair/typebox';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { definePlugin, HangarError } from '../src/index.js';
import { startTestServer, type TestServer } from '../src/testing/index.js';

const echoPlugin = definePlugin({
  name: 'echo-test',
  register(ctx) {
    ctx.route({
      method: 'POST',
      url: '/api/v2/echo',
      access: 'public',
      schema: {
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 32 }),
          count: Type.Optional(Type.Integer({ minimum: 0 })),
          tags: Type.Optional(Type.Array(Type.Object({ key: Type.String() }))),
        }),
      },
      handler: async (request) => request.body,
    });
    ctx.route({
      method: 'GET',
      url: '/api/v2/echo/:id',
      access: 'public',
      schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), querystring: Type.Object({ limit: Type.Optional(Type.Integer({ maximum: 100 })) }) },
      handler: async (request) => ({ id: request.params.id, limit: request.query.limit ?? null }),
    });
    ctx.route({ method: 'GET', url: '/api/v2/conflict', access: 'public', handler: async () => {
      throw new HangarError('HANGAR_ERR_CONFLICT', { reason: 'The name is taken.' }, { detail: 'name "x" exists' });
    } });
    ctx.route({ method: 'GET', url: '/api/v2/crash', access: 'public', handler: async () => {
      throw new Error('secret internal state: password=hunter2');
    } });
    ctx.route({ method: 'GET', url: '/api/v2/private', access: 'authenticated', handler: async () => ({ secret: true }) });
  },
});

let server: TestServer;
test.before(async () => {
  server = await startTestServer({ plugins: [echoPlugin] });
});
test.after(async () => server?.close());

const post = (payload: string | object, contentType = 'application/json') =>
  server.inject({ method: 'POST', url: '/api/v2/echo', payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': contentType } });

test('a valid body reaches the handler', async () => {
  const response = await post({ name: 'ok', count: 2 });
  assert.is(response.statusCode, 200);
  assert.equal(response.json(), { name: 'ok', count: 2 });
});

test('a missing required field is a 400 naming the field', async () => {
  const response = await post({ count: 1 });
  assert.is(response.statusCode, 400);
  const body = response.json();
  assert.is(body.code, 'HANGAR_ERR_VALIDATION');
  assert.equal(body.validations, [{ field: 'name', detail: 'is required' }]);
});

test('an unknown field is rejected, not silently dropped', async () => {
  const response = await post({ name: 'ok', colour: 'red' });
  assert.is(response.statusCode, 400);
  assert.equal(response.json().validations, [{ field: 'colour', detail: 'is not a known field' }]);
});

test('unknown fields are rejected in nested objects too', async () => {
  const response = await post({ name: 'ok', tags: [{ key: 'a', value: 'b' }] });
  assert.is(response.statusCode, 400);
  assert.equal(response.json().validations, [{ field: 'tags.0.value', detail: 'is not a known field' }]);
});

test('every field at fault is named at once', async () => {
  const response = await post({ name: '', count: -1 });
  const fields = response.json().validations.map((v: { field: string }) => v.field).sort();
  assert.equal(fields, ['count', 'name']);
});

test('body values are not coerced: a string where a number belongs is an error', async () => {
  const response = await post({ name: 'ok', count: '5' });
  assert.is(response.statusCode, 400);
  assert.equal(response.json().validations, [{ field: 'count', detail: 'must be integer' }]);
  const listed = await post({ name: ['ok'] });
  assert.is(listed.statusCode, 400, 'an array is not turned into a string either');
});

test('malformed JSON is a 400 with its own code', async () => {
  const response = await post('{"name": ');
  assert.is(response.statusCode, 400);
  assert.is(response.json().code, 'HANGAR_ERR_BODY_MALFORMED');
});

test('an unsupported content type is a 415', async () => {
  const response = await post('name=x', 'application/x-www-form-urlencoded');
  assert.is(response.statusCode, 415);
  assert.is(response.json().code, 'HANGAR_ERR_MEDIA_TYPE_UNSUPPORTED');
});

test('path and query parameters are validated and named by where they come from', async () => {
  const badId = await server.inject('/api/v2/echo/not-a-uuid');
  assert.is(badId.statusCode, 400);
  assert.is(badId.json().validations[0].field, 'params.id');
  const badLimit = await server.inject('/api/v2/echo/3f1d0c1e-8f5e-4a57-9d7a-0c6f6b8e6d11?limit=500');
  assert.is(badLimit.statusCode, 400);
  assert.is(badLimit.json().validations[0].field, 'querystring.limit');
  const unknownQuery = await server.inject('/api/v2/echo/3f1d0c1e-8f5e-4a57-9d7a-0c6f6b8e6d11?limt=5');
  assert.is(unknownQuery.statusCode, 400);
  assert.is(unknownQuery.json().validations[0].field, 'querystring.limt');
});

test('a HangarError becomes its status, code, message and detail', async () => {
  const response = await server.inject('/api/v2/conflict');
  assert.is(response.statusCode, 409);
  assert.equal(response.json(), { code: 'HANGAR_ERR_CONFLICT', message: 'The name is taken.', detail: 'name "x" exists' });
});

test('an unexpected error is a 500 that leaks nothing', async () => {
  const response = await server.inject('/api/v2/crash');
  assert.is(response.statusCode, 500);
  assert.equal(response.json(), { code: 'HANGAR_ERR_INTERNAL', message: 'Something went wrong on the server.' });
  assert.not.match(response.body, /hunter2/);
});

test('a route that is not public is refused when no identity subsystem authenticates the caller', async () => {
  const response = await server.inject({ url: '/api/v2/private', headers: { authorization: 'Bearer anything' } });
  assert.is(response.statusCode, 401);
  assert.is(response.json().code, 'HANGAR_ERR_UNAUTHENTICATED');
});

test('a route without an access declaration fails boot', async () => {
  const undeclared = definePlugin({
    name: 'undeclared',
    register(ctx) {
      ctx.route({ method: 'GET', url: '/api/v2/open', handler: async () => ({}) } as never);
    },
  });
  try {
    await startTestServer({ plugins: [undeclared] });
    assert.unreachable('boot should fail');
  } catch (error) {
    assert.is((error as HangarError).code, 'HANGAR_ERR_ROUTE_ACCESS_UNDECLARED');
  }
});

test.run();
