import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '@hangar/core/testing';
import { terraformProvisionerPlugin } from '../src/index.js';
import { processAlive, removeDir, sharedPluginCache, waitFor } from './support/terraform-fixtures.js';

// The starter template `local` through the whole API, as a newcomer uses it: fetch the
// example archive, upload it, import it (real terraform in an in-process daemon), make a
// template, then a workspace that goes start → stop → start → delete.

const password = 'Correct-Horse-42-Battery';
let server: TestServer;
let token: string;
let organization: string;
let workspaces: string;

const api = (method: string, url: string, body?: unknown) =>
  server.inject({ method: method as 'GET', url, headers: { 'hangar-session-token': token, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.before(async () => {
  workspaces = await mkdtemp(join(tmpdir(), 'hangar-api-workspaces-'));
  server = await startTestServer({ plugins: [terraformProvisionerPlugin({ pluginCacheDir: sharedPluginCache })], config: { provisionerDaemons: 1 } });
  const first = await server.inject({ method: 'POST', url: '/api/v2/users/first', payload: { email: 'owner@example.com', username: 'owner', password } });
  organization = first.json().organization_id;
  token = (await server.inject({ method: 'POST', url: '/api/v2/users/login', payload: { email: 'owner@example.com', password } })).json().session_token;
});

test.after(async () => {
  const pid = Number(await readFile(join(workspaces, 'owner', 'dev', 'agent', 'pid'), 'utf8').catch(() => '0'));
  if (pid > 0 && (await processAlive(pid))) process.kill(-pid, 'SIGKILL');
  await server?.close();
  await removeDir(workspaces);
});

test('the local starter template runs a workspace through the API with real terraform', async () => {
  const archive = await server.inject({ url: '/api/v2/templates/examples/local/archive', headers: { 'hangar-session-token': token } });
  assert.is(archive.statusCode, 200);
  const upload = await server.inject({ method: 'POST', url: '/api/v2/files', payload: archive.rawPayload, headers: { 'content-type': 'application/x-tar', 'hangar-session-token': token } });
  assert.ok([200, 201].includes(upload.statusCode), upload.body);

  const created = await api('POST', `/api/v2/organizations/${organization}/templateversions`, {
    file_id: upload.json().hash,
    provisioner: 'terraform',
    user_variable_values: [{ name: 'workspaces_dir', value: workspaces }],
  });
  assert.is(created.statusCode, 201, created.body);
  const version = await until(() => api('GET', `/api/v2/templateversions/${created.json().id}`).then((r) => r.json()), (v) => ['succeeded', 'failed'].includes(v.job.status), 'import');
  assert.is(version.job.status, 'succeeded', version.job.error);
  const parameters = (await api('GET', `/api/v2/templateversions/${version.id}/parameters`)).json();
  assert.equal(parameters.map((p: { name: string }) => p.name), ['dotfiles_url', 'cpus']);
  const resources = (await api('GET', `/api/v2/templateversions/${version.id}/resources`)).json();
  assert.ok(resources.some((r: { persistent: boolean }) => r.persistent), 'the home directory persists across a stop');
  assert.ok(resources.some((r: { persistent: boolean }) => !r.persistent), 'the agent process does not');
  const logs = (await api('GET', `/api/v2/templateversions/${version.id}/logs`)).json();
  assert.ok(logs.length > 0, 'terraform output is in the import log');

  const template = await api('POST', `/api/v2/organizations/${organization}/templates`, { name: 'local', template_version_id: version.id });
  assert.is(template.statusCode, 201, template.body);
  const workspace = await api('POST', `/api/v2/organizations/${organization}/members/me/workspaces`, {
    name: 'dev',
    template_id: template.json().id,
    rich_parameter_values: [{ name: 'cpus', value: '2' }],
  });
  assert.is(workspace.statusCode, 201, workspace.body);
  const id = workspace.json().id;
  const home = join(workspaces, 'owner', 'dev', 'home');
  const pidFile = join(workspaces, 'owner', 'dev', 'agent', 'pid');

  const settled = () =>
    until(
      async () => {
        const response = await api('GET', `/api/v2/workspaces/${id}?include_deleted=true`);
        return response.json().latest_build as { status: string; job: { error: string | null } };
      },
      (build) => !['pending', 'starting', 'stopping', 'deleting'].includes(build.status),
      'build',
    );
  const transition = async (to: string) => {
    const response = await api('POST', `/api/v2/workspaces/${id}/builds`, { transition: to });
    assert.is(response.statusCode, 201, response.body);
    return settled();
  };
  const agentPid = async () => Number(await readFile(pidFile, 'utf8').catch(() => '0'));

  let build = await settled();
  assert.is(build.status, 'running', build.job.error ?? '');
  assert.ok(existsSync(home), 'start created the home directory');
  const firstPid = await agentPid();
  assert.ok(firstPid > 0 && (await processAlive(firstPid)), 'the agent process runs while started');
  const buildResources = (await api('GET', `/api/v2/workspaces/${id}`)).json().latest_build.resources;
  assert.ok(buildResources.some((r: { agents: unknown[] }) => r.agents.length === 1), 'the agent is stored with its resource');

  build = await transition('stop');
  assert.is(build.status, 'stopped', build.job.error ?? '');
  assert.ok(existsSync(home), 'stop kept the home directory');
  assert.ok(await waitFor(async () => !(await processAlive(firstPid))), 'stop ended the agent process');

  build = await transition('start');
  assert.is(build.status, 'running', build.job.error ?? '');
  const secondPid = await agentPid();
  assert.ok(secondPid > 0 && (await processAlive(secondPid)));

  build = await transition('delete');
  assert.is(build.status, 'deleted', build.job.error ?? '');
  assert.not.ok(existsSync(home), 'delete removed the home directory');
  assert.ok(await waitFor(async () => !(await processAlive(secondPid))), 'delete ended the agent process');
});

test.run();
