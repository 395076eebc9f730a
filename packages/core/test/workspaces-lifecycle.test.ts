import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeEchoState, type EchoScript, type TestServer } from '../src/testing/index.js';
import { type WorkspaceStatusEvent, workspaceHooksToken } from '../src/index.js';
import { call, type Owner } from './support/identity-fixtures.js';
import { buildAndWait, createEchoTemplate, createWorkspace, importVersion, startWorkspaceServer, waitForBuild } from './support/workspace-fixtures.js';

const app = { slug: 'code', displayName: 'Code', url: 'http://localhost:8080', subdomain: false, shareLevel: 'owner' as const, external: false };
const script: EchoScript = {
  plan: {
    start: {
      parameters: [
        { name: 'region', type: 'string', mutable: false, ephemeral: false, required: false, defaultValue: 'eu', options: [{ name: 'EU', value: 'eu' }, { name: 'US', value: 'us' }] },
        { name: 'cpus', type: 'number', mutable: true, ephemeral: false, required: false, defaultValue: '2', options: [], validation: { min: 1, max: 8 } },
        { name: 'debug', type: 'bool', mutable: true, ephemeral: true, required: false, defaultValue: 'false', options: [] },
      ],
      resources: [
        { name: 'dev', type: 'echo_vm', agents: [{ name: 'main', authToken: 'agent-secret', apps: [app] }] },
        { name: 'home', type: 'echo_volume' },
      ],
    },
    stop: { resources: [{ name: 'home', type: 'echo_volume' }] },
  },
  apply: { start: { logs: ['starting dev'] }, stop: { logs: ['stopping dev'] }, delete: { logs: ['destroying dev'] } },
};

let server: TestServer;
let owner: Owner;
const events: WorkspaceStatusEvent[] = [];
test.before(async () => {
  ({ server, owner } = await startWorkspaceServer({ daemons: 2 }));
  server.container.resolve(workspaceHooksToken).workspaceStatusChanged.tapPromise('test', async (event) => void events.push(event));
});
test.after(async () => server?.close());

const get = (url: string) => call(server, 'GET', url, { token: owner.token });
const logs = async (buildId: string) => ((await get(`/api/v2/workspacebuilds/${buildId}/logs`)).json() as { output: string }[]).map((l) => l.output);
const state = async (buildId: string) => decodeEchoState(new Uint8Array((await get(`/api/v2/workspacebuilds/${buildId}/state`)).rawPayload)).transitions;
const parameters = async (buildId: string) => Object.fromEntries(((await get(`/api/v2/workspacebuilds/${buildId}/parameters`)).json() as { name: string; value: string }[]).map((p) => [p.name, p.value]));

