import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, cookieValue, type Owner, setCookies, setupOwner, strongPassword } from './support/identity-fixtures.js';

let server: TestServer;
let owner: Owner;
let session: string;
let csrf: string;
test.before(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  const response = await call(server, 'POST', '/api/v2/users/login', { body: { email: owner.email, password: strongPassword } });
  session = cookieValue(setCookies(response), 'hangar_session_token')!;
  csrf = cookieValue(setCookies(response), 'hangar_csrf_token')!;
});
test.after(async () => server?.close());

const tokenCount = async () => Number((await server.database.execute<{ n: string }[]>("select count(*) as n from hangar_api_keys where kind = 'token'"))[0]!.n);

test('a mutation authenticated by the cookie alone, without a CSRF token, is refused and changes nothing', async () => {
  const before = await tokenCount();
  const response = await call(server, 'POST', '/api/v2/users/me/keys/tokens', { headers: { cookie: `hangar_session_token=${session}` }, body: { token_name: 'csrf-victim' } });
  assert.is(response.statusCode, 403);
  assert.is(response.json().code, 'HANGAR_ERR_IDENTITY_CSRF');
  assert.is(await tokenCount(), before);
});

test('a wrong CSRF token is refused', async () => {
  const response = await call(server, 'POST', '/api/v2/users/me/keys/tokens', {
    headers: { cookie: `hangar_session_token=${session}`, 'x-csrf-token': `${csrf.slice(0, -2)}xx` },
    body: { token_name: 'csrf-wrong' },
  });
  assert.is(response.statusCode, 403);
});

test("another session's CSRF token is refused", async () => {
  const other = await call(server, 'POST', '/api/v2/users/login', { body: { email: owner.email, password: strongPassword } });
  const otherCsrf = cookieValue(setCookies(other), 'hangar_csrf_token')!;
  const response = await call(server, 'POST', '/api/v2/users/me/keys/tokens', { headers: { cookie: `hangar_session_token=${session}`, 'x-csrf-token': otherCsrf }, body: { token_name: 'csrf-other' } });
  assert.is(response.statusCode, 403);
});

test('the CSRF token from the cookie, echoed in X-CSRF-Token, lets the mutation through', async () => {
  const response = await call(server, 'POST', '/api/v2/users/me/keys/tokens', {
    headers: { cookie: `hangar_session_token=${session}; hangar_csrf_token=${csrf}`, 'x-csrf-token': csrf },
    body: { token_name: 'csrf-ok' },
  });
  assert.is(response.statusCode, 201);
});

test('reads with the cookie alone need no CSRF token', async () => {
  const response = await call(server, 'GET', '/api/v2/users/me', { headers: { cookie: `hangar_session_token=${session}` } });
  assert.is(response.statusCode, 200);
});

test('requests authenticated by a header token are exempt, even with the cookie present', async () => {
  const viaHeader = await call(server, 'POST', '/api/v2/users/me/keys/tokens', { token: session, headers: { cookie: `hangar_session_token=${session}` }, body: { token_name: 'csrf-header' } });
  assert.is(viaHeader.statusCode, 201);
  const viaBearer = await call(server, 'POST', '/api/v2/users/me/keys/tokens', { headers: { authorization: `Bearer ${session}` }, body: { token_name: 'csrf-bearer' } });
  assert.is(viaBearer.statusCode, 201);
});

test('logout through the cookie also needs the CSRF token', async () => {
  const refused = await call(server, 'POST', '/api/v2/users/logout', { headers: { cookie: `hangar_session_token=${session}` } });
  assert.is(refused.statusCode, 403);
  const done = await call(server, 'POST', '/api/v2/users/logout', { headers: { cookie: `hangar_session_token=${session}`, 'x-csrf-token': csrf } });
  assert.is(done.statusCode, 200);
});

test.run();
