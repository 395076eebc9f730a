import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type AuditEntry, auditHooksToken, definePlugin, HangarError, identityHooksToken } from '../src/index.js';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, createUser, login, type Owner, setupOwner, strongPassword } from './support/identity-fixtures.js';

const forwarded: AuditEntry[] = [];
let failForwarding = false;

/** Forwards audit entries (as a SIEM shipper would), adds a field, and vetoes one username to test atomicity. */
const auditTestPlugin = definePlugin({
  name: 'audit-forwarder-test',
  dependencies: ['audit', 'identity'],
  register(ctx) {
    ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => {
      const hooks = ctx.resolve(auditHooksToken);
      hooks.entryRecorded.tapPromise(ctx.name, async (entry) => {
        if (failForwarding) throw new Error('the SIEM is down');
        forwarded.push(entry);
      });
      hooks.prepareEntry.tap(ctx.name, (entry) => ({ ...entry, additionalFields: { ...entry.additionalFields, region: 'eu-1', password: 'sneaked-in' } }));
      ctx.resolve(identityHooksToken).afterUserCreated.tap(ctx.name, (event) => {
        if (event.user.username === 'vetoed') throw new HangarError('HANGAR_ERR_CONFLICT', { reason: 'This username is vetoed.' });
      });
    });
  },
});

let server: TestServer;
let owner: Owner;
const secrets: string[] = [strongPassword];
test.before(async () => {
  server = await startTestServer({ plugins: [auditTestPlugin] });
  owner = await setupOwner(server);
  secrets.push(owner.token);
});
test.after(async () => server?.close());

const entries = async (query: Record<string, string> = {}) => (await call(server, 'GET', '/api/v2/audit', { token: owner.token, query: { limit: '100', ...query } })).json();
const latest = async (action: string, resourceType: string) => (await entries({ action, resource_type: resourceType })).audit_logs[0];

test('every identity and organization mutation writes an entry with who, when, where and what', async () => {
  const started = Date.now();
  await call(server, 'POST', '/api/v2/users/login', { body: { email: owner.email, password: 'Wrong-Password-000' } });
  const pwd = 'Saffron-Glacier-19';
  secrets.push(pwd, 'Umber-Kestrel-73');
  const created = (await call(server, 'POST', '/api/v2/users', { token: owner.token, body: { email: 'zoe@example.com', username: 'zoe', password: pwd } })).json();
  const session = await login(server, 'zoe@example.com', pwd);
  secrets.push(session);
  await call(server, 'PUT', '/api/v2/users/zoe/profile', { token: owner.token, body: { name: 'Zoe Z' } });
  await call(server, 'PUT', '/api/v2/users/me/password', { token: session, body: { old_password: pwd, password: 'Umber-Kestrel-73' } });
  await call(server, 'PUT', '/api/v2/users/zoe/roles', { token: owner.token, body: { roles: ['auditor'] } });
  const minted = (await call(server, 'POST', '/api/v2/users/zoe/keys/tokens', { token: owner.token, body: { token_name: 'deploy' } })).json();
  secrets.push(minted.key, minted.key.split('-')[1]);
  await call(server, 'DELETE', `/api/v2/users/zoe/keys/${minted.token.id}`, { token: owner.token });
  await call(server, 'PUT', '/api/v2/users/zoe/status/suspend', { token: owner.token });
  await call(server, 'PUT', '/api/v2/users/zoe/status/activate', { token: owner.token });
  const org = (await call(server, 'POST', '/api/v2/organizations', { token: owner.token, body: { name: 'ops' } })).json();
  await call(server, 'PATCH', '/api/v2/organizations/ops', { token: owner.token, body: { description: 'Operations' } });
  await call(server, 'POST', '/api/v2/organizations/ops/members/zoe', { token: owner.token });
  await call(server, 'PUT', '/api/v2/organizations/ops/members/zoe/roles', { token: owner.token, body: { roles: ['organization-auditor'] } });
  await call(server, 'DELETE', '/api/v2/organizations/ops/members/zoe', { token: owner.token });
  await call(server, 'DELETE', '/api/v2/organizations/ops', { token: owner.token });
  await call(server, 'DELETE', '/api/v2/users/zoe', { token: owner.token });
  const logoutToken = await login(server, owner.email);
  await call(server, 'POST', '/api/v2/users/logout', { token: logoutToken, headers: { 'user-agent': 'audit-test/1.0' } });

  const { audit_logs: all } = await entries();
  const seen = new Set(all.map((e: { action: string; resource_type: string }) => `${e.action} ${e.resource_type}`));
  for (const expected of [
    'register user', 'login user', 'login api_key', 'create user', 'write user', 'create api_key', 'delete api_key', 'delete user', 'logout api_key',
    'create organization', 'write organization', 'delete organization', 'create organization_member', 'write organization_member', 'delete organization_member',
  ]) {
    assert.ok(seen.has(expected), `an entry for ${expected}`);
  }
  const failed = all.find((e: { action: string; status_code: number }) => e.action === 'login' && e.status_code === 401);
  assert.is(failed.user_id, null, 'a refused login has no actor');
  assert.is(failed.resource_target, owner.email);
  const logout = await latest('logout', 'api_key');
  assert.is(logout.user_id, owner.id);
  assert.is(logout.username, 'owner');
  assert.is(logout.ip, '127.0.0.1');
  assert.is(logout.user_agent, 'audit-test/1.0');
  assert.match(logout.request_id, /.{8,}/);
  assert.ok(Date.parse(logout.time) >= started - 1000);
  const orgEntry = (await entries({ resource_type: 'organization', action: 'create' })).audit_logs[0];
  assert.is(orgEntry.organization_id, org.id);
  assert.equal(orgEntry.diff.name, { old: null, new: 'ops', secret: false });
  const profile = (await entries({ action: 'write', resource_type: 'user', resource_id: created.id })).audit_logs.find((e: { diff: object }) => 'name' in e.diff);
  assert.equal(profile.diff, { name: { old: '', new: 'Zoe Z', secret: false } });
});

