import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestServer } from '../src/testing/index.js';
import { call, createUser, type Owner, type TestUser } from './support/identity-fixtures.js';
import { buildAndWait, createEchoTemplate, createWorkspace, startWorkspaceServer, waitForBuild } from './support/workspace-fixtures.js';

let server: TestServer;
let owner: Owner;
let alice: TestUser;
let bob: TestUser;
let templateAdmin: TestUser;
let docker: string;
let k8s: string;
const ids: Record<string, string> = {};
const builds: Record<string, string> = {};

test.before(async () => {
  ({ server, owner } = await startWorkspaceServer({ daemons: 2 }));
  alice = await createUser(server, owner, 'alice');
  bob = await createUser(server, owner, 'bob');
  templateAdmin = await createUser(server, owner, 'tina', { roles: ['template-admin'] });
  docker = (await createEchoTemplate(server, owner, 'docker', { apply: { logs: ['hello from echo'] } })).templateId;
  k8s = (await createEchoTemplate(server, owner, 'k8s', {})).templateId;
  const make = async (who: { token: string }, name: string, template: string) => {
    const ws = (await createWorkspace(server, owner, who.token, { name, template_id: template })).json();
    ids[`${name}`] = ws.id;
    builds[name] = (await waitForBuild(server, who.token, ws.latest_build.id)).id;
  };
  await make(alice, 'alice-dev', docker);
  await make(alice, 'alice-ml', k8s);
  await make(bob, 'bob-dev', docker);
  await make(owner, 'root-dev', docker);
  await buildAndWait(server, alice.token, ids['alice-ml']!, { transition: 'stop' });
});
test.after(async () => server?.close());

const as = (who: { token: string }) => ({
  get: (url: string) => call(server, 'GET', url, { token: who.token }),
  send: (method: string, url: string, body?: unknown) => call(server, method, url, { token: who.token, ...(body ? { body } : {}) }),
});
const names = async (who: { token: string }, q = '', extra = '') => {
  const response = await as(who).get(`/api/v2/workspaces?q=${encodeURIComponent(q)}${extra}`);
  assert.is(response.statusCode, 200, response.body);
  return { names: response.json().workspaces.map((w: { name: string }) => w.name).sort(), count: response.json().count };
};

test("a member cannot see or touch another member's workspace, builds, logs or state: 404", async () => {
  const bobs = ids['bob-dev']!;
  const build = builds['bob-dev']!;
  for (const url of [`/api/v2/workspaces/${bobs}`, `/api/v2/workspaces/${bobs}/builds`, `/api/v2/workspacebuilds/${build}`, `/api/v2/workspacebuilds/${build}/logs`,
    `/api/v2/workspacebuilds/${build}/state`, `/api/v2/workspacebuilds/${build}/resources`, `/api/v2/workspacebuilds/${build}/parameters`, '/api/v2/users/bob/workspace/bob-dev']) {
    const response = await as(alice).get(url);
    assert.is(response.statusCode, 404, `${url}: ${response.body}`);
    assert.is(response.json().code, 'HANGAR_ERR_NOT_FOUND');
  }
  assert.is((await as(alice).send('POST', `/api/v2/workspaces/${bobs}/builds`, { transition: 'stop' })).statusCode, 404);
  assert.is((await as(alice).send('PATCH', `/api/v2/workspaces/${bobs}`, { name: 'mine-now' })).statusCode, 404);
  assert.is((await as(alice).send('PATCH', `/api/v2/workspacebuilds/${build}/cancel`)).statusCode, 404);
  const forBob = await createWorkspace(server, owner, alice.token, { name: 'sneaky', template_id: docker }, 'bob');
  assert.is(forBob.statusCode, 403, 'a member cannot create a workspace for someone else');
  assert.is((await as(bob).get(`/api/v2/workspaces/${bobs}`)).json().name, 'bob-dev', 'bob sees his own');
});

