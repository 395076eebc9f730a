import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type BuildContext, definePlugin, type Provisioner, provisionerRegistryToken } from '../src/index.js';
import { makeTemplateArchive, type TestServer } from '../src/testing/index.js';
import { call, createUser, type Owner, type TestUser } from './support/identity-fixtures.js';
import { buildAndWait, createWorkspace, startWorkspaceServer, until, waitForBuild } from './support/workspace-fixtures.js';

// A provisioner that records the context of every apply and leaves "state-<n>" as its state.
const contexts: BuildContext[] = [];
const spy: Provisioner = {
  parse: async () => ({
    variables: [
      { name: 'image', type: 'string', required: false, sensitive: false, defaultValue: 'ubuntu' },
      { name: 'zone', type: 'string', required: false, sensitive: false, defaultValue: 'a' },
      { name: 'nothing', type: 'string', required: false, sensitive: false },
    ],
  }),
  plan: async () => ({
    resources: [],
    parameters: [{ name: 'size', type: 'string', mutable: true, ephemeral: false, required: false, defaultValue: 'small', options: [] }],
  }),
  apply: async ({ context }) => {
    contexts.push(context);
    return { resources: [], state: new Uint8Array(Buffer.from(`state-${context.workspace.buildNumber}`)) };
  },
};
const spyPlugin = () =>
  definePlugin({
    name: 'spy-provisioner',
    dependencies: ['provisioning'],
    register: (ctx) => ctx.resolve(provisionerRegistryToken).register('spy', spy, { hidden: true }),
  });

let server: TestServer;
let owner: Owner;
let dana: TestUser;
test.before(async () => {
  ({ server, owner } = await startWorkspaceServer({ daemons: 1, plugins: [spyPlugin()] }));
  dana = await createUser(server, owner, 'dana');
});
test.after(async () => server?.close());

test('a build gets its workspace, owner, access URL, parameters, template variables and the previous state', async () => {
  const archive = await makeTemplateArchive({ 'main.txt': 'spy' });
  const upload = await server.inject({ method: 'POST', url: '/api/v2/files', headers: { 'hangar-session-token': owner.token, 'content-type': 'application/x-tar' }, payload: Buffer.from(archive) });
  const version = (await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templateversions`, {
    token: owner.token,
    body: { file_id: upload.json().hash, provisioner: 'spy', name: 'v-spy', user_variable_values: [{ name: 'zone', value: 'b' }] },
  })).json();
  await until(async () => (await call(server, 'GET', `/api/v2/templateversions/${version.id}`, { token: owner.token })).json().job.status === 'succeeded');
  const template = (await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templates`, { token: owner.token, body: { name: 'spied', template_version_id: version.id } })).json();

  const ws = (await createWorkspace(server, owner, dana.token, { name: 'ctx', template_id: template.id, rich_parameter_values: [{ name: 'size', value: 'large' }] })).json();
  await waitForBuild(server, dana.token, ws.latest_build.id);
  const first = contexts.at(-1)!;
  assert.is(first.transition, 'start');
  assert.equal(first.workspace, {
    id: ws.id, name: 'ctx', buildNumber: 1, templateId: template.id, templateName: 'spied', templateVersionId: version.id, templateVersionName: 'v-spy', organizationId: owner.organizationId,
  });
  assert.equal(first.owner, { id: dana.id, username: 'dana', name: '', email: 'dana@example.com', groups: [] });
  assert.is(first.accessUrl, server.config.accessUrl);
  assert.equal(first.parameters, { size: 'large' });
  assert.equal(first.variables, { image: 'ubuntu', zone: 'b' }, "the admin's value, else the default; a variable with neither is absent");
  assert.is(first.priorState, undefined, 'the first build has no previous state');
  assert.is(first.previousParameters, undefined, 'nor previous parameter values');

  await buildAndWait(server, dana.token, ws.id, { transition: 'stop' });
  const second = contexts.at(-1)!;
  assert.is(second.transition, 'stop');
  assert.is(second.workspace.buildNumber, 2);
  assert.is(Buffer.from(second.priorState!).toString(), 'state-1');
  assert.equal(second.parameters, { size: 'large' });
  assert.equal(second.previousParameters, { size: 'large' }, 'the values the previous build ran with (for monotonic rules)');
});

test.run();
