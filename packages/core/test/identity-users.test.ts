import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, createUser, login, type Owner, setupOwner, strongPassword, type TestUser } from './support/identity-fixtures.js';

let server: TestServer;
let owner: Owner;
let userAdmin: TestUser;
let member: TestUser;
test.before(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  userAdmin = await createUser(server, owner, 'ursula', { roles: ['user-admin'] });
  member = await createUser(server, owner, 'mark');
});
test.after(async () => server?.close());

const names = (body: { users: { username: string }[] }) => body.users.map((u) => u.username);

test('a user admin creates users; a member may not', async () => {
  const created = await call(server, 'POST', '/api/v2/users', { token: userAdmin.token, body: { email: 'Carol@Example.com', username: 'carol', name: 'Carol C', password: 'Lantern-Quartz-51' } });
  assert.is(created.statusCode, 201);
  assert.is(created.json().email, 'carol@example.com', 'emails are stored lower-cased');
  assert.is(created.json().status, 'active');
  assert.is(created.json().login_type, 'password');
  const refused = await call(server, 'POST', '/api/v2/users', { token: member.token, body: { email: 'x@example.com', username: 'xavier', login_type: 'none' } });
  assert.is(refused.statusCode, 403);
});

test('a taken email or username is a 409 naming the field; a reserved username is a 400', async () => {
  const email = await call(server, 'POST', '/api/v2/users', { token: owner.token, body: { email: 'CAROL@example.com', username: 'carol2', login_type: 'none' } });
  assert.is(email.statusCode, 409);
  assert.equal(email.json().validations, [{ field: 'email', detail: 'is taken' }]);
  const username = await call(server, 'POST', '/api/v2/users', { token: owner.token, body: { email: 'c3@example.com', username: 'CAROL', login_type: 'none' } });
  assert.is(username.statusCode, 409);
  assert.equal(username.json().validations, [{ field: 'username', detail: 'is taken' }]);
  const reserved = await call(server, 'POST', '/api/v2/users', { token: owner.token, body: { email: 'me@example.com', username: 'me', login_type: 'none' } });
  assert.is(reserved.statusCode, 400);
  assert.equal(reserved.json().validations, [{ field: 'username', detail: 'is reserved' }]);
});

test('a user is found by me, by username in any case, and by id', async () => {
  const byMe = (await call(server, 'GET', '/api/v2/users/me', { token: member.token })).json();
  const byName = (await call(server, 'GET', '/api/v2/users/MARK', { token: owner.token })).json();
  const byId = (await call(server, 'GET', `/api/v2/users/${member.id}`, { token: owner.token })).json();
  assert.is(byMe.id, member.id);
  assert.is(byName.id, member.id);
  assert.is(byId.username, 'mark');
  assert.is((await call(server, 'GET', '/api/v2/users/nobody', { token: owner.token })).statusCode, 404);
});

test('a member sees only themselves; others are hidden as 404', async () => {
  const list = (await call(server, 'GET', '/api/v2/users', { token: member.token })).json();
  assert.equal(names(list), ['mark']);
  assert.is(list.count, 1);
  assert.is((await call(server, 'GET', '/api/v2/users/ursula', { token: member.token })).statusCode, 404);
});

test('search finds words in username, email and name, and filters by status and role', async () => {
  for (const n of ['dora', 'dorian', 'eddie']) await createUser(server, owner, n);
  assert.equal(names((await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { q: 'dor' } })).json()), ['dora', 'dorian']);
  assert.equal(names((await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { q: 'Carol C' } })).json()), ['carol']);
  assert.equal(names((await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { q: 'role:user-admin' } })).json()), ['ursula']);
  await call(server, 'PUT', '/api/v2/users/eddie/status/suspend', { token: owner.token });
  assert.equal(names((await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { q: 'status:suspended' } })).json()), ['eddie']);
  assert.equal(names((await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { q: '100%' } })).json()), [], 'LIKE wildcards are literal');
  const bad = await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { q: 'colour:red' } });
  assert.is(bad.statusCode, 400);
  assert.is(bad.json().validations[0].field, 'querystring.q');
});

test('pagination pages through users in username order with the full count', async () => {
  const all = (await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { limit: '100' } })).json();
  const first = (await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { limit: '2', offset: '0' } })).json();
  const second = (await call(server, 'GET', '/api/v2/users', { token: owner.token, query: { limit: '2', offset: '2' } })).json();
  assert.is(first.count, all.count);
  assert.equal([...names(first), ...names(second)], names(all).slice(0, 4));
  assert.equal(names(all), [...names(all)].sort());
});

test('a member updates their own profile but not another user; usernames stay unique', async () => {
  const own = await call(server, 'PUT', '/api/v2/users/me/profile', { token: member.token, body: { name: 'Mark M' } });
  assert.is(own.statusCode, 200);
  assert.is(own.json().name, 'Mark M');
  assert.is((await call(server, 'PUT', '/api/v2/users/ursula/profile', { token: member.token, body: { name: 'x' } })).statusCode, 404);
  const taken = await call(server, 'PUT', '/api/v2/users/me/profile', { token: member.token, body: { username: 'Ursula' } });
  assert.is(taken.statusCode, 409);
  const renamed = await call(server, 'PUT', '/api/v2/users/me/profile', { token: member.token, body: { username: 'Mark' } });
  assert.is(renamed.json().username, 'Mark', 'a change of case alone is allowed');
});