test('import → template → workspace → start → stop → start → delete, with parameters, logs, state and status at each step', async () => {
  const { templateId, versionId } = await createEchoTemplate(server, owner, 'docker', script);
  const created = await createWorkspace(server, owner, owner.token, {
    name: 'dev-1',
    template_id: templateId,
    rich_parameter_values: [{ name: 'region', value: 'us' }, { name: 'cpus', value: '4' }, { name: 'debug', value: 'true' }],
  });
  assert.is(created.statusCode, 201, created.body);
  const workspace = created.json();
  assert.is(workspace.name, 'dev-1');
  assert.is(workspace.owner_name, 'owner');
  assert.is(workspace.template_name, 'docker');
  assert.is(workspace.latest_build.build_number, 1);
  assert.is(workspace.latest_build.transition, 'start');
  assert.is(workspace.latest_build.template_version_id, versionId);
  assert.ok(['pending', 'starting', 'running'].includes(workspace.latest_build.status));

  const first = await waitForBuild(server, owner.token, workspace.latest_build.id);
  assert.is(first.job.status, 'succeeded', first.job.error ?? '');
  assert.is(first.status, 'running');
  assert.equal(first.resources.map((r) => `${r.name}:${r.persistent}`), ['dev:false', 'home:true'], 'what a stop keeps is persistent (from the import)');
  assert.equal(first.resources[0]!.agents.map((a) => a.name), ['main']);
  assert.equal(first.resources[0]!.agents[0]!.apps.map((a) => a.slug), ['code']);
  assert.ok((await logs(first.id)).includes('starting dev'));
  assert.equal(await state(first.id), ['start']);
  assert.equal(await parameters(first.id), { cpus: '4', debug: 'true', region: 'us' });
  assert.is((await get(`/api/v2/workspaces/${workspace.id}`)).json().latest_build.status, 'running');
  const resources = (await get(`/api/v2/workspacebuilds/${first.id}/resources`)).json();
  assert.is(JSON.stringify(resources).includes('agent-secret'), false, 'agent tokens are never shown');
  const stored = await server.database.execute<{ hash: Buffer }[]>('select auth_token_hash as hash from hangar_workspace_agents');
  assert.equal(stored.map((row) => row.hash.length), [32], 'the agent token is stored as a SHA-256 hash only');

  const stopped = await buildAndWait(server, owner.token, workspace.id, { transition: 'stop' });
  assert.is(stopped.build_number, 2);
  assert.is(stopped.status, 'stopped');
  assert.equal(stopped.resources.map((r) => r.name), ['home']);
  assert.ok((await logs(stopped.id)).includes('stopping dev'));
  assert.equal(await state(stopped.id), ['start', 'stop'], 'the previous build\'s state reaches the next');
  assert.is((await get(`/api/v2/workspaces/${workspace.id}`)).json().latest_build.status, 'stopped');

  const restarted = await buildAndWait(server, owner.token, workspace.id, { transition: 'start', rich_parameter_values: [{ name: 'cpus', value: '6' }] });
  assert.is(restarted.build_number, 3);
  assert.is(restarted.status, 'running');
  assert.equal(await parameters(restarted.id), { cpus: '6', debug: 'false', region: 'us' }, 'kept values carry over; the ephemeral one does not');
  assert.equal(await state(restarted.id), ['start', 'stop', 'start']);

  const deleted = await buildAndWait(server, owner.token, workspace.id, { transition: 'delete' });
  assert.is(deleted.build_number, 4);
  assert.is(deleted.status, 'deleted');
  assert.equal(deleted.resources, []);
  assert.ok((await logs(deleted.id)).includes('destroying dev'));
  const gone = await get(`/api/v2/workspaces/${workspace.id}`);
  assert.is(gone.statusCode, 410);
  assert.is(gone.json().code, 'HANGAR_ERR_WORKSPACE_DELETED');
  const history = await get(`/api/v2/workspaces/${workspace.id}?include_deleted=true`);
  assert.is(history.json().deleted, true);
  assert.is(history.json().latest_build.status, 'deleted');
  assert.equal((await get(`/api/v2/workspaces/${workspace.id}/builds`)).json().map((b: { build_number: number }) => b.build_number), [4, 3, 2, 1]);
  const again = await call(server, 'POST', `/api/v2/workspaces/${workspace.id}/builds`, { token: owner.token, body: { transition: 'start' } });
  assert.is(again.statusCode, 410, 'a deleted workspace takes no more builds');

  const audit = await server.database.execute<{ action: string; resource_type: string }[]>(
    `select action, resource_type from hangar_audit_logs where resource_type in ('workspace', 'workspace_build') order by time, id`,
  );
  // Entries of one transaction share a timestamp, so compare them as a set and the builds in order.
  assert.equal(audit.map((a) => `${a.resource_type}:${a.action}`).sort(), [
    'workspace:create', 'workspace:delete', 'workspace_build:delete', 'workspace_build:start', 'workspace_build:start', 'workspace_build:stop',
  ]);
  assert.equal(audit.filter((a) => a.resource_type === 'workspace_build').map((a) => a.action), ['start', 'stop', 'start', 'delete']);
  const statuses = events.filter((e) => e.workspaceId === workspace.id).map((e) => `${e.oldStatus ?? '-'}>${e.newStatus}`);
  for (const step of ['->pending', 'pending>starting', 'starting>running', 'running>pending', 'stopping>stopped', 'stopped>pending', 'deleting>deleted']) {
    assert.ok(statuses.includes(step), `workspaceStatusChanged saw ${step}: ${statuses.join(', ')}`);
  }
});

