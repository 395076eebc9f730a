import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, type Owner, setupOwner } from './support/identity-fixtures.js';

let server: TestServer;
let owner: Owner;
test.before(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
});
test.after(async () => server?.close());

/** A bad request and the field its 400 must name. */
type BadCase = [method: string, url: string, body: unknown, field: string, query?: Record<string, string>];

const cases: BadCase[] = [
  ['POST', '/api/v2/users/first', { email: 'not-an-email', username: 'a', password: 'x' }, 'email'],
  ['POST', '/api/v2/users/first', { email: 'a@example.com', username: 'a' }, 'password'],
  ['POST', '/api/v2/users/first', { email: 'a@example.com', username: 'a', password: 'x', admin: true }, 'admin'],
  ['POST', '/api/v2/users/login', { email: 'owner@example.com' }, 'password'],
  ['POST', '/api/v2/users/login', { email: 42, password: 'x' }, 'email'],
  ['GET', '/api/v2/users', undefined, 'querystring.limit', { limit: '0' }],
  ['GET', '/api/v2/users', undefined, 'querystring.offset', { offset: '-1' }],
  ['GET', '/api/v2/users', undefined, 'querystring.q', { q: 'status:asleep' }],
  ['POST', '/api/v2/users', { email: 'b@example.com', username: 'bad name!', login_type: 'none' }, 'username'],
  ['POST', '/api/v2/users', { email: 'b@example.com', username: 'bee', login_type: 'sso' }, 'login_type'],
  ['POST', '/api/v2/users', { email: 'b@example.com', username: 'bee' }, 'password'],
  ['POST', '/api/v2/users', { email: 'b@example.com', username: 'bee', login_type: 'none', password: 'Saffron-Glacier-19' }, 'password'],
  ['POST', '/api/v2/users', { email: 'b@example.com', username: 'bee', login_type: 'none', roles: { auditor: true } }, 'roles'],
  ['POST', '/api/v2/users', { email: 'b@example.com', username: 'bee', login_type: 'none', roles: ['Not A Role'] }, 'roles.0'],
  ['GET', '/api/v2/users/bad_name', undefined, 'params.user'],
  ['PUT', '/api/v2/users/me/profile', { username: '' }, 'username'],
  ['PUT', '/api/v2/users/me/profile', { avatar_url: 'javascript:alert(1)' }, 'avatar_url'],
  ['PUT', '/api/v2/users/me/password', {}, 'password'],
  ['PUT', '/api/v2/users/me/password', { old_password: 'Correct-Horse-42-Battery', password: 'abc' }, 'password'],
  ['PUT', '/api/v2/users/me/password', { password: 'Saffron-Glacier-19' }, 'old_password'],
  ['PUT', '/api/v2/users/bad_name/status/suspend', undefined, 'params.user'],
  ['PUT', '/api/v2/users/bad_name/status/activate', undefined, 'params.user'],
  ['DELETE', '/api/v2/users/bad_name', undefined, 'params.user'],
  ['GET', '/api/v2/users/bad_name/roles', undefined, 'params.user'],
  ['PUT', '/api/v2/users/me/roles', { roles: { owner: true } }, 'roles'],
  ['PUT', '/api/v2/users/me/roles', {}, 'roles'],
  ['GET', '/api/v2/users/bad_name/organizations', undefined, 'params.user'],
  ['GET', '/api/v2/users/bad_name/keys/tokens', undefined, 'params.user'],
  ['POST', '/api/v2/users/me/keys/tokens', { token_name: 'has space' }, 'token_name'],
  ['POST', '/api/v2/users/me/keys/tokens', { token_name: 'ok', lifetime_seconds: 5 }, 'lifetime_seconds'],
  ['POST', '/api/v2/users/me/keys/tokens', {}, 'token_name'],
  ['GET', '/api/v2/users/me/keys/short', undefined, 'params.keyid'],
  ['DELETE', '/api/v2/users/me/keys/short', undefined, 'params.keyid'],
  ['POST', '/api/v2/authcheck', { checks: { a: { object: {}, action: 'read' } } }, 'checks.a.object.resource_type'],
  ['POST', '/api/v2/authcheck', { checks: { 'bad name': { object: { resource_type: 'user' }, action: 'read' } } }, 'checks.bad name'],
  ['POST', '/api/v2/authcheck', {}, 'checks'],
  ['GET', '/api/v2/audit', undefined, 'querystring.date_from', { date_from: 'yesterday' }],
  ['GET', '/api/v2/audit', undefined, 'querystring.user_id', { user_id: 'not-a-uuid' }],
  ['GET', '/api/v2/audit', undefined, 'querystring.limit', { limit: '1000' }],
  ['GET', '/api/v2/audit', undefined, 'querystring.date_to', { date_from: '2026-12-05T00:00:00Z', date_to: '2026-12-01T00:00:00Z' }],
  ['POST', '/api/v2/organizations', { name: '' }, 'name'],
  ['POST', '/api/v2/organizations', { name: 'ok', colour: 'red' }, 'colour'],
  ['GET', '/api/v2/organizations/bad_name', undefined, 'params.organization'],
  ['PATCH', '/api/v2/organizations/default', { icon: { url: 'x' } }, 'icon'],
  ['PATCH', '/api/v2/organizations/default', { name: 'no spaces allowed' }, 'name'],
  ['DELETE', '/api/v2/organizations/bad_name', undefined, 'params.organization'],
  ['GET', '/api/v2/organizations/default/members', undefined, 'querystring.limit', { limit: 'many' }],
  ['GET', '/api/v2/organizations/bad_name/members/roles', undefined, 'params.organization'],
  ['POST', '/api/v2/organizations/default/members/bad_name', undefined, 'params.user'],
  ['DELETE', '/api/v2/organizations/default/members/bad_name', undefined, 'params.user'],
  ['PUT', '/api/v2/organizations/default/members/owner/roles', { roles: [1] }, 'roles.0'],
];

for (const [method, url, body, field, query] of cases) {
  test(`${method} ${url} with bad ${field} is a 400 naming ${field}`, async () => {
    const response = await call(server, method, url, { token: owner.token, body, query });
    assert.is(response.statusCode, 400, response.body);
    const fields = (response.json().validations ?? []).map((v: { field: string }) => v.field);
    assert.ok(fields.includes(field), `validations name ${field}: ${response.body}`);
  });
}

test('malformed JSON is a 400 on every body route, never a 500', async () => {
  for (const [method, url] of [['POST', '/api/v2/users/first'], ['POST', '/api/v2/users/login'], ['POST', '/api/v2/users'], ['PUT', '/api/v2/users/me/profile'], ['POST', '/api/v2/authcheck'], ['POST', '/api/v2/organizations']]) {
    const response = await server.inject({ method: method as 'POST', url, payload: '{"email": ', headers: { 'content-type': 'application/json', 'hangar-session-token': owner.token } });
    assert.is(response.statusCode, 400, `${method} ${url}`);
    assert.is(response.json().code, 'HANGAR_ERR_BODY_MALFORMED');
  }
});

test.run();
