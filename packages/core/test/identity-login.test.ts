import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, cookieValue, createUser, login, type Owner, setCookies, setupOwner, strongPassword } from './support/identity-fixtures.js';

let server: TestServer;
let owner: Owner;
test.before(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
});
test.after(async () => server?.close());

test('login returns a session token of the form <id>-<secret> and sets HttpOnly SameSite=Lax cookies', async () => {
  const response = await call(server, 'POST', '/api/v2/users/login', { body: { email: owner.email, password: strongPassword } });
  assert.is(response.statusCode, 201);
  const token = response.json().session_token;
  assert.match(token, /^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/);
  const cookies = setCookies(response);
  const session = cookies.find((c) => c.startsWith('hangar_session_token='))!;
  assert.ok(session.includes('HttpOnly'));
  assert.ok(session.includes('SameSite=Lax'));
  assert.not.ok(session.includes('Secure'), 'not Secure when the access URL is http');
  assert.is(cookieValue(cookies, 'hangar_session_token'), token);
  const csrf = cookies.find((c) => c.startsWith('hangar_csrf_token='))!;
  assert.not.ok(csrf.includes('HttpOnly'), 'the CSRF cookie is readable by the page');
});

test('the session token works as Hangar-Session-Token header, Bearer header and cookie', async () => {
  const token = await login(server, owner.email);
  const viaHeader = await call(server, 'GET', '/api/v2/users/me', { token });
  const viaBearer = await call(server, 'GET', '/api/v2/users/me', { headers: { authorization: `Bearer ${token}` } });
  const viaCookie = await call(server, 'GET', '/api/v2/users/me', { headers: { cookie: `hangar_session_token=${token}` } });
  for (const response of [viaHeader, viaBearer, viaCookie]) {
    assert.is(response.statusCode, 200);
    assert.is(response.json().id, owner.id);
  }
});

test('a wrong password and an unknown email get the same 401', async () => {
  const wrong = await call(server, 'POST', '/api/v2/users/login', { body: { email: owner.email, password: 'Not-The-Password-99' } });
  const unknown = await call(server, 'POST', '/api/v2/users/login', { body: { email: 'nobody@example.com', password: strongPassword } });
  assert.is(wrong.statusCode, 401);
  assert.is(unknown.statusCode, 401);
  assert.equal(wrong.json(), unknown.json());
  assert.is(wrong.json().code, 'HANGAR_ERR_IDENTITY_LOGIN_FAILED');
  assert.equal(setCookies(wrong), [], 'no cookie on failure');
});

test('email matching at login ignores case', async () => {
  assert.ok(await login(server, owner.email.toUpperCase()));
});

test('an unknown, malformed or wrong-secret token is refused with 401', async () => {
  const token = await login(server, owner.email);
  const [id] = token.split('-');
  for (const bad of ['garbage', `${id}-${'x'.repeat(22)}`, `AAAAAAAAAA-${'y'.repeat(22)}`]) {
    const response = await call(server, 'GET', '/api/v2/users/me', { token: bad });
    assert.is(response.statusCode, 401);
    assert.is(response.json().code, 'HANGAR_ERR_IDENTITY_TOKEN_INVALID');
  }
});

test('logout deletes the session and clears the cookies', async () => {
  const token = await login(server, owner.email);
  const response = await call(server, 'POST', '/api/v2/users/logout', { token });
  assert.is(response.statusCode, 200);
  const cookies = setCookies(response);
  assert.ok(cookies.some((c) => c.startsWith('hangar_session_token=;') && c.includes('Max-Age=0')));
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token })).statusCode, 401);
  assert.is((await call(server, 'GET', '/api/v2/users/me', { token: owner.token })).statusCode, 200, 'other sessions stay');
});

test('a suspended user cannot sign in; an account without a password cannot either', async () => {
  const sam = await createUser(server, owner, 'sam', { password: strongPassword });
  assert.is((await call(server, 'PUT', `/api/v2/users/${sam.id}/status/suspend`, { token: owner.token })).statusCode, 200);
  const suspended = await call(server, 'POST', '/api/v2/users/login', { body: { email: sam.email, password: strongPassword } });
  assert.is(suspended.statusCode, 401);
  assert.is(suspended.json().code, 'HANGAR_ERR_IDENTITY_USER_SUSPENDED');
  const nopass = await createUser(server, owner, 'nopass');
  const none = await call(server, 'POST', '/api/v2/users/login', { body: { email: nopass.email, password: strongPassword } });
  assert.is(none.statusCode, 401);
  assert.is(none.json().code, 'HANGAR_ERR_IDENTITY_LOGIN_FAILED');
});

test('with an https access URL the cookies are Secure', async () => {
  const secure = await startTestServer({ config: { accessUrl: 'https://hangar.example.com' } });
  try {
    await call(secure, 'POST', '/api/v2/users/first', { body: { email: 'o@example.com', username: 'o', password: strongPassword } });
    const response = await call(secure, 'POST', '/api/v2/users/login', { body: { email: 'o@example.com', password: strongPassword } });
    for (const cookie of setCookies(response)) assert.ok(cookie.includes('; Secure'), cookie);
  } finally {
    await secure.close();
  }
});

test('GET /users/authmethods lists password login and the installed strategies', async () => {
  const methods = (await call(server, 'GET', '/api/v2/users/authmethods')).json();
  assert.equal(methods, { password: { enabled: true }, strategies: ['session-token'] });
});

test.run();
