import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EchoScript, TestServer } from '../src/testing/index.js';
import { call, createUser, type Owner, setupOwner, type TestUser } from './support/identity-fixtures.js';
import { importVersion, startTemplateServer, uploadEcho, waitForImport } from './support/template-fixtures.js';

const script: EchoScript = {
  parse: {
    logs: ['parsing'],
    readme: '# Dev box',
    variables: [
      { name: 'region', type: 'string', defaultValue: 'eu', required: false, sensitive: false },
      { name: 'api_key', type: 'string', required: true, sensitive: true },
    ],
  },
  plan: {
    start: {
      parameters: [
        { name: 'cpu', type: 'number', mutable: true, ephemeral: false, required: false, defaultValue: '2', options: [], validation: { min: 1, max: 8 } },
        { name: 'repo', type: 'string', mutable: false, ephemeral: false, required: true, options: [] },
      ],
      resources: [{ name: 'home', type: 'echo_volume' }, { name: 'dev', type: 'echo_vm', agents: [{ name: 'main' }] }],
    },
    stop: { resources: [{ name: 'home', type: 'echo_volume' }] },
  },
};

let server: TestServer;
let owner: Owner;
let member: TestUser;
let admin: TestUser;
test.before(async () => {
  server = await startTemplateServer();
  owner = await setupOwner(server);
  member = await createUser(server, owner, 'mia');
  admin = await createUser(server, owner, 'tadmin', { roles: ['template-admin'] });
});
test.after(async () => server?.close());

test('an import finds readme, variables, parameters in order, and which resources persist', async () => {
  const version = await importVersion(server, admin.token, owner.organizationId, script, { user_variable_values: [{ name: 'api_key', value: 's3cr3t' }] });
  assert.is(version.job.status, 'succeeded', version.job.error);
  assert.is(version.readme, '# Dev box');
  const parameters = (await call(server, 'GET', `/api/v2/templateversions/${version.id}/parameters`, { token: member.token })).json();
  assert.equal(parameters.map((p: { name: string }) => p.name), ['cpu', 'repo']);
  assert.is(parameters[0].validation_min, 1);
  assert.is(parameters[1].required, true);
  const resources = (await call(server, 'GET', `/api/v2/templateversions/${version.id}/resources`, { token: member.token })).json();
  assert.equal(resources.map((r: { name: string; persistent: boolean }) => [r.name, r.persistent]), [['home', true], ['dev', false]]);
  const variables = (await call(server, 'GET', `/api/v2/templateversions/${version.id}/variables`, { token: admin.token })).json();
  assert.equal(variables.find((v: { name: string }) => v.name === 'region').value, '');
  assert.equal(variables.find((v: { name: string }) => v.name === 'region').default_value, 'eu');
  const secret = variables.find((v: { name: string }) => v.name === 'api_key');
  assert.is(secret.sensitive, true);
  assert.is(secret.value, '', 'a sensitive value is never returned');
  assert.not.match(JSON.stringify(variables), /s3cr3t/);
});

test('an import log is stored and can be followed; a follower that reconnects gets only newer lines', async () => {
  const version = await importVersion(server, admin.token, owner.organizationId, { parse: { logs: ['one', 'two', 'three'] } });
  const lines = (await call(server, 'GET', `/api/v2/templateversions/${version.id}/logs`, { token: member.token })).json();
  const outputs = lines.map((l: { output: string }) => l.output);
  assert.ok(['one', 'two', 'three'].every((o) => outputs.includes(o)), `the parse lines are stored: ${outputs}`);
  const second = lines.find((l: { output: string }) => l.output === 'two');
  const followed = await server.inject({ url: `/api/v2/templateversions/${version.id}/logs?follow=true`, headers: { 'hangar-session-token': member.token, 'last-event-id': String(second.id) } });
  assert.match(followed.headers['content-type'] as string, /text\/event-stream/);
  assert.not.match(followed.body, /"output":"one"/);
  assert.not.match(followed.body, /"output":"two"/);
  assert.match(followed.body, /"output":"three"/);
  assert.match(followed.body, /event: end\ndata: \{"status":"succeeded"\}/);
});

test('an import without a value for a required variable fails with a clear message', async () => {
  const version = await importVersion(server, admin.token, owner.organizationId, script);
  assert.is(version.job.status, 'failed');
  assert.match(version.job.error, /"api_key"/);
});

test('a template is made from an imported version, listed, renamed, and versions are promoted', async () => {
  const first = await importVersion(server, admin.token, owner.organizationId, script, { user_variable_values: [{ name: 'api_key', value: 'k' }] });
  const created = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templates`, { token: admin.token, body: { name: 'dev-box', display_name: 'Dev box', template_version_id: first.id } });
  assert.is(created.statusCode, 201, created.body);
  const template = created.json();
  assert.is(template.active_version_id, first.id);

  const again = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templates`, { token: admin.token, body: { name: 'DEV-BOX', template_version_id: first.id } });
  assert.is(again.statusCode, 409, 'the version already belongs to a template');

  const listed = (await call(server, 'GET', '/api/v2/templates', { token: member.token })).json();
  assert.ok(listed.some((t: { id: string }) => t.id === template.id), 'members see their organization’s templates');

  const second = await importVersion(server, admin.token, owner.organizationId, script, { template_id: template.id, user_variable_values: [{ name: 'api_key', value: 'k' }] });
  const promoted = await call(server, 'PATCH', `/api/v2/templates/${template.id}/versions`, { token: admin.token, body: { id: second.id } });
  assert.is(promoted.statusCode, 200, promoted.body);
  assert.is(promoted.json().active_version_id, second.id);
  const versions = (await call(server, 'GET', `/api/v2/templates/${template.id}/versions`, { token: admin.token })).json();
  assert.equal(versions.map((v: { id: string }) => v.id).sort(), [first.id, second.id].sort());

  const renamed = await call(server, 'PATCH', `/api/v2/templates/${template.id}`, { token: admin.token, body: { description: 'A box for development' } });
  assert.is(renamed.json().description, 'A box for development');
  const audit = (await call(server, 'GET', '/api/v2/audit', { token: owner.token, query: { resource_type: 'template' } })).json();
  const actions = (audit.entries ?? audit.audit_logs ?? audit).map((e: { action: string }) => e.action);
  assert.ok(actions.includes('create') && actions.includes('write'), `template create and write are audited: ${actions}`);
});

