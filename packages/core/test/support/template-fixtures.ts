import { echoProvisionerPlugin, type EchoScript, makeTemplateArchive, startTestServer, type TestServer } from '../../src/testing/index.js';
import { call } from './identity-fixtures.js';

/** A server with the echo provisioner and one in-process daemon. */
export function startTemplateServer(): Promise<TestServer> {
  return startTestServer({ plugins: [echoProvisionerPlugin()], config: { provisionerDaemons: 1 } });
}

/** Uploads an echo template archive; returns its file id (hash). */
export async function uploadEcho(server: TestServer, token: string, script: EchoScript, extra: Record<string, string> = {}): Promise<string> {
  const archive = await makeTemplateArchive({ 'echo.json': script, ...extra });
  const response = await server.inject({ method: 'POST', url: '/api/v2/files', payload: Buffer.from(archive), headers: { 'content-type': 'application/x-tar', 'hangar-session-token': token } });
  if (response.statusCode !== 201 && response.statusCode !== 200) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  return response.json().hash;
}

/** Polls a template version until its import job ends; returns the version. */
export async function waitForImport(server: TestServer, token: string, versionId: string, timeoutMs = 15_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const version = (await call(server, 'GET', `/api/v2/templateversions/${versionId}`, { token })).json();
    if (['succeeded', 'failed', 'canceled'].includes(version.job?.status)) return version;
    if (Date.now() > deadline) throw new Error(`import of ${versionId} still ${version.job?.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Uploads, creates a version and waits for its import. */
export async function importVersion(server: TestServer, token: string, organization: string, script: EchoScript, body: Record<string, unknown> = {}) {
  const fileId = await uploadEcho(server, token, script);
  const created = await call(server, 'POST', `/api/v2/organizations/${organization}/templateversions`, { token, body: { file_id: fileId, provisioner: 'echo', ...body } });
  if (created.statusCode !== 201) throw new Error(`create version: ${created.statusCode} ${created.body}`);
  return waitForImport(server, token, created.json().id);
}
