import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { workspaceHooksToken } from '../src/index.js';
import type { EchoScript, TestServer } from '../src/testing/index.js';
import { call, type Owner } from './support/identity-fixtures.js';
import { buildAndWait, countRows, createEchoTemplate, createWorkspace, importVersion, startWorkspaceServer, waitForBuild } from './support/workspace-fixtures.js';

const option = (value: string) => ({ name: value.toUpperCase(), value });
const script: EchoScript = {
  plan: {
    parameters: [
      { name: 'region', type: 'string', mutable: false, ephemeral: false, required: false, defaultValue: 'eu', options: [option('eu'), option('us')] },
      { name: 'project', type: 'string', mutable: true, ephemeral: false, required: true, options: [], validation: { regex: '^[a-z]+$', error: 'Project "{value}" must be lowercase letters' } },
      { name: 'cpus', type: 'number', mutable: true, ephemeral: false, required: false, defaultValue: '2', options: [], validation: { min: 1, max: 8 } },
      { name: 'disk', type: 'number', mutable: true, ephemeral: false, required: false, defaultValue: '10', options: [], validation: { monotonic: 'increasing' } },
      { name: 'gpu', type: 'bool', mutable: true, ephemeral: false, required: false, defaultValue: 'false', options: [] },
      { name: 'tools', type: 'list(string)', mutable: true, ephemeral: false, required: false, defaultValue: '[]', options: [option('git'), option('node')] },
      { name: 'reset', type: 'bool', mutable: true, ephemeral: true, required: false, defaultValue: 'false', options: [] },
    ],
    resources: [{ name: 'dev', type: 'echo_vm' }],
  },
};

let server: TestServer;
let owner: Owner;
let templateId: string;
let versionId: string;
test.before(async () => {
  ({ server, owner } = await startWorkspaceServer({ daemons: 1 }));
  ({ templateId, versionId } = await createEchoTemplate(server, owner, 'rules', script));
});
test.after(async () => server?.close());

const tables = ['hangar_workspaces', 'hangar_workspace_builds', 'hangar_workspace_build_parameters', 'hangar_provisioner_jobs', 'hangar_audit_logs'];
const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await countRows(server, t)] as const)));
const values = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({ name, value }));
const create = (body: Record<string, unknown>) => createWorkspace(server, owner, owner.token, { template_id: templateId, ...body });

test('every parameter rule refuses a bad value with a 400 naming rich_parameter_values.N.value, and writes nothing', async () => {
  const before = await counts();
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ project: 'x', region: 'mars' }, 'rich_parameter_values.1.value', /"mars" is not one of the options/],
    [{ project: 'Bad Name' }, 'rich_parameter_values.0.value', /^Project "Bad Name" must be lowercase letters$/],
    [{ project: 'x', cpus: '0' }, 'rich_parameter_values.1.value', /at least 1/],
    [{ project: 'x', cpus: '9' }, 'rich_parameter_values.1.value', /at most 8/],
    [{ project: 'x', cpus: 'many' }, 'rich_parameter_values.1.value', /must be a number/],
    [{ project: 'x', gpu: 'yes' }, 'rich_parameter_values.1.value', /"true" or "false"/],
    [{ project: 'x', tools: 'git' }, 'rich_parameter_values.1.value', /JSON array of strings/],
    [{ project: 'x', tools: '["git","rust"]' }, 'rich_parameter_values.1.value', /"rust" is not one of the options/],
    [{ project: 'x', colour: 'red' }, 'rich_parameter_values.1.name', /is not a parameter/],
  ];
  for (const [given, field, detail] of cases) {
    const response = await create({ name: 'never', rich_parameter_values: values(given) });
    assert.is(response.statusCode, 400, JSON.stringify(given));
    const body = response.json();
    assert.is(body.validations[0].field, field, JSON.stringify(body));
    assert.match(body.validations[0].detail, detail);
  }
  const missing = await create({ name: 'never' });
  assert.is(missing.statusCode, 400);
  assert.is(missing.json().code, 'HANGAR_ERR_WORKSPACE_PARAMETER_MISSING');
  assert.match(missing.json().message, /"project"/);
  assert.equal(await counts(), before, 'no workspace, build, parameter, job or audit row was written');
});

