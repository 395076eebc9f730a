import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ProvisionedResource } from '@hangar/core';
import { BUNDLED_TEMPLATES_DIR } from '../src/index.js';
import {
  agentPlacement,
  buildContext,
  logCollector,
  processAlive,
  processEnv,
  removeDir,
  starterTemplateDir,
  testProvisioner,
  waitFor,
} from './support/terraform-fixtures.js';

// The starter template `local` with the real terraform CLI, called the way the job runner calls
// the provisioner: an import (parse, plan start, plan stop), then a workspace that goes
// start → stop → start → delete, each build's state handed to the next one.

const provisioner = testProvisioner();
let job: string;
let workspaces: string;
let lastState: Uint8Array | undefined;
const variables = () => ({ workspaces_dir: workspaces });
const workspaceDir = () => join(workspaces, 'alice', 'dev');
const agentDir = () => join(workspaceDir(), 'agent');
const names = (tree: readonly ProvisionedResource[]) => tree.map((r) => `${r.type}.${r.name}`).sort();

test.before(async () => {
  job = await starterTemplateDir('local');
  workspaces = await mkdtemp(join(tmpdir(), 'hangar-workspaces-'));
});

test.after(async () => {
  // Never leave an agent process behind, even when a test failed half-way.
  const pid = Number(await readFile(join(agentDir(), 'pid'), 'utf8').catch(() => '0'));
  if (pid > 0 && (await processAlive(pid))) process.kill(-pid, 'SIGKILL');
  await removeDir(job);
  await removeDir(workspaces);
});

async function build(transition: 'start' | 'stop' | 'delete', parameters: Record<string, string> = {}) {
  const logs = logCollector();
  const signal = new AbortController().signal;
  const context = buildContext({ transition, parameters, variables: variables(), ...(lastState ? { priorState: lastState } : {}) });
  const planned = await provisioner.plan({ directory: job, signal, log: logs.log, context });
  const applied = await provisioner.apply({ directory: job, signal, log: logs.log, context, ...(planned.plan ? { plan: planned.plan } : {}) });
  lastState = applied.state;
  return { planned, applied, logs };
}

test('examples/templates/local at the repository root is the shipped starter template', () => {
  const root = new URL('../../../examples/templates/local', import.meta.url);
  assert.ok(existsSync(root), 'examples/templates/local exists');
  assert.is(realpathSync(root), realpathSync(join(BUNDLED_TEMPLATES_DIR, 'local')), 'it is a symlink to packages/provisioner-terraform/templates/local');
  for (const name of readdirSync(join(BUNDLED_TEMPLATES_DIR, 'local'))) {
    assert.ok(statSync(join(BUNDLED_TEMPLATES_DIR, 'local', name)).isFile());
    assert.is(readFileSync(new URL(`../../../examples/templates/local/${name}`, import.meta.url), 'utf8'), readFileSync(join(BUNDLED_TEMPLATES_DIR, 'local', name), 'utf8'));
  }
});

test('importing the local template finds its variable, README, parameters and which resources persist', async () => {
  const logs = logCollector();
  const signal = new AbortController().signal;
  const parsed = await provisioner.parse({ directory: job, signal, log: logs.log });
  assert.equal(parsed.variables.map((v) => [v.name, v.type, v.defaultValue, v.required, v.sensitive]), [['workspaces_dir', 'string', '', false, false]]);
  assert.match(parsed.variables[0]!.description ?? '', /<owner>\/<workspace>/);
  assert.match(parsed.readme ?? '', /^---\ndisplay_name: Local workspace/);

  // As an import does: plan for start and for stop without parameter values or prior state.
  const context = (transition: 'start' | 'stop') => buildContext({ transition, variables: variables(), workspace: { id: '', name: 'import' }, owner: { username: 'import' } });
  const start = await provisioner.plan({ directory: job, signal, log: logs.log, context: context('start') });
  const stop = await provisioner.plan({ directory: job, signal, log: logs.log, context: context('stop') });

  assert.equal(
    start.parameters.map((p) => [p.name, p.type, p.defaultValue, p.required, p.mutable]),
    [
      ['dotfiles_url', 'string', '', false, true],
      ['cpus', 'number', '2', false, true],
    ],
  );
  assert.equal(start.parameters[0]!.validation, { regex: '^$|^(https://|git@)[A-Za-z0-9@:/._~%+-]+$', error: 'Give an https:// or git@ URL of a Git repository, or leave it empty.' });
  assert.equal(start.parameters[1]!.validation, { min: 1, max: 16 });

  assert.equal(names(start.resources), ['terraform_data.agent_process', 'terraform_data.home']);
  assert.equal(names(stop.resources), ['terraform_data.home']);
  assert.equal(agentPlacement(start.resources), { main: 'terraform_data.agent_process' });
  assert.equal(agentPlacement(stop.resources), {}, 'a stopped workspace has no agent');
  const persistent = names(start.resources).filter((n) => names(stop.resources).includes(n));
  assert.equal(persistent, ['terraform_data.home']);
  assert.equal(start.resources.find((r) => r.name === 'home')!.metadata.map((m) => m.key), ['path']);
  assert.not.ok(existsSync(workspaceDir()), 'planning creates nothing');
});

