import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../src/testing/index.js';

let server: TestServer;
test.before(async () => {
  server = await startTestServer();
});
test.after(async () => {
  await server?.close();
});

test('GET /healthz answers OK after a database round trip', async () => {
  const response = await server.inject('/healthz');
  assert.is(response.statusCode, 200);
  assert.is(response.body, 'OK');
  assert.ok(response.headers['x-request-id'], 'every response carries its request id');
});

test('GET /api/v2/buildinfo gives the version and a stable deployment id', async () => {
  const first = (await server.inject('/api/v2/buildinfo')).json();
  const second = (await server.inject('/api/v2/buildinfo')).json();
  assert.match(first.version, /^\d+\.\d+\.\d+/);
  assert.match(first.deployment_id, /^[0-9a-f-]{36}$/);
  assert.is(first.deployment_id, second.deployment_id);
  assert.is(first.access_url, server.config.accessUrl);
});

test('GET /api/v2/openapi.json documents every route', async () => {
  const response = await server.inject('/api/v2/openapi.json');
  assert.is(response.statusCode, 200);
  const document = response.json();
  assert.is(document.openapi, '3.0.3');
  assert.ok(document.paths['/healthz']?.get);
  assert.ok(document.paths['/api/v2/buildinfo']?.get);
  assert.ok(document.paths['/api/v2/openapi.json']?.get);
});

test('an unknown route is a coded 404', async () => {
  const response = await server.inject('/api/v2/nothing-here');
  assert.is(response.statusCode, 404);
  assert.equal(response.json(), { code: 'HANGAR_ERR_ROUTE_NOT_FOUND', message: 'No route matches GET /api/v2/nothing-here.' });
});

test('a request id sent by the client is kept', async () => {
  const response = await server.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-12345678' } });
  assert.is(response.headers['x-request-id'], 'trace-12345678');
});

test.run();