test('a start on another version of the template updates the workspace; the name can be the same as a deleted one', async () => {
  const { templateId } = await createEchoTemplate(server, owner, 'multi', script);
  const created = (await createWorkspace(server, owner, owner.token, { name: 'dev-1', template_id: templateId })).json();
  assert.ok(created.id, 'the name of a deleted workspace is free again');
  await waitForBuild(server, owner.token, created.latest_build.id);
  const v2 = await importVersion(server, owner, { ...script, apply: { start: { logs: ['v2 here'] } } }, templateId);
  const updated = await buildAndWait(server, owner.token, created.id, { transition: 'start', template_version_id: v2 });
  assert.is(updated.template_version_id, v2);
  assert.ok((await logs(updated.id)).includes('v2 here'));
  const next = await buildAndWait(server, owner.token, created.id, { transition: 'stop' });
  assert.is(next.template_version_id, v2, 'later builds keep the version the workspace moved to');
});

test('a failed apply keeps the state it left; a failure without one keeps the previous build\'s', async () => {
  const failing: EchoScript = { ...script, apply: { start: {}, stop: { error: 'disk is stuck', keepState: true }, delete: { error: 'cannot destroy' } } };
  const { templateId } = await createEchoTemplate(server, owner, 'flaky', failing);
  const created = (await createWorkspace(server, owner, owner.token, { name: 'flaky-1', template_id: templateId })).json();
  await waitForBuild(server, owner.token, created.latest_build.id);
  const stop = await buildAndWait(server, owner.token, created.id, { transition: 'stop' });
  assert.is(stop.status, 'failed');
  assert.match(stop.job.error ?? '', /disk is stuck/);
  assert.equal(await state(stop.id), ['start', 'stop'], 'a half-done apply keeps its state');
  const del = await buildAndWait(server, owner.token, created.id, { transition: 'delete' });
  assert.is(del.status, 'failed');
  assert.equal(await state(del.id), ['start', 'stop'], 'nothing is lost when a build fails without state');
  assert.is((await get(`/api/v2/workspaces/${created.id}`)).statusCode, 200, 'a failed delete leaves the workspace');
});

test('cancel stops a running build; the workspace is canceled and keeps the previous state', async () => {
  const slow: EchoScript = { ...script, apply: { start: { logs: ['working'], hang: true }, stop: {} } };
  const { templateId } = await createEchoTemplate(server, owner, 'slow', script);
  const created = (await createWorkspace(server, owner, owner.token, { name: 'slow-1', template_id: templateId })).json();
  await waitForBuild(server, owner.token, created.latest_build.id);
  const v2 = await importVersion(server, owner, slow, templateId);
  const stop = await buildAndWait(server, owner.token, created.id, { transition: 'stop' });
  const started = await call(server, 'POST', `/api/v2/workspaces/${created.id}/builds`, { token: owner.token, body: { transition: 'start', template_version_id: v2 } });
  assert.is(started.statusCode, 201, started.body);
  const buildId = started.json().id;
  const busy = await call(server, 'POST', `/api/v2/workspaces/${created.id}/builds`, { token: owner.token, body: { transition: 'stop' } });
  assert.is(busy.statusCode, 409);
  assert.is(busy.json().code, 'HANGAR_ERR_WORKSPACE_BUILD_ACTIVE');
  let running = false;
  for (let i = 0; i < 200 && !running; i++) {
    running = (await get(`/api/v2/workspacebuilds/${buildId}`)).json().status === 'starting';
    if (!running) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.ok(running, 'the build started');
  const cancel = await call(server, 'PATCH', `/api/v2/workspacebuilds/${buildId}/cancel`, { token: owner.token });
  assert.is(cancel.statusCode, 200, cancel.body);
  const canceled = await waitForBuild(server, owner.token, buildId);
  assert.is(canceled.status, 'canceled');
  assert.equal(await state(buildId), await state(stop.id), 'a canceled build keeps the previous state');
  const twice = await call(server, 'PATCH', `/api/v2/workspacebuilds/${buildId}/cancel`, { token: owner.token });
  assert.is(twice.statusCode, 409);
  assert.is(twice.json().code, 'HANGAR_ERR_WORKSPACE_BUILD_NOT_CANCELABLE');
});

test.run();
