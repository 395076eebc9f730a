import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { corePlugins } from '../src/index.js';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, createUser, login, type Owner, setupOwner } from './support/identity-fixtures.js';

let server: TestServer;
let owner: Owner;
test.before(async () => {
  server = await startTestServer({ corePlugins: corePlugins({ identity: { maxTokenLifetimeSeconds: 30 * 86_400 } }) });
  owner = await setupOwner(server);
});
test.after(async () => server?.close());

const keyRow = async (id: string) =>
  (await server.database.execute<{ hashed_secret: Buffer; row: string }[]>('select hashed_secret, row_to_json(k)::text as row from hangar_api_keys k where id = ?', [id]))[0];

test('a new token is shown once; the database keeps only the SHA-256 of its secret', async () => {
  const response = await call(server, 'POST', '/api/v2/users/me/keys/tokens', { token: owner.token, body: { token_name: 'ci' } });
  assert.is(response.statusCode, 201);
  const { key, token } = response.json();
  const [id, secret] = key.split('-');
  assert.is(id.length, 10);
  assert.ok(secret.length >= 22);
  assert.is(token.id, id);
  const row = (await keyRow(id))!;
  assert.is(row.hashed_secret.length, 32);
  assert.ok(row.hashed_secret.equals(createHash('sha256').update(secret).digest()));
  assert.not.ok(row.row.includes(secret), 'no column holds the secret');
  assert.not.ok(row.row.includes(key));
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: key })).statusCode, 200);
  const listed = await call(server, 'GET', '/api/v2/users/me/keys/tokens', { token: owner.token });
  assert.equal(listed.json().map((t: { token_name: string }) => t.token_name), ['ci']);
  assert.not.ok(listed.body.includes(secret), 'listing never shows the secret');
});

test('a revoked token is refused at once', async () => {
  const { key } = (await call(server, 'POST', '/api/v2/users/me/keys/tokens', { token: owner.token, body: { token_name: 'short-lived' } })).json();
  const id = key.split('-')[0];
  assert.is((await call(server, 'GET', `/api/v2/users/me/keys/${id}`, { token: key })).statusCode, 200);
  assert.is((await call(server, 'DELETE', `/api/v2/users/me/keys/${id}`, { token: owner.token })).statusCode, 204);
  const after = await call(server, 'GET', '/api/v2/users/me', { token: key });
  assert.is(after.statusCode, 401);
  assert.is(after.json().code, 'HANGAR_ERR_IDENTITY_TOKEN_INVALID');
});

test('an expired token is refused', async () => {
  const { key } = (await call(server, 'POST', '/api/v2/users/me/keys/tokens', { token: owner.token, body: { token_name: 'expiring' } })).json();
  await server.database.execute("update hangar_api_keys set expires_at = now() - interval '1 second' where id = ?", [key.split('-')[0]]);
  const response = await call(server, 'GET', '/api/v2/users/me', { token: key });
  assert.is(response.statusCode, 401);
  assert.is(response.json().code, 'HANGAR_ERR_IDENTITY_TOKEN_EXPIRED');
});

test("suspending a user stops their sessions and tokens at once; activating does not revive them", async () => {
  const sue = await createUser(server, owner, 'sue', { password: 'Tangerine-Orbit-77' });
  const session = await login(server, sue.email, 'Tangerine-Orbit-77');
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: sue.token })).statusCode, 200);
  assert.is((await call(server, 'PUT', '/api/v2/users/sue/status/suspend', { token: owner.token })).statusCode, 200);
  for (const token of [sue.token, session]) {
    const response = await call(server, 'GET', '/api/v2/users/me', { token });
    assert.is(response.statusCode, 401);
  }
  const rows = await server.database.execute<{ n: string }[]>('select count(*) as n from hangar_api_keys where user_id = ?', [sue.id]);
  assert.is(Number(rows[0]!.n), 0, 'every key of the suspended user is gone');
  assert.is((await call(server, 'PUT', '/api/v2/users/sue/status/activate', { token: owner.token })).json().status, 'active');
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: sue.token })).statusCode, 401);
});

test('a suspended user whose key somehow remains is still refused', async () => {
  const tim = await createUser(server, owner, 'tim');
  // Bypass the API: a key left behind must not outlive the status check.
  await server.database.execute("update hangar_users set status = 'suspended' where id = ?", [tim.id]);
  const response = await call(server, 'GET', '/api/v2/users/me', { token: tim.token });
  assert.is(response.statusCode, 401);
  assert.is(response.json().code, 'HANGAR_ERR_IDENTITY_USER_SUSPENDED');
});