let firstToken = '';

test('start: the home directory exists and the agent process runs with its token', async () => {
  const { applied, logs } = await build('start', { cpus: '4' });
  assert.ok(statSync(join(workspaceDir(), 'home')).isDirectory(), logs.text());
  const agent = applied.resources.flatMap((r) => r.agents)[0]!;
  assert.equal(agentPlacement(applied.resources), { main: 'terraform_data.agent_process' });
  assert.match(agent.authToken ?? '', /^[0-9a-f-]{36}$/);
  assert.is(agent.env.MAKEFLAGS, '-j4', 'the parameter value reached the provider');
  assert.is(agent.directory, join(workspaceDir(), 'home'));
  firstToken = agent.authToken!;

  const pid = Number(await readFile(join(agentDir(), 'pid'), 'utf8'));
  assert.ok(await processAlive(pid), 'the agent process is running');
  assert.is((await readFile(join(agentDir(), 'token'), 'utf8')).trim(), firstToken);
  assert.is(statSync(join(agentDir(), 'token')).mode & 0o777, 0o600);
  const env = await processEnv(pid);
  assert.is(env.HANGAR_AGENT_TOKEN, firstToken, 'the process holds its token');
  assert.is(env.HOME, join(workspaceDir(), 'home'));
  assert.not.ok(Object.keys(env).some((k) => k.startsWith('TF_')), "terraform's environment stays out of the workspace");
  assert.match(await readFile(join(agentDir(), 'init.sh'), 'utf8'), /api\/v2\/agent\/binary\?os=linux/);
  assert.ok(lastState && lastState.byteLength > 0);
  await writeFile(join(workspaceDir(), 'home', 'notes.txt'), 'kept across stops');
});

test('stop: the agent process is gone, the home directory and its files stay', async () => {
  const pid = Number(await readFile(join(agentDir(), 'pid'), 'utf8'));
  const { applied } = await build('stop');
  assert.ok(await waitFor(async () => !(await processAlive(pid))), 'the agent process stopped');
  assert.not.ok(existsSync(join(agentDir(), 'pid')));
  assert.not.ok(existsSync(join(agentDir(), 'token')));
  assert.is(await readFile(join(workspaceDir(), 'home', 'notes.txt'), 'utf8'), 'kept across stops');
  assert.equal(names(applied.resources), ['terraform_data.home']);
  assert.equal(agentPlacement(applied.resources), {});
});

test('start again: a new agent process with the same token, the files still there', async () => {
  const { applied } = await build('start');
  const pid = Number(await readFile(join(agentDir(), 'pid'), 'utf8'));
  assert.ok(await processAlive(pid));
  const agent = applied.resources.flatMap((r) => r.agents)[0]!;
  assert.is(agent.authToken, firstToken, 'the agent resource survived the stop');
  assert.is((await processEnv(pid)).HANGAR_AGENT_TOKEN, firstToken);
  assert.is(agent.env.MAKEFLAGS, '-j2', 'without a value the default applies');
  assert.is(await readFile(join(workspaceDir(), 'home', 'notes.txt'), 'utf8'), 'kept across stops');
});

test('delete: the agent process stops and the workspace directory is removed', async () => {
  const pid = Number(await readFile(join(agentDir(), 'pid'), 'utf8'));
  const { planned, applied } = await build('delete');
  assert.equal(planned.resources, [], 'a delete plan leaves nothing');
  assert.equal(applied.resources, []);
  assert.ok(await waitFor(async () => !(await processAlive(pid))), 'the agent process stopped');
  assert.not.ok(existsSync(workspaceDir()), 'the workspace directory is gone');
  assert.ok(existsSync(workspaces), 'other workspaces are untouched');
  const state = JSON.parse(Buffer.from(lastState!).toString('utf8'));
  assert.equal(state.resources, [], 'the state after delete is empty');
});

test.run();
