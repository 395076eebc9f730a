import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildContext, LogLine, ProvisionedAgent, ProvisionedResource, WorkspaceTransition } from '@hangar/core';
import { BUNDLED_TEMPLATES_DIR, createTerraformProvisioner, type TerraformProvisionerOptions } from '../../src/index.js';

/** One provider cache for every test run, as a server shares one between jobs. */
export const sharedPluginCache = join(tmpdir(), 'hangar-test-terraform-plugin-cache');

/** A provisioner as the plugin makes it, with the shared cache. */
export function testProvisioner(options: TerraformProvisionerOptions = {}) {
  return createTerraformProvisioner({ pluginCacheDir: sharedPluginCache, ...options });
}

/** A full build context; override what the test cares about. */
export function buildContext(overrides: Partial<Omit<BuildContext, 'workspace' | 'owner'>> & {
  transition?: WorkspaceTransition;
  workspace?: Partial<BuildContext['workspace']>;
  owner?: Partial<BuildContext['owner']>;
} = {}): BuildContext {
  const { workspace, owner, ...rest } = overrides;
  return {
    transition: 'start',
    accessUrl: 'http://127.0.0.1:9',
    parameters: {},
    variables: {},
    ...rest,
    workspace: {
      id: '6f1f7b3e-0000-4000-8000-000000000001',
      name: 'dev',
      buildNumber: 1,
      templateId: '6f1f7b3e-0000-4000-8000-000000000002',
      templateName: 'local',
      templateVersionId: '6f1f7b3e-0000-4000-8000-000000000003',
      templateVersionName: 'v1',
      organizationId: '6f1f7b3e-0000-4000-8000-000000000004',
      ...workspace,
    },
    owner: {
      id: '6f1f7b3e-0000-4000-8000-000000000005',
      username: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      groups: ['everyone'],
      ...owner,
    },
  };
}

/** A log sink that keeps every line. */
export function logCollector(): { lines: LogLine[]; log: (line: LogLine) => void; text: () => string } {
  const lines: LogLine[] = [];
  return { lines, log: (line) => void lines.push(line), text: () => lines.map((l) => `[${l.level}] ${l.output}`).join('\n') };
}

/** A working directory holding `files` (a job's extracted template). */
export async function templateDir(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-tf-job-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

/** A working directory holding a copy of a shipped starter template. */
export async function starterTemplateDir(id: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-tf-job-'));
  await cp(join(BUNDLED_TEMPLATES_DIR, id), dir, { recursive: true });
  return dir;
}

/** A working directory holding a copy of `test/fixtures/<name>` (templates the tests use). */
export async function fixtureDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-tf-job-'));
  await cp(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), dir, { recursive: true });
  return dir;
}

/** Removes a directory made by the helpers above. */
export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

/** Whether a process is alive (a zombie is not). */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** The environment a process started with. */
export async function processEnv(pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(raw.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/** A resource of a tree by type and name; throws when absent. */
export function resource(tree: readonly ProvisionedResource[], type: string, name: string): ProvisionedResource {
  const found = tree.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type}.${name} in [${tree.map((r) => `${r.type}.${r.name}`).join(', ')}]`);
  return found;
}

/** Every agent of a tree, by name. */
export function agentsByName(tree: readonly ProvisionedResource[]): Record<string, ProvisionedAgent> {
  return Object.fromEntries(tree.flatMap((r) => r.agents).map((a) => [a.name, a]));
}

/** Where each agent landed: `agent → type.name`. */
export function agentPlacement(tree: readonly ProvisionedResource[]): Record<string, string> {
  return Object.fromEntries(tree.flatMap((r) => r.agents.map((a) => [a.name, `${r.modulePath ? `${r.modulePath}.` : ''}${r.type}.${r.name}`])));
}

/** Polls until `check` is true or the time is up. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
