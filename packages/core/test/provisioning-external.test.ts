import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectExternalDaemon, createLogger, createProvisionerRegistry, type JobQueue } from '../src/index.js';
import { echoProvisioner, type TestServer } from '../src/testing/index.js';
import { call, createUser, type Owner, setupOwner } from './support/identity-fixtures.js';
import { bootProvisioning, enqueueJob, sleep, type TestKind, waitFor, waitForStatus } from './support/provisioning-fixtures.js';

const bin = fileURLToPath(new URL('../../sdk/bin/hangar.mjs', import.meta.url));

let server: TestServer;
let kind: TestKind;
let queue: JobQueue;
let owner: Owner;
test.before(async () => {
  ({ server, kind, queue } = await bootProvisioning({ listen: true, provisioning: { hangTimeoutSeconds: 1, hangCheckIntervalSeconds: 0.2 } }));
  owner = await setupOwner(server);
});
test.after(async () => server?.close());

interface Daemon {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startDaemon(key: string, name: string): Daemon {
  const child = spawn(process.execPath, [bin, 'provisionerd', 'start', '--url', server.baseUrl!, '--key', key, '--name', name, '--provisioners', '', '--echo-provisioner', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output, exited: once(child, 'exit').then(([code]) => code as number | null) };
}

async function connected(daemon: Daemon): Promise<void> {
  await waitFor(() => /connected to/.test(daemon.output()) || (daemon.child.exitCode !== null && Promise.reject(new Error(daemon.output()))), 'the daemon to connect', 20_000);
}

async function createKey(name: string, tags: Record<string, string>, token = owner.token) {
  return call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/provisionerkeys`, { token, body: { name, tags } });
}

test('provisioner keys are shown once, stored only as a SHA-256 hash, unique by name, and validated', async () => {
  const created = await createKey('builders', { pool: 'builders' });
  assert.is(created.statusCode, 201, created.body);
  const body = created.json();
  const match = /^([0-9a-f-]{36})-([A-Za-z0-9_-]+)$/.exec(body.key);
  assert.ok(match, body.key);
  assert.is(match![1], body.id);
  assert.ok(match![2]!.length * 6 >= 128, 'at least 128 bits of secret');
  const [row] = await server.database.execute<Record<string, unknown>[]>('select * from hangar_provisioner_keys where id = ?', [body.id]);
  assert.equal(row!.hashed_secret, createHash('sha256').update(match![2]!).digest());
  assert.not.ok(JSON.stringify(row).includes(match![2]!), 'the secret is stored nowhere in clear');

  const listed = await call(server, 'GET', `/api/v2/organizations/${owner.organizationId}/provisionerkeys`, { token: owner.token });
  assert.is(listed.statusCode, 200);
  assert.equal(listed.json().map((k: { name: string }) => k.name), ['builders']);
  assert.not.ok('key' in listed.json()[0]);
  assert.is((await call(server, 'GET', '/api/v2/organizations/default/provisionerkeys', { token: owner.token })).statusCode, 200, 'the organization by name works too');

  const duplicate = await createKey('Builders', {});
  assert.is(duplicate.statusCode, 409);
  assert.is(duplicate.json().code, 'HANGAR_ERR_PROVISIONER_KEY_EXISTS');
  const badName = await createKey('no spaces', {});
  assert.is(badName.statusCode, 400);
  assert.equal(badName.json().validations.map((v: { field: string }) => v.field), ['name']);
  const unknownField = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/provisionerkeys`, { token: owner.token, body: { name: 'x', tag: {} } });
  assert.is(unknownField.statusCode, 400);

  const member = await createUser(server, owner, 'plainmember');
  assert.is((await createKey('sneaky', {}, member.token)).statusCode, 403, 'a member may not create keys');
  assert.is((await call(server, 'GET', '/api/v2/provisionerdaemons', { token: member.token })).statusCode, 403);
  const admin = await createUser(server, owner, 'templateadmin', { roles: ['template-admin'] });
  assert.is((await createKey('by-admin', {}, admin.token)).statusCode, 201, 'a template admin may');

  const audit = await server.database.execute<{ action: string }[]>("select action from hangar_audit_logs where resource_type = 'provisioner_key' order by time");
  assert.equal(audit.map((a) => a.action), ['create', 'create']);
});

