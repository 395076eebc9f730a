import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, createUser, type Owner, setupOwner, type TestUser } from './support/identity-fixtures.js';

let server: TestServer;
let owner: Owner;
let alice: TestUser;
let bob: TestUser;
let eng: { id: string; name: string };
test.before(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  alice = await createUser(server, owner, 'alice');
  bob = await createUser(server, owner, 'bob');
});
test.after(async () => server?.close());

const memberNames = async (org: string, token = owner.token) =>
  (await call(server, 'GET', `/api/v2/organizations/${org}/members`, { token })).json().members.map((m: { username: string }) => m.username);

test('every new user joins the default organization', async () => {
  assert.equal(await memberNames('default'), ['alice', 'bob', 'owner']);
  const byId = (await call(server, 'GET', `/api/v2/organizations/${owner.organizationId}`, { token: alice.token })).json();
  assert.is(byId.name, 'default');
  assert.is(byId.is_default, true);
});

test('an owner creates an organization and becomes its organization admin', async () => {
  const created = await call(server, 'POST', '/api/v2/organizations', { token: owner.token, body: { name: 'eng', display_name: 'Engineering' } });
  assert.is(created.statusCode, 201);
  eng = created.json();
  const members = (await call(server, 'GET', '/api/v2/organizations/eng/members', { token: owner.token })).json();
  assert.equal(members.members.map((m: { username: string; roles: { name: string }[] }) => [m.username, m.roles.map((r) => r.name)]), [['owner', ['organization-admin']]]);
  const mine = (await call(server, 'GET', '/api/v2/users/me/organizations', { token: owner.token })).json();
  assert.equal(mine.map((o: { name: string }) => o.name), ['default', 'eng']);
});

test('names are unique and "default" is reserved', async () => {
  const taken = await call(server, 'POST', '/api/v2/organizations', { token: owner.token, body: { name: 'ENG' } });
  assert.is(taken.statusCode, 409);
  assert.is(taken.json().code, 'HANGAR_ERR_ORG_NAME_TAKEN');
  const reserved = await call(server, 'POST', '/api/v2/organizations', { token: owner.token, body: { name: 'default' } });
  assert.is(reserved.statusCode, 400);
  assert.equal(reserved.json().validations, [{ field: 'name', detail: 'is reserved' }]);
});

test('a non-member cannot see an organization; adding them makes it visible, removing hides it again', async () => {
  assert.is((await call(server, 'GET', '/api/v2/organizations/eng', { token: alice.token })).statusCode, 404);
  const added = await call(server, 'POST', `/api/v2/organizations/eng/members/${alice.id}`, { token: owner.token });
  assert.is(added.statusCode, 201);
  assert.is(added.json().username, 'alice');
  assert.is((await call(server, 'GET', '/api/v2/organizations/eng', { token: alice.token })).statusCode, 200);
  const again = await call(server, 'POST', '/api/v2/organizations/eng/members/alice', { token: owner.token });
  assert.is(again.statusCode, 409);
  assert.is(again.json().code, 'HANGAR_ERR_ORG_MEMBER_EXISTS');
  assert.is((await call(server, 'DELETE', '/api/v2/organizations/eng/members/alice', { token: owner.token })).statusCode, 204);
  assert.is((await call(server, 'GET', '/api/v2/organizations/eng', { token: alice.token })).statusCode, 404);
});

test('an organization admin manages members and roles of their organization only', async () => {
  await call(server, 'POST', '/api/v2/organizations/eng/members/alice', { token: owner.token });
  assert.is((await call(server, 'PUT', '/api/v2/organizations/eng/members/alice/roles', { token: owner.token, body: { roles: ['organization-admin'] } })).statusCode, 200);
  assert.is((await call(server, 'POST', '/api/v2/organizations/eng/members/bob', { token: alice.token })).statusCode, 201);
  const roles = await call(server, 'PUT', '/api/v2/organizations/eng/members/bob/roles', { token: alice.token, body: { roles: ['organization-template-admin'] } });
  assert.equal(roles.json().roles.map((r: { name: string }) => r.name), ['organization-template-admin']);
  assert.is((await call(server, 'PUT', '/api/v2/organizations/default/members/bob/roles', { token: alice.token, body: { roles: ['organization-auditor'] } })).statusCode, 403);
  assert.is((await call(server, 'DELETE', '/api/v2/organizations/default/members/bob', { token: alice.token })).statusCode, 403);
  assert.is((await call(server, 'DELETE', '/api/v2/organizations/eng', { token: alice.token })).statusCode, 403);
  const renamed = await call(server, 'PATCH', '/api/v2/organizations/eng', { token: alice.token, body: { display_name: 'Engineering Dept' } });
  assert.is(renamed.json().display_name, 'Engineering Dept');
});

test('organization roles are checked: unknown or site roles are refused; nobody re-roles themselves', async () => {
  const site = await call(server, 'PUT', '/api/v2/organizations/eng/members/bob/roles', { token: alice.token, body: { roles: ['owner'] } });
  assert.is(site.statusCode, 400);
  assert.equal(site.json().validations, [{ field: 'roles.0', detail: 'is not an assignable organization role' }]);
  const self = await call(server, 'PUT', '/api/v2/organizations/eng/members/alice/roles', { token: alice.token, body: { roles: [] } });
  assert.is(self.statusCode, 400);
  const assignable = (await call(server, 'GET', '/api/v2/organizations/eng/members/roles', { token: alice.token })).json();
  assert.ok(assignable.every((r: { assignable: boolean }) => r.assignable));
  const asBob = (await call(server, 'GET', '/api/v2/organizations/eng/members/roles', { token: bob.token })).json();
  assert.ok(asBob.every((r: { assignable: boolean }) => !r.assignable));
});

test('organization roles take effect on the next request', async () => {
  assert.is((await call(server, 'GET', '/api/v2/audit', { token: bob.token })).statusCode, 403);
  await call(server, 'PUT', '/api/v2/organizations/eng/members/bob/roles', { token: owner.token, body: { roles: ['organization-auditor'] } });
  const audit = await call(server, 'GET', '/api/v2/audit', { token: bob.token });
  assert.is(audit.statusCode, 200);
  assert.ok(audit.json().audit_logs.every((e: { organization_id: string }) => e.organization_id === eng.id), 'only entries of their organization');
  assert.ok(audit.json().count > 0);
});

test('deleted users leave member lists; the default organization cannot be deleted; deleting another removes its memberships', async () => {
  await call(server, 'DELETE', '/api/v2/users/bob', { token: owner.token });
  assert.equal(await memberNames('eng'), ['alice', 'owner']);
  const protectedDefault = await call(server, 'DELETE', '/api/v2/organizations/default', { token: owner.token });
  assert.is(protectedDefault.statusCode, 400);
  assert.is(protectedDefault.json().code, 'HANGAR_ERR_ORG_DEFAULT_PROTECTED');
  assert.is((await call(server, 'DELETE', '/api/v2/organizations/eng', { token: owner.token })).statusCode, 204);
  const rows = await server.database.execute<{ n: string }[]>('select count(*) as n from hangar_organization_members where organization_id = ?', [eng.id]);
  assert.is(Number(rows[0]!.n), 0);
  assert.is((await call(server, 'GET', '/api/v2/organizations/eng', { token: owner.token })).statusCode, 404);
});

test.run();