test('an owner sees and acts on every workspace; a template admin reads them but cannot change them', async () => {
  const bobs = ids['bob-dev']!;
  assert.is((await as(owner).get(`/api/v2/workspacebuilds/${builds['bob-dev']}/logs`)).statusCode, 200);
  assert.is((await as(owner).get(`/api/v2/workspacebuilds/${builds['bob-dev']}/state`)).statusCode, 200);
  assert.is((await as(templateAdmin).get(`/api/v2/workspaces/${bobs}`)).statusCode, 200);
  assert.is((await as(templateAdmin).get(`/api/v2/workspacebuilds/${builds['bob-dev']}/state`)).statusCode, 200, 'a role that allows reading workspaces reads state');
  assert.is((await as(templateAdmin).send('POST', `/api/v2/workspaces/${bobs}/builds`, { transition: 'stop' })).statusCode, 403);
  const stopped = await buildAndWait(server, owner.token, bobs, { transition: 'stop' });
  assert.is(stopped.status, 'stopped');
  const forBob = await createWorkspace(server, owner, owner.token, { name: 'gift', template_id: docker }, 'bob');
  assert.is(forBob.statusCode, 201, forBob.body);
  assert.is(forBob.json().owner_name, 'bob');
  ids.gift = forBob.json().id;
  await waitForBuild(server, owner.token, forBob.json().latest_build.id);
});

test('lists show only what the caller may read; search filters by owner, template, status and name, with paging', async () => {
  assert.equal((await names(alice)).names, ['alice-dev', 'alice-ml']);
  assert.equal((await names(bob)).names, ['bob-dev', 'gift']);
  assert.equal((await names(owner)).names, ['alice-dev', 'alice-ml', 'bob-dev', 'gift', 'root-dev']);
  assert.equal((await names(owner, 'owner:me')).names, ['root-dev']);
  assert.equal((await names(owner, 'owner:alice')).names, ['alice-dev', 'alice-ml']);
  assert.equal((await names(alice, 'owner:bob')).names, [], 'a search never widens what a member sees');
  assert.equal((await names(owner, 'template:k8s')).names, ['alice-ml']);
  assert.equal((await names(owner, 'status:stopped')).names, ['alice-ml', 'bob-dev']);
  assert.equal((await names(owner, 'status:running template:docker')).names, ['alice-dev', 'gift', 'root-dev']);
  assert.equal((await names(owner, 'name:dev')).names, ['alice-dev', 'bob-dev', 'root-dev']);
  assert.equal((await names(owner, 'ml')).names, ['alice-ml']);
  const page = await names(owner, 'name:dev', '&limit=2&offset=2');
  assert.is(page.count, 3);
  assert.is(page.names.length, 1);
  const bad = await as(owner).get('/api/v2/workspaces?q=colour:red');
  assert.is(bad.statusCode, 400);
  assert.is(bad.json().code, 'HANGAR_ERR_WORKSPACE_SEARCH_INVALID');
  assert.is((await as(owner).get('/api/v2/workspaces?q=status:sleeping')).statusCode, 400);
  const list = (await as(alice).get('/api/v2/workspaces')).json();
  const first = list.workspaces[0];
  assert.ok(first.latest_build.job.status, 'each workspace carries its latest build and job');
  assert.ok(Array.isArray(first.latest_build.resources));
});

test('deleted workspaces leave the list and are found with deleted:true', async () => {
  await buildAndWait(server, bob.token, ids.gift!, { transition: 'delete' });
  assert.equal((await names(bob)).names, ['bob-dev']);
  assert.equal((await names(bob, 'deleted:true')).names, ['gift']);
  const logs = await as(bob).get(`/api/v2/workspacebuilds/${(await as(bob).get(`/api/v2/workspaces/${ids.gift}/builds`)).json()[0].id}/logs`);
  assert.is(logs.statusCode, 200, 'the logs of a deleted workspace stay readable');
});

test.run();
