import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultArchiveLimits, provisionerRegistryToken, readArchive } from '@hangar/core';
import { startTestServer, type TestServer } from '@hangar/core/testing';
import { BUNDLED_TEMPLATES_DIR, terraformProvisionerPlugin } from '../src/index.js';

// The plugin in a real server: the `terraform` provisioner is registered and the starter
// templates are offered to signed-in users.

const password = 'Correct-Horse-42-Battery';
let server: TestServer;
let token: string;

test.before(async () => {
  server = await startTestServer({ plugins: [terraformProvisionerPlugin()] });
  const first = await server.inject({ method: 'POST', url: '/api/v2/users/first', payload: { email: 'owner@example.com', username: 'owner', password } });
  assert.is(first.statusCode, 201, first.body);
  const login = await server.inject({ method: 'POST', url: '/api/v2/users/login', payload: { email: 'owner@example.com', password } });
  assert.is(login.statusCode, 201, login.body);
  token = login.json().session_token;
});
test.after(async () => server?.close());

const get = (url: string, auth = true) => server.inject({ method: 'GET', url, headers: auth ? { 'hangar-session-token': token } : {} });

test('the plugin registers the terraform provisioner and offers it', () => {
  assert.ok(server.plugins.includes('provisioner-terraform'));
  const registry = server.container.resolve(provisionerRegistryToken);
  assert.ok(registry.get('terraform'), 'terraform is registered');
  assert.ok(registry.offered().includes('terraform'));
});

test('GET /api/v2/templates/examples lists the local starter template from its README front matter', async () => {
  const response = await get('/api/v2/templates/examples');
  assert.is(response.statusCode, 200, response.body);
  const examples = response.json() as { id: string; name: string; description: string; icon: string; tags: string[]; markdown: string }[];
  const local = examples.find((e) => e.id === 'local');
  assert.ok(local, 'local is listed');
  assert.is(local!.name, 'Local workspace');
  assert.match(local!.description, /server's own machine/);
  assert.is(local!.icon, '/icon/terminal.svg');
  assert.equal(local!.tags, ['local', 'starter']);
  assert.match(local!.markdown, /^# Local workspace/);
});

test('the examples need a signed-in user', async () => {
  const response = await get('/api/v2/templates/examples', false);
  assert.is(response.statusCode, 401);
  assert.is(response.json().code, 'HANGAR_ERR_UNAUTHENTICATED');
});

test('GET /api/v2/templates/examples/local/archive is a tar of the template files', async () => {
  const response = await get('/api/v2/templates/examples/local/archive');
  assert.is(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^application\/x-tar/);
  const entries = await readArchive(response.rawPayload, defaultArchiveLimits);
  const files = Object.fromEntries(entries.filter((e) => e.type === 'file').map((e) => [e.path, e.data!.toString('utf8')]));
  assert.equal(Object.keys(files).sort(), ['README.md', 'main.tf']);
  assert.is(files['main.tf'], readFileSync(join(BUNDLED_TEMPLATES_DIR, 'local', 'main.tf'), 'utf8'));
});

test('an unknown starter template is a coded 404', async () => {
  const response = await get('/api/v2/templates/examples/nope/archive');
  assert.is(response.statusCode, 404);
  assert.is(response.json().code, 'HANGAR_ERR_TERRAFORM_EXAMPLE_NOT_FOUND');
  assert.is((await get('/api/v2/templates/examples/..%2F..%2Fetc/archive')).statusCode, 400);
});

test.run();