test('bad names, unknown templates and versions, a foreign version and a failed import are clear 4xx errors that write nothing', async () => {
  const before = await counts();
  const other = await createEchoTemplate(server, owner, 'other', script);
  const broken = await importVersion(server, owner, { plan: { error: 'no such image' } }, templateId);
  const afterSetup = await counts();
  assert.ok(afterSetup.hangar_provisioner_jobs > before.hangar_provisioner_jobs);
  const cases: [Record<string, unknown>, number, string][] = [
    [{ name: 'Bad_Name' }, 400, 'HANGAR_ERR_WORKSPACE_NAME_INVALID'],
    [{ name: 'a'.repeat(33) }, 400, 'HANGAR_ERR_WORKSPACE_NAME_INVALID'],
    [{ name: 'ok', template_id: '00000000-0000-4000-8000-000000000000' }, 404, 'HANGAR_ERR_NOT_FOUND'],
    [{ name: 'ok', template_version_id: '00000000-0000-4000-8000-000000000000' }, 404, 'HANGAR_ERR_NOT_FOUND'],
    [{ name: 'ok', template_version_id: other.versionId }, 400, 'HANGAR_ERR_WORKSPACE_TEMPLATE_MISMATCH'],
    [{ name: 'ok', template_version_id: broken }, 409, 'HANGAR_ERR_WORKSPACE_VERSION_NOT_READY'],
    [{ name: 'ok', template_id: 'not-a-uuid' }, 400, 'HANGAR_ERR_VALIDATION'],
    [{ name: 'ok', surprise: true }, 400, 'HANGAR_ERR_VALIDATION'],
  ];
  for (const [body, status, code] of cases) {
    const response = await create({ rich_parameter_values: values({ project: 'x' }), ...body });
    assert.is(response.statusCode, status, `${JSON.stringify(body)} → ${response.body}`);
    assert.is(response.json().code, code);
  }
  const noTemplate = await createWorkspace(server, owner, owner.token, { name: 'ok' });
  assert.is(noTemplate.statusCode, 400);
  assert.equal(await counts(), afterSetup, 'nothing half-written');

  const ws = (await create({ name: 'taken', rich_parameter_values: values({ project: 'x' }) })).json();
  const again = await create({ name: 'taken', rich_parameter_values: values({ project: 'x' }) });
  assert.is(again.statusCode, 409);
  assert.is(again.json().code, 'HANGAR_ERR_WORKSPACE_NAME_TAKEN');
  await waitForBuild(server, owner.token, ws.latest_build.id);
  const beforeBuilds = await counts();
  for (const [body, status, code] of [
    [{ transition: 'start', template_version_id: other.versionId }, 400, 'HANGAR_ERR_WORKSPACE_TEMPLATE_MISMATCH'],
    [{ transition: 'start', template_version_id: broken }, 409, 'HANGAR_ERR_WORKSPACE_VERSION_NOT_READY'],
    [{ transition: 'start', template_version_id: '00000000-0000-4000-8000-000000000000' }, 404, 'HANGAR_ERR_NOT_FOUND'],
    [{ transition: 'restart' }, 400, 'HANGAR_ERR_VALIDATION'],
    [{ transition: 'start', rich_parameter_values: values({ cpus: '99' }) }, 400, 'HANGAR_ERR_WORKSPACE_PARAMETER_INVALID'],
  ] as const) {
    const response = await call(server, 'POST', `/api/v2/workspaces/${ws.id}/builds`, { token: owner.token, body });
    assert.is(response.statusCode, status, `${JSON.stringify(body)} → ${response.body}`);
    assert.is(response.json().code, code);
  }
  assert.equal(await counts(), beforeBuilds);
  assert.is((await call(server, 'POST', '/api/v2/workspaces/00000000-0000-4000-8000-000000000000/builds', { token: owner.token, body: { transition: 'start' } })).statusCode, 404);
});

