import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Authorizer, createRbacHooks, grantPermissions, listFilterMatches, listFilterSql, listFilterWhere, type Subject } from '../src/index.js';

const orgA = '00000000-0000-4000-8000-00000000000a';
const orgB = '00000000-0000-4000-8000-00000000000b';
const subject = (id: string, roles: string[] = [], organizations: Subject['organizations'] = []): Subject => ({ id, username: id, roles: ['member', ...roles], organizations });
const authorizer = () => new Authorizer(createRbacHooks());

const owner = subject('owner', ['owner']);
const alice = subject('alice', [], [{ organizationId: orgA, roles: ['organization-member'] }]);
const orgAdmin = subject('oadmin', [], [{ organizationId: orgA, roles: ['organization-member', 'organization-admin'] }]);

test('an owner may do anything to anything', () => {
  const rbac = authorizer();
  assert.ok(rbac.can(owner, 'delete', { type: 'user', id: 'x', ownerId: 'x' }));
  assert.ok(rbac.can(owner, 'launch', { type: 'rocket' }));
});

test('a member acts on what they own, not on what others own', () => {
  const rbac = authorizer();
  assert.ok(rbac.can(alice, 'update', { type: 'user', id: 'alice', ownerId: 'alice' }));
  assert.not.ok(rbac.can(alice, 'update', { type: 'user', id: 'bob', ownerId: 'bob' }));
  assert.not.ok(rbac.can(alice, 'delete', { type: 'user', id: 'alice', ownerId: 'alice' }), 'members may not delete even themselves');
  assert.ok(rbac.can(alice, 'delete', { type: 'workspace', ownerId: 'alice', organizationId: orgA }));
});

test('an organization role applies only inside its organization', () => {
  const rbac = authorizer();
  assert.ok(rbac.can(orgAdmin, 'update', { type: 'template', organizationId: orgA }));
  assert.not.ok(rbac.can(orgAdmin, 'update', { type: 'template', organizationId: orgB }));
  assert.not.ok(rbac.can(orgAdmin, 'update', { type: 'template' }), 'an object of no organization is out of reach');
  assert.ok(rbac.can(alice, 'read', { type: 'template', organizationId: orgA }));
  assert.not.ok(rbac.can(alice, 'update', { type: 'template', organizationId: orgA }));
});

test('canAny answers whether any object of the type is within reach', () => {
  const rbac = authorizer();
  assert.ok(rbac.canAny(alice, 'read', 'user'), 'their own user');
  assert.not.ok(rbac.canAny(alice, 'create', 'user'));
  assert.ok(rbac.canAny(orgAdmin, 'read', 'audit_log'), 'their organization audit log');
  assert.not.ok(rbac.canAny(orgAdmin, 'create', 'organization'));
  assert.not.ok(rbac.canAny(alice, 'read', 'audit_log'));
});

test('unknown role names grant nothing', () => {
  assert.not.ok(authorizer().can(subject('eve', ['root']), 'read', { type: 'audit_log' }));
});

test('resolveRoles taps add roles and grant permissions', () => {
  const hooks = createRbacHooks();
  hooks.resolveRoles.tap('test', (roles) => ({
    ...grantPermissions(roles, 'member', { owned: [{ resource: 'note', actions: ['read'] }] }),
    'note-admin': { name: 'note-admin', displayName: 'Note Admin', scope: 'site', site: [{ resource: 'note', actions: '*' }] },
  }));
  const rbac = new Authorizer(hooks);
  assert.ok(rbac.can(alice, 'read', { type: 'note', ownerId: 'alice' }));
  assert.not.ok(rbac.can(alice, 'update', { type: 'note', ownerId: 'alice' }));
  assert.ok(rbac.can(subject('n', ['note-admin']), 'delete', { type: 'note', ownerId: 'x' }));
  assert.is(rbac.role('note-admin')?.displayName, 'Note Admin');
});

test('only owners hand out owner; implicit roles are never assignable; org roles need the organization', () => {
  const rbac = authorizer();
  const userAdmin = subject('ua', ['user-admin']);
  assert.ok(rbac.canAssign(userAdmin, 'auditor'));
  assert.not.ok(rbac.canAssign(userAdmin, 'owner'));
  assert.ok(rbac.canAssign(owner, 'owner'));
  assert.not.ok(rbac.canAssign(owner, 'member'));
  assert.ok(rbac.canAssign(orgAdmin, 'organization-auditor', orgA));
  assert.not.ok(rbac.canAssign(orgAdmin, 'organization-auditor', orgB));
  assert.not.ok(rbac.canAssign(orgAdmin, 'organization-auditor'));
  assert.not.ok(rbac.canAssign(alice, 'organization-auditor', orgA));
});

test('list filters match exactly the objects can() allows', () => {
  const rbac = authorizer();
  const people = [owner, alice, orgAdmin, subject('bob', ['auditor']), subject('tina', ['template-admin'], [{ organizationId: orgB, roles: ['organization-member'] }])];
  const objects = [];
  for (const ownerId of ['alice', 'oadmin', 'bob', 'zed', null]) for (const organizationId of [orgA, orgB, null]) objects.push({ ownerId, organizationId });
  for (const person of people) {
    for (const type of ['workspace', 'template', 'audit_log', 'user']) {
      const filter = rbac.listFilter(person, 'read', type);
      for (const o of objects) {
        assert.is(listFilterMatches(filter, o), rbac.can(person, 'read', { type, ...o }), `${person.id} read ${type} ${JSON.stringify(o)}`);
      }
    }
  }
});

test('a filter that allows nothing becomes a query that matches nothing', () => {
  const filter = authorizer().listFilter(alice, 'read', 'audit_log');
  assert.equal(listFilterWhere(filter, { organization: 'organizationId' }), { id: { $in: [] } });
  assert.equal(listFilterSql(filter, { organization: 'organization_id' }), { sql: 'false', params: [] });
  const own = authorizer().listFilter(alice, 'read', 'workspace');
  assert.equal(listFilterWhere(own, { owner: 'ownerId', organization: 'organizationId' }), { ownerId: 'alice' });
  const template = authorizer().listFilter(alice, 'read', 'template');
  assert.equal(listFilterSql(template, { owner: 'owner_id', organization: 'organization_id' }), { sql: '(organization_id = any(?::uuid[]))', params: [`{"${orgA}"}`] });
  assert.equal(listFilterSql(authorizer().listFilter(owner, 'read', 'workspace'), { owner: 'o' }), { sql: 'true', params: [] });
});

test.run();
