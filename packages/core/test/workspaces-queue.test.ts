import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jobQueueToken } from '../src/index.js';
import { type EchoScript, type TestServer } from '../src/testing/index.js';
import { call, createUser, type Owner, type TestUser } from './support/identity-fixtures.js';
import { countRows, createEchoTemplate, createWorkspace, startWorkspaceServer, stopDaemons } from './support/workspace-fixtures.js';

// The daemon imports the template, then stops: every build stays pending until the test moves it.
let server: TestServer;
let owner: Owner;
let member: TestUser;
let templateId: string;
const script: EchoScript = { plan: { resources: [{ name: 'dev', type: 'echo_vm' }] } };
test.before(async () => {
  ({ server, owner } = await startWorkspaceServer({ daemons: 1 }));
  member = await createUser(server, owner, 'mia');
  ({ templateId } = await createEchoTemplate(server, owner, 'queued', script));
  await stopDaemons(server);
});
test.after(async () => server?.close());

const build = (token: string, workspaceId: string, body: Record<string, unknown>) => call(server, 'POST', `/api/v2/workspaces/${workspaceId}/builds`, { token, body });
const getBuild = (buildId: string) => call(server, 'GET', `/api/v2/workspacebuilds/${buildId}`, { token: owner.token }).then((r) => r.json());

test('a queued build is pending with its queue position; a second build waits its turn (409)', async () => {
  const a = (await createWorkspace(server, owner, owner.token, { name: 'queue-a', template_id: templateId })).json();
  const b = (await createWorkspace(server, owner, member.token, { name: 'queue-b', template_id: templateId })).json();
  assert.is(a.latest_build.status, 'pending');
  assert.is(a.latest_build.job.status, 'pending');
  const first = await getBuild(a.latest_build.id);
  const second = await getBuild(b.latest_build.id);
  assert.is(second.job.queue_position, first.job.queue_position + 1);
  assert.is(second.job.queue_size, first.job.queue_size);
  const busy = await build(owner.token, a.id, { transition: 'stop' });
  assert.is(busy.statusCode, 409);
  assert.is(busy.json().code, 'HANGAR_ERR_WORKSPACE_BUILD_ACTIVE');
  assert.is(await countRows(server, 'hangar_workspace_builds', 'workspace_id = ?', [a.id]), 1, 'the refused build left nothing');
});

test('builds asked for at once on one workspace: exactly one is queued, the others get 409 and leave nothing', async () => {
  const ws = (await createWorkspace(server, owner, owner.token, { name: 'racy', template_id: templateId })).json();
  await call(server, 'PATCH', `/api/v2/workspacebuilds/${ws.latest_build.id}/cancel`, { token: owner.token });
  const responses = await Promise.all(['start', 'stop', 'start', 'stop', 'delete', 'start'].map((transition) => build(owner.token, ws.id, { transition })));
  assert.equal(responses.map((r) => r.statusCode).filter((s) => s === 201).length, 1);
  for (const refused of responses.filter((r) => r.statusCode !== 201)) {
    assert.is(refused.statusCode, 409);
    assert.ok(['HANGAR_ERR_WORKSPACE_BUILD_ACTIVE', 'HANGAR_ERR_WORKSPACE_BEING_DELETED'].includes(refused.json().code));
  }
  assert.equal(
    (await server.database.execute<{ build_number: number }[]>('select build_number from hangar_workspace_builds where workspace_id = ? order by build_number', [ws.id])).map((r) => r.build_number),
    [1, 2],
  );
});

test('cancel ends a pending build at once; then a new build may start', async () => {
  const ws = (await createWorkspace(server, owner, owner.token, { name: 'cancel-me', template_id: templateId })).json();
  const canceled = await call(server, 'PATCH', `/api/v2/workspacebuilds/${ws.latest_build.id}/cancel`, { token: owner.token });
  assert.is(canceled.statusCode, 200, canceled.body);
  const after = await getBuild(ws.latest_build.id);
  assert.is(after.status, 'canceled');
  assert.is(after.job.queue_position, 0);
  const next = await build(owner.token, ws.id, { transition: 'start' });
  assert.is(next.statusCode, 201, next.body);
  assert.is(next.json().build_number, 2);
});