test('changing your own password needs the old one and ends your other sessions', async () => {
  const pat = await createUser(server, owner, 'pat', { password: 'Velvet-Compass-38' });
  const current = await login(server, pat.email, 'Velvet-Compass-38');
  const other = await login(server, pat.email, 'Velvet-Compass-38');
  const missing = await call(server, 'PUT', '/api/v2/users/me/password', { token: current, body: { password: 'Granite-Harbor-62' } });
  assert.is(missing.statusCode, 400);
  assert.equal(missing.json().validations.map((v: { field: string }) => v.field), ['old_password']);
  const wrong = await call(server, 'PUT', '/api/v2/users/me/password', { token: current, body: { old_password: 'nope-nope-nope', password: 'Granite-Harbor-62' } });
  assert.is(wrong.statusCode, 400);
  assert.is(wrong.json().code, 'HANGAR_ERR_IDENTITY_PASSWORD_INCORRECT');
  const weak = await call(server, 'PUT', '/api/v2/users/me/password', { token: current, body: { old_password: 'Velvet-Compass-38', password: 'short' } });
  assert.is(weak.statusCode, 400);
  assert.is(weak.json().code, 'HANGAR_ERR_IDENTITY_PASSWORD_WEAK');
  const done = await call(server, 'PUT', '/api/v2/users/me/password', { token: current, body: { old_password: 'Velvet-Compass-38', password: 'Granite-Harbor-62' } });
  assert.is(done.statusCode, 204);
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: current })).statusCode, 200, 'the session that changed it stays');
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: other })).statusCode, 401, 'other sessions end');
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: pat.token })).statusCode, 200, 'named tokens stay');
  assert.ok(await login(server, pat.email, 'Granite-Harbor-62'));
});

test("a user admin resets another user's password without the old one", async () => {
  const response = await call(server, 'PUT', '/api/v2/users/pat/password', { token: userAdmin.token, body: { password: 'Meadow-Falcon-84' } });
  assert.is(response.statusCode, 204);
  assert.ok(await login(server, 'pat@example.com', 'Meadow-Falcon-84'));
});

test('nobody suspends, deletes or re-roles themselves', async () => {
  for (const [method, url, body] of [
    ['PUT', '/api/v2/users/me/status/suspend', undefined],
    ['DELETE', '/api/v2/users/me', undefined],
    ['PUT', '/api/v2/users/me/roles', { roles: [] }],
  ] as const) {
    const response = await call(server, method, url, { token: owner.token, body });
    assert.is(response.statusCode, 400, url);
    assert.is(response.json().code, 'HANGAR_ERR_IDENTITY_SELF_ACTION');
  }
});

test('a user admin gives and takes roles except owner, and cannot act on an owner', async () => {
  const given = await call(server, 'PUT', '/api/v2/users/dora/roles', { token: userAdmin.token, body: { roles: ['auditor', 'template-admin'] } });
  assert.is(given.statusCode, 200);
  assert.equal(given.json().roles.map((r: { name: string }) => r.name), ['auditor', 'template-admin']);
  const owners = await call(server, 'PUT', '/api/v2/users/dora/roles', { token: userAdmin.token, body: { roles: ['owner'] } });
  assert.is(owners.statusCode, 403);
  assert.is(owners.json().code, 'HANGAR_ERR_RBAC_ROLE_NOT_ASSIGNABLE');
  const unknown = await call(server, 'PUT', '/api/v2/users/dora/roles', { token: userAdmin.token, body: { roles: ['auditor', 'wizard'] } });
  assert.is(unknown.statusCode, 400);
  assert.equal(unknown.json().validations, [{ field: 'roles.1', detail: 'is not an assignable site role' }]);
  assert.is((await call(server, 'PUT', '/api/v2/users/owner/status/suspend', { token: userAdmin.token })).statusCode, 403);
  assert.is((await call(server, 'PUT', '/api/v2/users/dora/roles', { token: owner.token, body: { roles: ['owner'] } })).statusCode, 200, 'owners hand out owner');
});

test('GET /users/roles says which site roles the caller may assign', async () => {
  const asAdmin = (await call(server, 'GET', '/api/v2/users/roles', { token: userAdmin.token })).json();
  const assignable = Object.fromEntries(asAdmin.map((r: { name: string; assignable: boolean }) => [r.name, r.assignable]));
  assert.equal(assignable, { owner: false, 'user-admin': true, 'template-admin': true, auditor: true });
  const asMember = (await call(server, 'GET', '/api/v2/users/roles', { token: member.token })).json();
  assert.ok(asMember.every((r: { assignable: boolean }) => !r.assignable));
});

test("GET /users/:user/roles lists site roles with member and the user's organization roles", async () => {
  const roles = (await call(server, 'GET', '/api/v2/users/ursula/roles', { token: owner.token })).json();
  assert.equal(roles.roles.map((r: { name: string }) => r.name), ['member', 'user-admin']);
  assert.equal(roles.organization_roles[owner.organizationId].map((r: { name: string }) => r.name), ['organization-member']);
});

test.run();