test("deleting a user stops their tokens at once and frees the username", async () => {
  const dan = await createUser(server, owner, 'dan');
  assert.is((await call(server, 'DELETE', '/api/v2/users/dan', { token: owner.token })).statusCode, 204);
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: dan.token })).statusCode, 401);
  assert.is((await call(server, 'GET', `/api/v2/users/${dan.id}`, { token: owner.token })).statusCode, 404);
  const again = await createUser(server, owner, 'dan');
  assert.is.not(again.id, dan.id);
});

test('a token lifetime above the maximum is a 400 naming lifetime_seconds; a taken name is a 409', async () => {
  const tooLong = await call(server, 'POST', '/api/v2/users/me/keys/tokens', { token: owner.token, body: { token_name: 'long', lifetime_seconds: 31 * 86_400 } });
  assert.is(tooLong.statusCode, 400);
  assert.is(tooLong.json().code, 'HANGAR_ERR_IDENTITY_TOKEN_LIFETIME');
  assert.equal(tooLong.json().validations, [{ field: 'lifetime_seconds', detail: 'must be at most 2592000' }]);
  const ok = await call(server, 'POST', '/api/v2/users/me/keys/tokens', { token: owner.token, body: { token_name: 'exact', lifetime_seconds: 30 * 86_400 } });
  assert.is(ok.statusCode, 201);
  assert.is(ok.json().token.lifetime_seconds, 30 * 86_400);
  const dup = await call(server, 'POST', '/api/v2/users/me/keys/tokens', { token: owner.token, body: { token_name: 'exact' } });
  assert.is(dup.statusCode, 409);
  assert.is(dup.json().code, 'HANGAR_ERR_IDENTITY_TOKEN_NAME_TAKEN');
});

test('a session slides its expiry forward when used; a named token does not', async () => {
  const session = await login(server, owner.email);
  const id = session.split('-')[0];
  await server.database.execute("update hangar_api_keys set last_used = now() - interval '2 hours', expires_at = now() + interval '22 hours' where id = ?", [id]);
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: session })).statusCode, 200);
  const [row] = await server.database.execute<{ hours: number }[]>('select extract(epoch from expires_at - now()) / 3600 as hours from hangar_api_keys where id = ?', [id]);
  assert.ok(Number(row!.hours) > 23.9, `expiry moved to 24 h from now (was 22 h), got ${row!.hours}`);

  const { key } = (await call(server, 'POST', '/api/v2/users/me/keys/tokens', { token: owner.token, body: { token_name: 'fixed', lifetime_seconds: 3600 } })).json();
  const tokenId = key.split('-')[0];
  await server.database.execute("update hangar_api_keys set last_used = now() - interval '2 hours' where id = ?", [tokenId]);
  const before = (await keyRow(tokenId))!.row;
  await call(server, 'GET', '/api/v2/users/me', { token: key });
  assert.is(JSON.parse((await keyRow(tokenId))!.row).expires_at, JSON.parse(before).expires_at);
});

test("members cannot see or revoke another user's tokens; user admins can revoke but not mint them", async () => {
  const mia = await createUser(server, owner, 'mia');
  const max = await createUser(server, owner, 'max');
  const admin = await createUser(server, owner, 'uadmin', { roles: ['user-admin'] });
  const miaKeyId = mia.token.split('-')[0];
  assert.is((await call(server, 'GET', '/api/v2/users/mia/keys/tokens', { token: max.token })).statusCode, 404);
  assert.is((await call(server, 'DELETE', `/api/v2/users/mia/keys/${miaKeyId}`, { token: max.token })).statusCode, 404);
  assert.is((await call(server, 'POST', '/api/v2/users/mia/keys/tokens', { token: admin.token, body: { token_name: 'x' } })).statusCode, 403);
  assert.is((await call(server, 'GET', '/api/v2/users/mia/keys/tokens', { token: admin.token })).statusCode, 200);
  assert.is((await call(server, 'DELETE', `/api/v2/users/mia/keys/${miaKeyId}`, { token: admin.token })).statusCode, 204);
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: mia.token })).statusCode, 401);
});

test.run();