test('a password change is recorded as a secret change, and no secret appears anywhere in the log', async () => {
  const change = (await entries({ action: 'write', resource_type: 'user' })).audit_logs.find((e: { diff: object }) => 'hashed_password' in e.diff);
  assert.equal(change.diff.hashed_password, { old: '', new: '', secret: true });
  const rows = await server.database.execute<{ row: string }[]>('select row_to_json(a)::text as row from hangar_audit_logs a');
  const hashes = await server.database.execute<{ h: string }[]>("select hashed_password as h from hangar_users where hashed_password is not null");
  const keyHashes = await server.database.execute<{ h: string }[]>("select encode(hashed_secret, 'hex') as h from hangar_api_keys");
  const forbidden = [...secrets, ...hashes.map((r) => r.h), ...keyHashes.map((r) => r.h), 'sneaked-in'];
  for (const { row } of rows) for (const secret of forbidden) assert.not.ok(row.includes(secret), `audit row leaks a secret: ${row}`);
  assert.ok(rows.length >= 15);
});

test('entries are forwarded through the hook after commit, with fields a prepareEntry tap added', async () => {
  forwarded.length = 0;
  await call(server, 'PUT', '/api/v2/users/me/profile', { token: owner.token, body: { name: 'The Owner' } });
  assert.is(forwarded.length, 1);
  const stored = await latest('write', 'user');
  assert.is(forwarded[0]!.id, stored.id);
  assert.is(stored.additional_fields.region, 'eu-1');
  assert.is(stored.additional_fields.password, '[redacted]', 'a tap cannot put a secret back in');
});

test('a failing forwarder never fails or undoes the action', async () => {
  failForwarding = true;
  try {
    const response = await call(server, 'PUT', '/api/v2/users/me/profile', { token: owner.token, body: { name: 'Still Saved' } });
    assert.is(response.statusCode, 200);
    assert.is((await call(server, 'GET', '/api/v2/users/me', { token: owner.token })).json().name, 'Still Saved');
  } finally {
    failForwarding = false;
  }
});

test('an action that fails writes neither its change nor its entry', async () => {
  const before = (await entries()).count;
  const response = await call(server, 'POST', '/api/v2/users', { token: owner.token, body: { email: 'v@example.com', username: 'vetoed', login_type: 'none' } });
  assert.is(response.statusCode, 409);
  assert.is((await entries()).count, before);
  const rows = await server.database.execute<{ n: string }[]>("select count(*) as n from hangar_users where username = 'vetoed'");
  assert.is(Number(rows[0]!.n), 0);
});

test('the log is searchable by action, resource, user and time, and pages with a total count', async () => {
  const logins = await entries({ action: 'login' });
  assert.ok(logins.audit_logs.every((e: { action: string }) => e.action === 'login'));
  const byUser = await entries({ username: 'owner', resource_type: 'organization' });
  assert.ok(byUser.audit_logs.length >= 3);
  const page1 = await entries({ limit: '3', offset: '0' });
  const page2 = await entries({ limit: '3', offset: '3' });
  assert.is(page1.count, page2.count);
  assert.is(page1.audit_logs.length, 3);
  assert.not.ok(page2.audit_logs.some((e: { id: string }) => page1.audit_logs.some((f: { id: string }) => f.id === e.id)));
  const times = page1.audit_logs.map((e: { time: string }) => Date.parse(e.time));
  assert.equal(times, [...times].sort((a, b) => b - a), 'newest first');
  assert.is((await entries({ date_from: new Date(Date.now() + 60_000).toISOString() })).count, 0);
  const backwards = await call(server, 'GET', '/api/v2/audit', { token: owner.token, query: { date_from: '2026-12-05T00:00:00Z', date_to: '2026-12-04T00:00:00Z' } });
  assert.is(backwards.statusCode, 400);
  assert.equal(backwards.json().validations, [{ field: 'querystring.date_to', detail: 'must not be before date_from' }]);
});

test('auditors read the log; members may not', async () => {
  const auditor = await createUser(server, owner, 'aud', { roles: ['auditor'] });
  const member = await createUser(server, owner, 'mem');
  assert.is((await call(server, 'GET', '/api/v2/audit', { token: auditor.token })).statusCode, 200);
  assert.is((await call(server, 'GET', '/api/v2/audit', { token: member.token })).statusCode, 403);
});

test.run();