test('a start or stop on a workspace being deleted is refused; another delete waits (409)', async () => {
  const ws = (await createWorkspace(server, owner, owner.token, { name: 'doomed', template_id: templateId })).json();
  await call(server, 'PATCH', `/api/v2/workspacebuilds/${ws.latest_build.id}/cancel`, { token: owner.token });
  const deleting = await build(owner.token, ws.id, { transition: 'delete' });
  assert.is(deleting.statusCode, 201);
  for (const transition of ['start', 'stop']) {
    const refused = await build(owner.token, ws.id, { transition });
    assert.is(refused.statusCode, 409);
    assert.is(refused.json().code, 'HANGAR_ERR_WORKSPACE_BEING_DELETED');
  }
  assert.is((await build(owner.token, ws.id, { transition: 'delete' })).json().code, 'HANGAR_ERR_WORKSPACE_BUILD_ACTIVE');
  assert.is(await countRows(server, 'hangar_workspace_builds', 'workspace_id = ?', [ws.id]), 2);
});

test('an orphan delete skips the provisioner: it ends at once and the workspace is deleted; only template managers may', async () => {
  const ws = (await createWorkspace(server, owner, member.token, { name: 'orphan', template_id: templateId })).json();
  await call(server, 'PATCH', `/api/v2/workspacebuilds/${ws.latest_build.id}/cancel`, { token: member.token });
  const notStart = await build(owner.token, ws.id, { transition: 'start', orphan: true });
  assert.is(notStart.statusCode, 400);
  assert.is(notStart.json().code, 'HANGAR_ERR_WORKSPACE_ORPHAN_INVALID');
  const byMember = await build(member.token, ws.id, { transition: 'delete', orphan: true });
  assert.is(byMember.statusCode, 403);
  const orphaned = await build(owner.token, ws.id, { transition: 'delete', orphan: true });
  assert.is(orphaned.statusCode, 201, orphaned.body);
  assert.is(orphaned.json().status, 'deleted');
  assert.is(orphaned.json().job.status, 'succeeded');
  const logs = (await call(server, 'GET', `/api/v2/workspacebuilds/${orphaned.json().id}/logs`, { token: member.token })).json();
  assert.match(logs.map((l: { output: string }) => l.output).join('\n'), /without running the provisioner/);
  assert.is((await call(server, 'GET', `/api/v2/workspaces/${ws.id}`, { token: member.token })).statusCode, 410);
});

test('a build whose daemon vanished is failed by the hang detector and keeps the previous state', async () => {
  const ws = (await createWorkspace(server, owner, owner.token, { name: 'hung', template_id: templateId })).json();
  const jobId = ws.latest_build.job.id;
  // Pretend a daemon took the job and then died an hour ago.
  await server.database.execute(`update hangar_provisioner_jobs set status = 'running', started_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' where id = ?`, [jobId]);
  assert.is((await getBuild(ws.latest_build.id)).status, 'starting');
  await server.database.execute(`update hangar_workspace_builds set state = 'junk' where id = ?`, [ws.latest_build.id]);
  const failed = await server.container.resolve(jobQueueToken).failHungJobs(60);
  assert.equal(failed.map((job) => job.id), [jobId]);
  const after = await getBuild(ws.latest_build.id);
  assert.is(after.status, 'failed');
  assert.is(after.job.error_code, 'HANGAR_ERR_PROVISIONER_JOB_HUNG');
  const state = await call(server, 'GET', `/api/v2/workspacebuilds/${ws.latest_build.id}/state`, { token: owner.token });
  assert.is(state.rawPayload.length, 0, 'the first build has no previous state to keep');
});

test.run();