test('an external daemon process takes jobs carrying its key\'s tags and not others', async () => {
  const key = (await createKey('gpu', { pool: 'gpu' })).json().key;
  const daemon = startDaemon(key, 'gpu-1');
  try {
    await connected(daemon);
    assert.match(daemon.output(), 'tags: pool=gpu');
    const mine = await enqueueJob(server, kind, { tags: { pool: 'gpu' }, organizationId: owner.organizationId, echo: { apply: { logs: ['hello from outside'] } } });
    const notMine = await enqueueJob(server, kind, { organizationId: owner.organizationId });
    const done = await waitForStatus(queue, mine.id, ['succeeded', 'failed']);
    assert.is(done.status, 'succeeded', done.error ?? '');
    assert.ok((await queue.listLogs(mine.id)).some((l) => l.output === 'hello from outside'));
    await sleep(500);
    assert.is((await queue.get(notMine.id))?.status, 'pending', 'a job with other tags stays queued');
    await queue.cancel(notMine.id);

    const daemons = (await call(server, 'GET', '/api/v2/provisionerdaemons', { token: owner.token })).json();
    const listed = daemons.find((d: { name: string }) => d.name === 'gpu-1');
    assert.equal(listed.tags, { pool: 'gpu' });
    assert.equal(listed.provisioners, ['echo']);
    assert.is(listed.organization_id, owner.organizationId);
    assert.is(listed.status, 'idle');
    assert.is(done.workerId, listed.id);
  } finally {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
});

test('a wrong key is refused, and a deleted key disconnects its daemons and is refused from then on', async () => {
  const wrong = startDaemon('00000000-0000-4000-8000-000000000000-notasecret', 'wrong');
  assert.is(await wrong.exited, 1);
  assert.match(wrong.output(), 'The provisioner key is missing, wrong or deleted.');

  const key = (await createKey('temporary', { pool: 'temporary' })).json().key;
  const registry = createProvisionerRegistry();
  registry.register('echo', echoProvisioner(), { hidden: true });
  const daemon = connectExternalDaemon({ url: server.baseUrl!, key, name: 'temp-1', provisioners: registry, logger: createLogger('silent') });
  await daemon.connected;
  const deleted = await call(server, 'DELETE', `/api/v2/organizations/${owner.organizationId}/provisionerkeys/temporary`, { token: owner.token });
  assert.is(deleted.statusCode, 204);
  const ended = await daemon.done.then(() => 'resolved', (error) => error.code);
  assert.is(ended, 'HANGAR_ERR_PROVISIONER_KEY_INVALID');
  const again = startDaemon(key, 'temp-2');
  assert.is(await again.exited, 1);
  assert.is((await call(server, 'DELETE', `/api/v2/organizations/${owner.organizationId}/provisionerkeys/temporary`, { token: owner.token })).statusCode, 404);
});

test('killing a daemon process mid-job (SIGKILL) lets the hang detector fail the job and tell its kind', async () => {
  const key = (await createKey('doomed', { pool: 'doomed' })).json().key;
  const daemon = startDaemon(key, 'doomed-1');
  await connected(daemon);
  const job = await enqueueJob(server, kind, { tags: { pool: 'doomed' }, organizationId: owner.organizationId, echo: { apply: { logs: ['stuck'], hang: true } } });
  await waitFor(async () => (await queue.listLogs(job.id)).some((l) => l.output === 'stuck'), 'the job to run on the daemon');
  daemon.child.kill('SIGKILL');
  await daemon.exited;
  const failed = await waitForStatus(queue, job.id, ['failed'], 10_000);
  assert.is(failed.errorCode, 'HANGAR_ERR_PROVISIONER_JOB_HUNG');
  assert.is(kind.failed.find((f) => f.job.id === job.id)?.failure.code, 'HANGAR_ERR_PROVISIONER_JOB_HUNG');
});

test('SIGTERM lets the current job finish before the daemon exits; a second signal cancels it', async () => {
  const key = (await createKey('graceful', { pool: 'graceful' })).json().key;
  const tags = { pool: 'graceful' };
  const first = startDaemon(key, 'graceful-1');
  await connected(first);
  const slow = await enqueueJob(server, kind, { tags, organizationId: owner.organizationId, echo: { apply: { logs: ['working'], delayMs: 1_000 } } });
  await waitFor(async () => (await queue.listLogs(slow.id)).some((l) => l.output === 'working'), 'the slow job to start');
  first.child.kill('SIGTERM');
  const queuedAfter = await enqueueJob(server, kind, { tags, organizationId: owner.organizationId });
  assert.is(await first.exited, 0, first.output());
  assert.is((await queue.get(slow.id))?.status, 'succeeded');
  assert.is((await queue.get(queuedAfter.id))?.status, 'pending', 'a stopping daemon takes no new job');
  await queue.cancel(queuedAfter.id);

  const second = startDaemon(key, 'graceful-2');
  await connected(second);
  const stuck = await enqueueJob(server, kind, { tags, organizationId: owner.organizationId, echo: { apply: { logs: ['forever'], hang: true } } });
  await waitFor(async () => (await queue.listLogs(stuck.id)).some((l) => l.output === 'forever'), 'the stuck job to start');
  second.child.kill('SIGTERM');
  await sleep(300);
  assert.is(second.child.exitCode, null, 'still finishing the job');
  second.child.kill('SIGTERM');
  assert.is(await second.exited, 0, second.output());
  const canceled = await queue.get(stuck.id);
  assert.is(canceled?.status, 'failed');
  assert.is(canceled?.errorCode, 'HANGAR_ERR_PROVISIONER_JOB_CANCELED');
});

test.run();
