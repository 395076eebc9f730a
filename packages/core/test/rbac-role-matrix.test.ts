import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, createUser, type Owner, setupOwner, type TestUser } from './support/identity-fixtures.js';

type Role = 'owner' | 'user-admin' | 'template-admin' | 'auditor' | 'member' | 'org-admin' | 'org-auditor';
const roles: Role[] = ['owner', 'user-admin', 'template-admin', 'auditor', 'member', 'org-admin', 'org-auditor'];

/** One endpoint of the matrix: how to call it as a role (fresh targets per call), and who is allowed. */
interface Case {
  readonly name: string;
  readonly allowed: readonly Role[];
  request(as: Role): Promise<{ method: string; url: string; body?: unknown }>;
}

let server: TestServer;
let owner: Owner;
const tokens = {} as Record<Role, string>;
let target: TestUser;
let secondOrg: string;
let counter = 0;
const fresh = async () => (await createUser(server, owner, `fresh-${++counter}`)).id;

test.before(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  tokens.owner = owner.token;
  for (const role of ['user-admin', 'template-admin', 'auditor'] as const) tokens[role] = (await createUser(server, owner, `as-${role}`, { roles: [role] })).token;
  tokens.member = (await createUser(server, owner, 'as-member')).token;
  for (const [role, orgRole] of [['org-admin', 'organization-admin'], ['org-auditor', 'organization-auditor']] as const) {
    const user = await createUser(server, owner, `as-${role}`);
    const set = await call(server, 'PUT', `/api/v2/organizations/default/members/${user.id}/roles`, { token: owner.token, body: { roles: [orgRole] } });
    assert.is(set.statusCode, 200);
    tokens[role] = user.token;
  }
  target = await createUser(server, owner, 'target');
  secondOrg = (await call(server, 'POST', '/api/v2/organizations', { token: owner.token, body: { name: 'second' } })).json().id;
});
test.after(async () => server?.close());

const everyone = roles;
const cases: Case[] = [
  { name: 'GET /users', allowed: everyone, request: async () => ({ method: 'GET', url: '/api/v2/users' }) },
  { name: 'POST /users', allowed: ['owner', 'user-admin'], request: async (as) => ({ method: 'POST', url: '/api/v2/users', body: { email: `new-${as}@example.com`, username: `new-${as}`, login_type: 'none' } }) },
  { name: 'GET /users/:user', allowed: ['owner', 'user-admin', 'template-admin', 'auditor'], request: async () => ({ method: 'GET', url: '/api/v2/users/target' }) },
  { name: 'PUT /users/:user/profile', allowed: ['owner', 'user-admin'], request: async (as) => ({ method: 'PUT', url: '/api/v2/users/target/profile', body: { name: `by ${as}` } }) },
  { name: 'PUT /users/:user/status/activate', allowed: ['owner', 'user-admin'], request: async () => ({ method: 'PUT', url: '/api/v2/users/target/status/activate' }) },
  { name: 'PUT /users/:user/roles', allowed: ['owner', 'user-admin'], request: async () => ({ method: 'PUT', url: '/api/v2/users/target/roles', body: { roles: [] } }) },
  { name: 'DELETE /users/:user', allowed: ['owner', 'user-admin'], request: async () => ({ method: 'DELETE', url: `/api/v2/users/${await fresh()}` }) },
  { name: 'GET /users/:user/keys/tokens', allowed: ['owner', 'user-admin'], request: async () => ({ method: 'GET', url: '/api/v2/users/target/keys/tokens' }) },
  { name: 'POST /users/:user/keys/tokens', allowed: ['owner'], request: async (as) => ({ method: 'POST', url: '/api/v2/users/target/keys/tokens', body: { token_name: `by-${as}` } }) },
  { name: 'GET /users/roles', allowed: everyone, request: async () => ({ method: 'GET', url: '/api/v2/users/roles' }) },
  { name: 'POST /authcheck', allowed: everyone, request: async () => ({ method: 'POST', url: '/api/v2/authcheck', body: { checks: { a: { object: { resource_type: 'user' }, action: 'read' } } } }) },
  { name: 'GET /audit', allowed: ['owner', 'auditor', 'org-admin', 'org-auditor'], request: async () => ({ method: 'GET', url: '/api/v2/audit' }) },
  { name: 'GET /organizations', allowed: everyone, request: async () => ({ method: 'GET', url: '/api/v2/organizations' }) },
  { name: 'POST /organizations', allowed: ['owner'], request: async (as) => ({ method: 'POST', url: '/api/v2/organizations', body: { name: `org-${as}` } }) },
  { name: 'GET /organizations/:org (another)', allowed: ['owner', 'user-admin', 'template-admin', 'auditor'], request: async () => ({ method: 'GET', url: `/api/v2/organizations/${secondOrg}` }) },
  { name: 'PATCH /organizations/:org', allowed: ['owner', 'org-admin'], request: async (as) => ({ method: 'PATCH', url: '/api/v2/organizations/default', body: { description: `by ${as}` } }) },
  { name: 'GET /organizations/:org/members', allowed: everyone, request: async () => ({ method: 'GET', url: '/api/v2/organizations/default/members' }) },
  { name: 'GET /organizations/:org/members/roles', allowed: everyone, request: async () => ({ method: 'GET', url: '/api/v2/organizations/default/members/roles' }) },
  { name: 'POST /organizations/:org/members/:user', allowed: ['owner', 'user-admin'], request: async () => ({ method: 'POST', url: `/api/v2/organizations/second/members/${await fresh()}` }) },
  { name: 'PUT /organizations/:org/members/:user/roles', allowed: ['owner', 'user-admin', 'org-admin'], request: async () => ({ method: 'PUT', url: '/api/v2/organizations/default/members/target/roles', body: { roles: ['organization-auditor'] } }) },
  { name: 'DELETE /organizations/:org/members/:user', allowed: ['owner', 'user-admin', 'org-admin'], request: async () => ({ method: 'DELETE', url: `/api/v2/organizations/default/members/${await fresh()}` }) },
  { name: 'DELETE /organizations/:org', allowed: ['owner'], request: async () => ({ method: 'DELETE', url: `/api/v2/organizations/${(await call(server, 'POST', '/api/v2/organizations', { token: owner.token, body: { name: `doomed-${++counter}` } })).json().id}` }) },
];

for (const c of cases) {
  test(`${c.name}: allowed for ${c.allowed.join(', ')}; refused for the rest`, async () => {
    const outcomes: string[] = [];
    for (const role of roles) {
      const { method, url, body } = await c.request(role);
      const response = await call(server, method, url, { token: tokens[role], body });
      const allowed = response.statusCode < 300;
      if (!allowed && ![403, 404].includes(response.statusCode)) outcomes.push(`${role}: unexpected ${response.statusCode} ${response.body}`);
      if (allowed !== c.allowed.includes(role)) outcomes.push(`${role}: expected ${c.allowed.includes(role) ? 'allow' : 'deny'}, got ${response.statusCode}`);
    }
    assert.equal(outcomes, []);
  });
}

test('refused mutations change nothing', async () => {
  const before = (await call(server, 'GET', '/api/v2/users/target', { token: owner.token })).json();
  await call(server, 'PUT', '/api/v2/users/target/profile', { token: tokens.member, body: { name: 'hijacked' } });
  await call(server, 'PUT', '/api/v2/users/target/roles', { token: tokens['template-admin'], body: { roles: ['owner'] } });
  const after = (await call(server, 'GET', '/api/v2/users/target', { token: owner.token })).json();
  assert.is(after.name, before.name);
  assert.equal(after.roles, before.roles);
});

test.run();
