import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, login, strongPassword } from './support/identity-fixtures.js';

let server: TestServer;
test.before(async () => {
  server = await startTestServer();
});
test.after(async () => server?.close());

test('before setup, GET /users/first answers 404 and protected routes answer 401', async () => {
  const first = await call(server, 'GET', '/api/v2/users/first');
  assert.is(first.statusCode, 404);
  assert.is(first.json().code, 'HANGAR_ERR_IDENTITY_FIRST_USER_MISSING');
  assert.is((await call(server, 'GET', '/api/v2/users/me')).statusCode, 401);
});

test('a weak first password is refused with the field named and nothing is created', async () => {
  const response = await call(server, 'POST', '/api/v2/users/first', { body: { email: 'a@example.com', username: 'alice', password: 'password1' } });
  assert.is(response.statusCode, 400);
  assert.is(response.json().code, 'HANGAR_ERR_IDENTITY_PASSWORD_WEAK');
  assert.equal(response.json().validations.map((v: { field: string }) => v.field), ['password']);
  assert.is((await call(server, 'GET', '/api/v2/users/first')).statusCode, 404);
});

test('two concurrent setups: exactly one creates the owner, the other gets 409', async () => {
  const [a, b] = await Promise.all([
    call(server, 'POST', '/api/v2/users/first', { body: { email: 'ann@example.com', username: 'ann', password: strongPassword } }),
    call(server, 'POST', '/api/v2/users/first', { body: { email: 'bob@example.com', username: 'bob', password: strongPassword } }),
  ]);
  const statuses = [a.statusCode, b.statusCode].sort();
  assert.equal(statuses, [201, 409]);
  const loser = a.statusCode === 409 ? a : b;
  assert.is(loser.json().code, 'HANGAR_ERR_IDENTITY_FIRST_USER_EXISTS');
  const rows = await server.database.execute<{ n: string }[]>('select count(*) as n from hangar_users');
  assert.is(Number(rows[0]!.n), 1, 'only one user row exists');
});

test('the first user is an owner, member of the default organization created at setup', async () => {
  assert.is((await call(server, 'GET', '/api/v2/users/first')).statusCode, 200);
  const [owner] = await server.database.execute<{ email: string }[]>('select email from hangar_users');
  const token = await login(server, owner!.email);
  const me = (await call(server, 'GET', '/api/v2/users/me', { token })).json();
  assert.equal(me.roles, [{ name: 'owner', display_name: 'Owner' }]);
  const orgs = (await call(server, 'GET', '/api/v2/organizations', { token })).json();
  assert.is(orgs.length, 1);
  assert.is(orgs[0].is_default, true);
  assert.is(orgs[0].name, 'default');
  const members = (await call(server, 'GET', `/api/v2/organizations/${orgs[0].id}/members`, { token })).json();
  assert.equal(members.members.map((m: { user_id: string }) => m.user_id), [me.id]);
});

test('a later setup attempt is refused and changes nothing', async () => {
  const response = await call(server, 'POST', '/api/v2/users/first', { body: { email: 'eve@example.com', username: 'eve', password: strongPassword } });
  assert.is(response.statusCode, 409);
  const rows = await server.database.execute<{ n: string }[]>('select count(*) as n from hangar_users');
  assert.is(Number(rows[0]!.n), 1);
});

test.run();
