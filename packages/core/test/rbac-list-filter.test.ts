import { EntitySchema } from '@mikro-orm/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  authorizerToken,
  definePlugin,
  entityManagerToken,
  grantPermissions,
  listFilterSql,
  listFilterWhere,
  rbacHooksToken,
  requireSubject,
  sqlMigration,
} from '../src/index.js';
import { startTestServer, type TestServer } from '../src/testing/index.js';
import { call, createUser, type Owner, setupOwner, type TestUser } from './support/identity-fixtures.js';

interface Note {
  id: number;
  ownerId: string;
  organizationId: string;
  body: string;
}
const NoteSchema = new EntitySchema<Note>({
  name: 'TestNote',
  tableName: 'test_notes',
  properties: { id: { type: 'integer', primary: true }, ownerId: { type: 'uuid' }, organizationId: { type: 'uuid' }, body: { type: 'string', columnType: 'text' } },
});

/** A resource of a later subsystem: members read their own notes, organization admins their organization's, auditors all. */
const notesPlugin = definePlugin({
  name: 'notes-test',
  dependencies: ['rbac', 'identity'],
  register(ctx) {
    ctx.entities(NoteSchema);
    ctx.migrations(sqlMigration('20261204-9901-test-notes', 'create table test_notes (id serial primary key, owner_id uuid not null, organization_id uuid not null, body text not null)'));
    ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => {
      ctx.resolve(rbacHooksToken).resolveRoles.tap(ctx.name, (roles) => {
        let table = grantPermissions(roles, 'member', { owned: [{ resource: 'note', actions: ['read'] }] });
        table = grantPermissions(table, 'organization-admin', { organization: [{ resource: 'note', actions: '*' }] });
        return grantPermissions(table, 'auditor', { site: [{ resource: 'note', actions: ['read'] }] });
      });
    });
    ctx.route({
      method: 'GET',
      url: '/api/v2/test-notes',
      access: { action: 'read', resource: 'note' },
      summary: 'Notes the caller may read (ORM query).',
      async handler(request) {
        const filter = ctx.resolve(authorizerToken).listFilter(requireSubject(request), 'read', 'note');
        const where = listFilterWhere<Note>(filter, { owner: 'ownerId', organization: 'organizationId' });
        const [notes, count] = await request.scope.resolve(entityManagerToken).findAndCount(NoteSchema, where, { orderBy: { body: 'asc' } });
        return { notes: notes.map((n) => n.body), count };
      },
    });
    ctx.route({
      method: 'GET',
      url: '/api/v2/test-notes/sql',
      access: { action: 'read', resource: 'note' },
      summary: 'Notes the caller may read (raw SQL).',
      async handler(request) {
        const filter = ctx.resolve(authorizerToken).listFilter(requireSubject(request), 'read', 'note');
        const visible = listFilterSql(filter, { owner: 'owner_id', organization: 'organization_id' });
        const rows = await request.scope.resolve(entityManagerToken).execute<{ body: string }[]>(`select body from test_notes where ${visible.sql} order by body`, visible.params);
        return { notes: rows.map((r) => r.body) };
      },
    });
  },
});

let server: TestServer;
let owner: Owner;
let ann: TestUser;
let bob: TestUser;
let engAdmin: TestUser;
let auditor: TestUser;
test.before(async () => {
  server = await startTestServer({ plugins: [notesPlugin] });
  owner = await setupOwner(server);
  ann = await createUser(server, owner, 'ann');
  bob = await createUser(server, owner, 'bob');
  engAdmin = await createUser(server, owner, 'eng-admin');
  auditor = await createUser(server, owner, 'aud', { roles: ['auditor'] });
  const eng = (await call(server, 'POST', '/api/v2/organizations', { token: owner.token, body: { name: 'eng' } })).json().id;
  for (const user of [ann, engAdmin]) await call(server, 'POST', `/api/v2/organizations/eng/members/${user.id}`, { token: owner.token });
  await call(server, 'PUT', `/api/v2/organizations/eng/members/${engAdmin.id}/roles`, { token: owner.token, body: { roles: ['organization-admin'] } });
  const notes: [string, TestUser | Owner, string][] = [
    ['ann-default', ann, owner.organizationId],
    ['ann-eng', ann, eng],
    ['bob-default', bob, owner.organizationId],
    ['owner-eng', owner, eng],
    ['admin-default', engAdmin, owner.organizationId],
  ];
  for (const [body, user, org] of notes) await server.database.execute('insert into test_notes (owner_id, organization_id, body) values (?, ?, ?)', [user.id, org, body]);
});
test.after(async () => server?.close());

const list = async (token: string, path = '/api/v2/test-notes') => (await call(server, 'GET', path, { token })).json();

test('a member lists only their own notes, in every organization, with a matching count', async () => {
  assert.equal(await list(ann.token), { notes: ['ann-default', 'ann-eng'], count: 2 });
  assert.equal(await list(bob.token), { notes: ['bob-default'], count: 1 });
});

test("an organization admin lists all of their organization's notes plus their own elsewhere", async () => {
  assert.equal((await list(engAdmin.token)).notes, ['admin-default', 'ann-eng', 'owner-eng']);
});

test('site-wide roles list everything', async () => {
  assert.is((await list(auditor.token)).count, 5);
  assert.is((await list(owner.token)).count, 5);
});

test('the SQL form of a filter returns the same rows as the ORM form', async () => {
  for (const user of [ann, bob, engAdmin, auditor]) {
    assert.equal((await list(user.token, '/api/v2/test-notes/sql')).notes, (await list(user.token)).notes);
  }
});

test('the users list is filtered the same way: members see themselves, auditors everyone', async () => {
  const asMember = (await call(server, 'GET', '/api/v2/users', { token: bob.token })).json();
  assert.equal(asMember.users.map((u: { username: string }) => u.username), ['bob']);
  const asAuditor = (await call(server, 'GET', '/api/v2/users', { token: auditor.token })).json();
  assert.is(asAuditor.count, 5);
});

test('the organizations list is filtered: members see the organizations they belong to', async () => {
  const names = async (token: string) => (await call(server, 'GET', '/api/v2/organizations', { token })).json().map((o: { name: string }) => o.name);
  assert.equal(await names(bob.token), ['default']);
  assert.equal(await names(ann.token), ['default', 'eng']);
  assert.equal(await names(auditor.token), ['default', 'eng']);
});

test.run();
