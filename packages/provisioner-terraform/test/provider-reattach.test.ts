import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveProvider, type ProviderContextInit } from '../src/provider/index.js';
import { createTerraformWorkdir, type TerraformWorkdir } from '../src/provider/testing/terraform-workdir.js';

// Plan + apply of hangar_* types against the real terraform CLI, with the provider served in
// this process (TF_REATTACH_PROVIDERS).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Resource {
  address: string;
  type: string;
  values: Record<string, any>;
}
interface StateJson {
  values: { outputs: Record<string, { value: unknown }>; root_module: { resources: Resource[] } };
}
interface PlanJson {
  resource_changes: { address: string; change: { actions: string[]; after: any; after_unknown: any; after_sensitive: any } }[];
  planned_values: { outputs: Record<string, { value: unknown }> };
}

const template = (agentOs = 'linux', startup = 'echo hello', providerBlock = '') => `
terraform {
  required_providers {
    hangar = { source = "hangar/hangar" }
  }
}
${providerBlock}
data "hangar_workspace" "me" {}
data "hangar_workspace_owner" "me" {}

data "hangar_parameter" "cpu" {
  name    = "cpu"
  type    = "number"
  default = "2"
  mutable = true
  validation {
    min = 1
    max = 16
  }
}

data "hangar_parameter" "size" {
  name    = "size"
  default = "small"
  option {
    name  = "Small"
    value = "small"
  }
  option {
    name  = "Large"
    value = "large"
  }
}

resource "hangar_agent" "main" {
  os                      = "${agentOs}"
  arch                    = "amd64"
  dir                     = "/home/dev"
  env                     = { OWNER = data.hangar_workspace_owner.me.name }
  startup_script          = "${startup}"
  startup_script_behavior = "blocking"
  connection_timeout      = 60
  metadata {
    key          = "load"
    display_name = "Load"
    script       = "cat /proc/loadavg"
    interval     = 10
  }
  display_apps {
    vscode = false
  }
}

resource "hangar_app" "code" {
  agent_id     = hangar_agent.main.id
  slug         = "code"
  display_name = "Code"
  url          = "http://localhost:8080"
  share        = "authenticated"
  subdomain    = true
  healthcheck {
    url       = "http://localhost:8080/healthz"
    interval  = 5
    threshold = 3
  }
}

resource "hangar_script" "backup" {
  agent_id     = hangar_agent.main.id
  display_name = "Backup"
  script       = "echo backup"
  cron         = "0 0 * * * *"
}

resource "hangar_env" "editor" {
  agent_id = hangar_agent.main.id
  name     = "EDITOR"
  value    = "vim"
}

# The compute resource: exists only while the workspace is started.
resource "terraform_data" "vm" {
  count = data.hangar_workspace.me.start_count
  input = { init = hangar_agent.main.init_script, token = hangar_agent.main.token }
}

resource "hangar_metadata" "vm" {
  count       = data.hangar_workspace.me.start_count
  resource_id = terraform_data.vm[0].id
  daily_cost  = 3
  item {
    key   = "cpu"
    value = data.hangar_parameter.cpu.value
  }
  item {
    key = "empty"
  }
}

output "cpu" { value = data.hangar_parameter.cpu.value }
output "size" { value = data.hangar_parameter.size.value }
output "start_count" { value = data.hangar_workspace.me.start_count }
output "workspace" { value = data.hangar_workspace.me.name }
output "access_url" { value = data.hangar_workspace.me.access_url }
`;

const context = (transition: 'start' | 'stop'): ProviderContextInit => ({
  workspace: { id: '6f1c2d1e-0000-4000-8000-000000000001', name: 'dev-ws', transition, accessUrl: 'https://hangar.test:8443' },
  owner: { name: 'alice', email: 'alice@example.com', fullName: 'Alice' },
  parameters: { cpu: '4' },
});

/** Serves the provider for one command sequence, the way a provisioner job does. */
async function withProvider<T>(ctx: ProviderContextInit, work: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const provider = await serveProvider({ context: ctx });
  try {
    return await work(provider.env);
  } finally {
    await provider.close();
  }
}

const byAddress = (state: StateJson, address: string): Resource => {
  const found = state.values.root_module.resources.find((r) => r.address === address);
  if (!found) throw new Error(`${address} not in state`);
  return found;
};

let tf: TerraformWorkdir;
test.before.each(async () => {
  tf = await createTerraformWorkdir({ 'main.tf': template() });
});
test.after.each(async () => {
  await tf.dispose();
});