test('immutable values cannot change after creation; ephemeral ones last one build; monotonic ones only grow', async () => {
  const ws = (await create({ name: 'params', rich_parameter_values: values({ project: 'hangar', region: 'us', disk: '20', reset: 'true' }) })).json();
  assert.is(ws.latest_build.template_version_id, versionId);
  const first = await waitForBuild(server, owner.token, ws.latest_build.id);
  const build = (body: Record<string, unknown>) => call(server, 'POST', `/api/v2/workspaces/${ws.id}/builds`, { token: owner.token, body: { transition: 'start', ...body } });
  const immutable = await build({ rich_parameter_values: values({ region: 'eu' }) });
  assert.is(immutable.statusCode, 400);
  assert.is(immutable.json().code, 'HANGAR_ERR_WORKSPACE_PARAMETER_IMMUTABLE');
  assert.equal(immutable.json().validations, [{ field: 'rich_parameter_values.0.value', detail: 'parameter "region" is immutable and was "us"' }]);
  const shrink = await build({ rich_parameter_values: values({ disk: '15' }) });
  assert.is(shrink.statusCode, 400);
  assert.match(shrink.json().validations[0].detail, /at least 20/);
  const second = await buildAndWait(server, owner.token, ws.id, { transition: 'start', rich_parameter_values: values({ region: 'us', disk: '30', tools: '["git","node"]' }) });
  const params = async (id: string) => Object.fromEntries((await call(server, 'GET', `/api/v2/workspacebuilds/${id}/parameters`, { token: owner.token })).json().map((p: { name: string; value: string }) => [p.name, p.value]));
  assert.equal(await params(first.id), { cpus: '2', disk: '20', gpu: 'false', project: 'hangar', region: 'us', reset: 'true', tools: '[]' });
  assert.equal(await params(second.id), { cpus: '2', disk: '30', gpu: 'false', project: 'hangar', region: 'us', reset: 'false', tools: '["git","node"]' });
});

test('rename checks the name and that it is free; the change is audited', async () => {
  const a = (await create({ name: 'alpha', rich_parameter_values: values({ project: 'x' }) })).json();
  await create({ name: 'beta', rich_parameter_values: values({ project: 'x' }) });
  const patch = (name: string) => call(server, 'PATCH', `/api/v2/workspaces/${a.id}`, { token: owner.token, body: { name } });
  assert.is((await patch('beta')).statusCode, 409);
  assert.is((await patch('Not OK')).json().code, 'HANGAR_ERR_WORKSPACE_NAME_INVALID');
  const renamed = await patch('gamma');
  assert.is(renamed.statusCode, 200);
  assert.is(renamed.json().name, 'gamma');
  assert.is(renamed.json().latest_build.workspace_name, 'gamma');
  const byName = await call(server, 'GET', '/api/v2/users/me/workspace/gamma', { token: owner.token });
  assert.is(byName.json().id, a.id);
  const entry = await server.database.execute<{ diff: Record<string, { old: string; new: string }> }[]>(
    "select diff from hangar_audit_logs where resource_type = 'workspace' and action = 'write' and resource_id = ?",
    [a.id],
  );
  assert.equal(entry[0]?.diff.name, { old: 'alpha', new: 'gamma', secret: false });
});

test('resolveParameters taps transform the values; what they return is checked again', async () => {
  let mode: 'off' | 'bump' | 'break' = 'off';
  server.container.resolve(workspaceHooksToken).resolveParameters.tapPromise('test', async (resolved, context) => {
    if (mode === 'bump' && context.transition === 'start') return { ...resolved, cpus: String(Number(resolved.cpus) + 1) };
    if (mode === 'break') return { ...resolved, cpus: '100' };
    return resolved;
  });
  mode = 'bump';
  const ws = (await create({ name: 'hooked', rich_parameter_values: values({ project: 'x', cpus: '3' }) })).json();
  const used = (await call(server, 'GET', `/api/v2/workspacebuilds/${ws.latest_build.id}/parameters`, { token: owner.token })).json();
  assert.is(used.find((p: { name: string }) => p.name === 'cpus').value, '4');
  mode = 'break';
  const before = await counts();
  const refused = await create({ name: 'broken-by-tap', rich_parameter_values: values({ project: 'x' }) });
  assert.is(refused.statusCode, 400);
  assert.is(refused.json().code, 'HANGAR_ERR_WORKSPACE_PARAMETER_INVALID');
  assert.equal(await counts(), before);
  mode = 'off';
});

test.run();