test('a version whose import failed cannot become a template or be promoted', async () => {
  const failing = await importVersion(server, admin.token, owner.organizationId, { parse: { error: 'syntax error in main.tf' } });
  assert.is(failing.job.status, 'failed');
  assert.match(failing.job.error, /syntax error in main\.tf/);
  const response = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templates`, { token: admin.token, body: { name: 'broken', template_version_id: failing.id } });
  assert.is(response.statusCode, 409);
  assert.is(response.json().code, 'HANGAR_ERR_TEMPLATE_VERSION_NOT_READY');
});

test('members may read templates but not create versions or templates', async () => {
  const fileId = await uploadEcho(server, admin.token, script);
  const refused = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templateversions`, { token: member.token, body: { file_id: fileId, provisioner: 'echo' } });
  assert.is(refused.statusCode, 403);
  const upload = await server.inject({ method: 'POST', url: '/api/v2/files', payload: Buffer.from('x'), headers: { 'content-type': 'application/x-tar', 'hangar-session-token': member.token } });
  assert.is(upload.statusCode, 403, 'members cannot upload template archives');
});

test('bad input names the field and writes nothing', async () => {
  const before = await server.database.execute<{ n: number }[]>('select count(*)::int as n from hangar_template_versions');
  const unknownFile = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templateversions`, { token: admin.token, body: { file_id: 'a'.repeat(64), provisioner: 'echo' } });
  assert.is(unknownFile.statusCode, 400);
  assert.is(unknownFile.json().validations[0].field, 'file_id');
  const fileId = await uploadEcho(server, admin.token, script);
  const unknownProvisioner = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templateversions`, { token: admin.token, body: { file_id: fileId, provisioner: 'nope' } });
  assert.is(unknownProvisioner.statusCode, 400);
  assert.is(unknownProvisioner.json().validations[0].field, 'provisioner');
  const badName = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templates`, { token: admin.token, body: { name: 'no spaces allowed', template_version_id: '00000000-0000-4000-8000-000000000000' } });
  assert.is(badName.statusCode, 400);
  assert.is(badName.json().validations[0].field, 'name');
  const unknownVersion = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templates`, { token: admin.token, body: { name: 'ok', template_version_id: '00000000-0000-4000-8000-000000000000' } });
  assert.is(unknownVersion.statusCode, 400);
  assert.is(unknownVersion.json().validations[0].field, 'template_version_id');
  const unknownTemplate = await call(server, 'GET', '/api/v2/templates/00000000-0000-4000-8000-000000000000', { token: admin.token });
  assert.is(unknownTemplate.statusCode, 404);
  const unknownOrg = await call(server, 'POST', '/api/v2/organizations/nowhere/templateversions', { token: admin.token, body: { file_id: fileId, provisioner: 'echo' } });
  assert.is(unknownOrg.statusCode, 404);
  const after = await server.database.execute<{ n: number }[]>('select count(*)::int as n from hangar_template_versions');
  assert.is(after[0]!.n, before[0]!.n);
});

test('an upload of a hostile archive is refused with 400 and stores nothing', async () => {
  const evil = Buffer.alloc(1024);
  evil.write('/etc/passwd', 0);
  evil.write('0000644\0', 100);
  evil.write('ustar\x0000', 257);
  const response = await server.inject({ method: 'POST', url: '/api/v2/files', payload: evil, headers: { 'content-type': 'application/x-tar', 'hangar-session-token': admin.token } });
  assert.is(response.statusCode, 400);
  assert.is(response.json().code, 'HANGAR_ERR_FILE_ARCHIVE_INVALID');
});

test('uploading the same content twice stores it once', async () => {
  const a = await uploadEcho(server, admin.token, { parse: { readme: 'same' } });
  const b = await uploadEcho(server, admin.token, { parse: { readme: 'same' } });
  assert.is(a, b);
  const download = await server.inject({ url: `/api/v2/files/${a}`, headers: { 'hangar-session-token': admin.token } });
  assert.is(download.statusCode, 200);
  assert.is(download.headers['content-type'], 'application/x-tar');
});

test('a pending import can be canceled', async () => {
  const fileId = await uploadEcho(server, admin.token, { parse: { hang: true } });
  const created = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templateversions`, { token: admin.token, body: { file_id: fileId, provisioner: 'echo' } });
  await new Promise((r) => setTimeout(r, 200));
  const cancel = await call(server, 'PATCH', `/api/v2/templateversions/${created.json().id}/cancel`, { token: admin.token });
  assert.is(cancel.statusCode, 200);
  const version = await waitForImport(server, admin.token, created.json().id);
  assert.is(version.job.status, 'canceled');
});

test.run();