test('plan shows the token as unknown and sensitive, apply stores a UUID, start_count follows the transition', async () => {
  await withProvider(context('start'), async (env) => {
    const planned = await tf.run(['plan', '-out=tfplan'], env);
    assert.is(planned.code, 0, planned.stderr);
    const plan = await tf.json<PlanJson>(['show', '-json', 'tfplan'], env);
    const agent = plan.resource_changes.find((c) => c.address === 'hangar_agent.main')!;
    assert.equal(agent.change.actions, ['create']);
    assert.is(agent.change.after_unknown.token, true);
    assert.is(agent.change.after_unknown.id, true);
    assert.is(agent.change.after_sensitive.token, true);
    assert.match(agent.change.after.init_script, 'https://hangar.test:8443/api/v2/agent/binary?os=linux&arch=amd64');
    assert.is(agent.change.after.auth, 'token');
    assert.equal(plan.planned_values.outputs.start_count!.value, 1);
    assert.equal(plan.planned_values.outputs.cpu!.value, '4', 'cpu comes from the job context');
    assert.equal(plan.planned_values.outputs.size!.value, 'small', 'size falls back to its default');

    const applied = await tf.run(['apply', 'tfplan'], env);
    assert.is(applied.code, 0, applied.stderr);
    const state = await tf.json<StateJson>(['show', '-json'], env);
    const agentState = byAddress(state, 'hangar_agent.main').values;
    assert.match(agentState.token, UUID);
    assert.match(agentState.id, UUID);
    assert.match(agentState.init_script, 'HANGAR_AGENT_URL=\'https://hangar.test:8443\'');
    assert.equal(agentState.display_apps, [
      { vscode: false, vscode_insiders: false, web_terminal: true, ssh_helper: true, port_forwarding_helper: true },
    ]);
    assert.is(agentState.metadata[0].timeout, 5, 'metadata timeout defaults to 5');
    assert.is(byAddress(state, 'hangar_app.code').values.agent_id, agentState.id);
    assert.is(byAddress(state, 'hangar_script.backup').values.run_on_start, false);
    assert.is(byAddress(state, 'hangar_env.editor').values.value, 'vim');
    const items = byAddress(state, 'hangar_metadata.vm[0]').values.item;
    assert.equal(items.map((i: { is_null: boolean }) => i.is_null), [false, true]);
    assert.is(byAddress(state, 'data.hangar_workspace_owner.me').values.email, 'alice@example.com');
    assert.is(state.values.outputs.workspace!.value, 'dev-ws');

    const again = await tf.run(['plan', '-detailed-exitcode'], env);
    assert.is(again.code, 0, `a second plan must show no changes:\n${again.stdout}${again.stderr}`);
  });

  await withProvider(context('stop'), async (env) => {
    const plan = await tf.run(['plan', '-out=tfplan'], env);
    assert.is(plan.code, 0, plan.stderr);
    const shown = await tf.json<PlanJson>(['show', '-json', 'tfplan'], env);
    assert.equal(shown.planned_values.outputs.start_count!.value, 0);
    const deleted = shown.resource_changes.filter((c) => c.change.actions.includes('delete')).map((c) => c.address);
    assert.equal(deleted.sort(), ['hangar_metadata.vm[0]', 'terraform_data.vm[0]']);
    const applied = await tf.run(['apply', 'tfplan'], env);
    assert.is(applied.code, 0, applied.stderr);
  });
});

test('an in-place update keeps the token; changing os replaces the agent with a new token', async () => {
  await withProvider(context('start'), async (env) => {
    assert.is((await tf.run(['apply', '-auto-approve'], env)).code, 0);
    const before = byAddress(await tf.json<StateJson>(['show', '-json'], env), 'hangar_agent.main').values;

    await tf.write({ 'main.tf': template('linux', 'echo changed') });
    assert.is((await tf.run(['plan', '-out=tfplan'], env)).code, 0);
    const update = await tf.json<PlanJson>(['show', '-json', 'tfplan'], env);
    assert.equal(update.resource_changes.find((c) => c.address === 'hangar_agent.main')!.change.actions, ['update']);
    assert.is((await tf.run(['apply', 'tfplan'], env)).code, 0);
    const updated = byAddress(await tf.json<StateJson>(['show', '-json'], env), 'hangar_agent.main').values;
    assert.is(updated.token, before.token);
    assert.is(updated.startup_script, 'echo changed');

    await tf.write({ 'main.tf': template('darwin', 'echo changed') });
    assert.is((await tf.run(['plan', '-out=tfplan'], env)).code, 0);
    const replace = await tf.json<PlanJson>(['show', '-json', 'tfplan'], env);
    const actions = replace.resource_changes.find((c) => c.address === 'hangar_agent.main')!.change.actions;
    assert.equal([...actions].sort(), ['create', 'delete']);
    assert.is((await tf.run(['apply', 'tfplan'], env)).code, 0);
    const replaced = byAddress(await tf.json<StateJson>(['show', '-json'], env), 'hangar_agent.main').values;
    assert.is.not(replaced.token, before.token);
    assert.match(replaced.init_script, 'os=darwin');
  });
});

test('the provider block url overrides the access URL', async () => {
  await tf.write({ 'main.tf': template('linux', 'echo hello', 'provider "hangar" {\n  url = "https://override.test"\n}') });
  await withProvider(context('start'), async (env) => {
    assert.is((await tf.run(['apply', '-auto-approve'], env)).code, 0);
    const state = await tf.json<StateJson>(['show', '-json'], env);
    assert.is(state.values.outputs.access_url!.value, 'https://override.test');
    assert.match(byAddress(state, 'hangar_agent.main').values.init_script, 'https://override.test/api/v2/agent/binary');
  });
});

test('an invalid os is an error pointing at the attribute', async () => {
  await tf.write({ 'main.tf': template('plan9') });
  await withProvider(context('start'), async (env) => {
    const plan = await tf.run(['plan', '-no-color'], env);
    assert.is(plan.code, 1);
    assert.match(plan.stderr, 'Invalid os "plan9"');
    assert.match(plan.stderr, /on main\.tf line \d+, in resource "hangar_agent" "main"/);
  });
});

test('close removes the socket directory', async () => {
  const provider = await serveProvider({ context: {} });
  assert.ok(existsSync(provider.dir));
  await provider.close();
  await provider.close();
  assert.not.ok(existsSync(provider.dir));
});

test.run();
