import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scratchDirProvisionerPlugin } from '../../../examples/provisioner-scratch-dir/scratch-dir-provisioner.js';
import { makeTemplateArchive, startTestServer } from '../src/testing/index.js';
import { call, setupOwner } from './support/identity-fixtures.js';
import { waitForImport } from './support/template-fixtures.js';

test('docs/provisioners.md shows the example provisioner exactly as it is tested here', () => {
  const source = readFileSync(new URL('../../../examples/provisioner-scratch-dir/scratch-dir-provisioner.ts', import.meta.url), 'utf8');
  const docs = readFileSync(new URL('../../../docs/provisioners.md', import.meta.url), 'utf8');
  assert.ok(docs.includes(source.trim()), 'copy the example into docs/provisioners.md');
});

test('the example provisioner runs a workspace through start, stop, start and delete', async () => {
  const root = await mkdtemp(join(tmpdir(), 'scratch-root-'));
  const server = await startTestServer({ plugins: [scratchDirProvisionerPlugin()], config: { provisionerDaemons: 1 } });
  try {
    const owner = await setupOwner(server);
    const token = owner.token;
    const archive = await makeTemplateArchive({ 'scratch.json': { root } });
    const upload = await server.inject({ method: 'POST', url: '/api/v2/files', payload: Buffer.from(archive), headers: { 'content-type': 'application/x-tar', 'hangar-session-token': token } });
    const version = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templateversions`, { token, body: { file_id: upload.json().hash, provisioner: 'scratch-dir' } });
    assert.is((await waitForImport(server, token, version.json().id)).job.status, 'succeeded');
    const template = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templates`, { token, body: { name: 'scratch', template_version_id: version.json().id } });
    assert.is(template.statusCode, 201, template.body);
    const created = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/members/me/workspaces`, {
      token,
      body: { name: 'play', template_id: template.json().id, rich_parameter_values: [{ name: 'greeting', value: 'hi' }] },
    });
    assert.is(created.statusCode, 201, created.body);
    const workspace = created.json();
    const directory = join(root, 'owner', 'play');

    const settle = async () => {
      for (let i = 0; i < 400; i++) {
        const response = await call(server, 'GET', `/api/v2/workspaces/${workspace.id}`, { token });
        if (response.statusCode === 410) return 'deleted'; // a deleted workspace is gone, as in Coder
        const current = response.json();
        if (!['pending', 'starting', 'stopping', 'deleting'].includes(current.latest_build.status)) return current.latest_build.status;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the build did not finish');
    };
    const build = async (transition: string) => {
      const response = await call(server, 'POST', `/api/v2/workspaces/${workspace.id}/builds`, { token, body: { transition } });
      assert.is(response.statusCode, 201, response.body);
      return settle();
    };

    assert.is(await settle(), 'running');
    assert.ok(existsSync(directory), 'start created the directory');
    assert.is(await build('stop'), 'stopped');
    assert.ok(existsSync(directory), 'stop kept it');
    assert.is(await build('start'), 'running');
    assert.is(await build('delete'), 'deleted');
    assert.not.ok(existsSync(directory), 'delete removed it');
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

test.run();
