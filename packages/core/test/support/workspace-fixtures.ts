import { type HangarPlugin, inProcessDaemonsToken } from '../../src/index.js';
import { echoProvisionerPlugin, type EchoScript, makeTemplateArchive, startTestServer, type TestServer } from '../../src/testing/index.js';
import { call, type Owner, setupOwner } from './identity-fixtures.js';

/** Options of {@link startWorkspaceServer}. */
export interface WorkspaceServerOptions {
  /** In-process provisioner daemons (default 1; stop them with {@link stopDaemons} to keep jobs pending). */
  readonly daemons?: number;
  readonly listen?: boolean;
  readonly plugins?: readonly HangarPlugin[];
}

/** A test server with workspaces, the echo provisioner, daemons, and an owner signed in. */
export interface WorkspaceServer {
  readonly server: TestServer;
  readonly owner: Owner;
}

/** Boots a server for workspace tests and creates its owner. */
export async function startWorkspaceServer(options: WorkspaceServerOptions = {}): Promise<WorkspaceServer> {
  const plugins = [echoProvisionerPlugin(), ...(options.plugins ?? [])];
  const server = await startTestServer({ plugins, listen: options.listen ?? false, config: { provisionerDaemons: options.daemons ?? 1 } });
  const owner = await setupOwner(server);
  return { server, owner };
}

/** Uploads an echo script as a template archive; returns the file hash. */
export async function uploadEcho(server: TestServer, owner: Owner, script: EchoScript): Promise<string> {
  const archive = await makeTemplateArchive({ 'echo.json': script });
  const response = await server.inject({
    method: 'POST',
    url: '/api/v2/files',
    headers: { 'hangar-session-token': owner.token, 'content-type': 'application/x-tar' },
    payload: Buffer.from(archive),
  });
  if (response.statusCode >= 300) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  return response.json().hash;
}

/** Imports a template version from an echo script (for a template, or for none yet); waits for its import. */
export async function importVersion(server: TestServer, owner: Owner, script: EchoScript, templateId?: string): Promise<string> {
  const hash = await uploadEcho(server, owner, script);
  const created = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templateversions`, {
    token: owner.token,
    body: { file_id: hash, provisioner: 'echo', ...(templateId ? { template_id: templateId } : {}) },
  });
  if (created.statusCode !== 201) throw new Error(`template version: ${created.statusCode} ${created.body}`);
  const id = created.json().id;
  await until(async () => {
    const version = (await call(server, 'GET', `/api/v2/templateversions/${id}`, { token: owner.token })).json();
    return ['succeeded', 'failed', 'canceled'].includes(version.job.status);
  });
  return id;
}

/** Creates a template from an echo script; returns its id and its first version's. */
export async function createEchoTemplate(server: TestServer, owner: Owner, name: string, script: EchoScript): Promise<{ templateId: string; versionId: string }> {
  const versionId = await importVersion(server, owner, script);
  const created = await call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/templates`, { token: owner.token, body: { name, template_version_id: versionId } });
  if (created.statusCode !== 201) throw new Error(`template: ${created.statusCode} ${created.body}`);
  return { templateId: created.json().id, versionId };
}

/** Makes a version of a template its active one. */
export async function promote(server: TestServer, owner: Owner, templateId: string, versionId: string): Promise<void> {
  const response = await call(server, 'PATCH', `/api/v2/templates/${templateId}/versions`, { token: owner.token, body: { id: versionId } });
  if (response.statusCode >= 300) throw new Error(`promote: ${response.statusCode} ${response.body}`);
}

/** Stops the in-process daemons: jobs queued from now on stay pending. */
export async function stopDaemons(server: TestServer): Promise<void> {
  await server.container.resolve(inProcessDaemonsToken).stop();
}

/** Creates a workspace through the API (as `token`'s user unless `user` names another). */
export function createWorkspace(server: TestServer, owner: Owner, token: string, body: Record<string, unknown>, user = 'me') {
  return call(server, 'POST', `/api/v2/organizations/${owner.organizationId}/members/${user}/workspaces`, { token, body });
}

/** Waits for a build's job to end; returns the build. */
export async function waitForBuild(server: TestServer, token: string, buildId: string): Promise<BuildBody> {
  let build: BuildBody | undefined;
  await until(async () => {
    const response = await call(server, 'GET', `/api/v2/workspacebuilds/${buildId}`, { token });
    if (response.statusCode !== 200) throw new Error(`build ${buildId}: ${response.statusCode} ${response.body}`);
    build = response.json();
    return ['succeeded', 'failed', 'canceled'].includes(build!.job.status);
  });
  return build!;
}

/** Queues a build and waits for it. */
export async function buildAndWait(server: TestServer, token: string, workspaceId: string, body: Record<string, unknown>): Promise<BuildBody> {
  const response = await call(server, 'POST', `/api/v2/workspaces/${workspaceId}/builds`, { token, body });
  if (response.statusCode !== 201) throw new Error(`build: ${response.statusCode} ${response.body}`);
  return waitForBuild(server, token, response.json().id);
}

/** The parts of a build body tests read. */
export interface BuildBody {
  id: string;
  build_number: number;
  transition: string;
  status: string;
  template_version_id: string;
  job: { id: string; status: string; error: string | null; queue_position: number };
  resources: { name: string; type: string; persistent: boolean; agents: { name: string; apps: { slug: string }[] }[] }[];
}

/** Polls until `check` is true (at most `ms`). */
export async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Counts rows of a table matching a condition. */
export async function countRows(server: TestServer, table: string, where = 'true', bindings: unknown[] = []): Promise<number> {
  const rows = await server.database.execute<{ n: string }[]>(`select count(*) as n from ${table} where ${where}`, bindings);
  return Number(rows[0]?.n ?? 0);
}
