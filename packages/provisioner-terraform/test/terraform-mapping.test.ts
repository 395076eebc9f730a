import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BuildContext, PlanResult } from '@hangar/core';
import { agentPlacement, agentsByName, buildContext, fixtureDir, logCollector, removeDir, resource, templateDir, testProvisioner } from './support/terraform-fixtures.js';

// How terraform's plans and states become the neutral resource → agent → app tree, with the
// real terraform CLI: agents on their machines, apps/scripts/env on their agents (by graph edge
// while planning, by id after apply), metadata, modules, count = 0 on stop, parameters.

const provisioner = testProvisioner();
const signal = new AbortController().signal;

let multiDir: string;
let startPlan: PlanResult;
let startState: Uint8Array;

test.before(async () => {
  multiDir = await fixtureDir('multi');
});
test.after(async () => removeDir(multiDir));

const call = (directory: string, context: BuildContext) => ({ directory, signal, log: logCollector().log, context });

test('plan: several agents land on the machines that consume them, apps and scripts on their agents by graph edge', async () => {
  startPlan = await provisioner.plan(call(multiDir, buildContext()));
  const tree = startPlan.resources;
  assert.equal(agentPlacement(tree), { dev: 'terraform_data.dev_vm', db: 'terraform_data.db_vm', sidecar: 'module.sidecar[0].terraform_data.box' });
  const agents = agentsByName(tree);
  assert.equal(agents.dev!.apps.map((a) => a.slug), ['docs', 'code'], 'apps by order');
  assert.equal(agents.db!.apps.map((a) => a.slug), ['psql']);
  assert.equal(agents.sidecar!.apps.map((a) => a.slug), ['logs']);
  assert.equal(agents.db!.scripts.map((s) => [s.displayName, s.cron]), [['Backup', '0 0 3 * * *']]);
  assert.is(agents.dev!.authToken, undefined, 'tokens exist only after apply');
  assert.is(agents.dev!.id, undefined);
  assert.equal(resource(tree, 'terraform_data', 'proxy').agents, []);
  assert.ok(startPlan.plan && startPlan.plan.byteLength > 0);
});

test('plan: agent attributes, legacy startup script, env resources and display apps', () => {
  const dev = agentsByName(startPlan.resources).dev!;
  assert.is(dev.os, 'linux');
  assert.is(dev.arch, 'amd64');
  assert.is(dev.directory, '/home/dev');
  assert.is(dev.connectionTimeoutSeconds, 30);
  assert.is(dev.troubleshootingUrl, 'https://example.com/help');
  assert.equal(dev.env, { EDITOR: 'vim', GREETING: 'hello' });
  assert.equal(dev.scripts, [{ displayName: 'Startup Script', script: 'echo started', runOnStart: true, runOnStop: false, startBlocksLogin: true, timeoutSeconds: 0 }]);
  assert.equal(dev.displayApps, { vscode: false, vscodeInsiders: false, webTerminal: true, sshHelper: true, portForwardingHelper: true });
  assert.equal(dev.apps.find((a) => a.slug === 'code'), {
    slug: 'code',
    displayName: 'Code',
    url: 'http://localhost:8080',
    icon: '/icon/code.svg',
    subdomain: true,
    shareLevel: 'authenticated',
    external: false,
    order: 2,
    healthcheck: { url: 'http://localhost:8080/healthz', intervalSeconds: 5, threshold: 3 },
  });
  assert.is(dev.apps.find((a) => a.slug === 'docs')!.external, true);
});

test('plan: metadata attaches to its resource; module resources keep their module path', () => {
  const volume = resource(startPlan.resources, 'terraform_data', 'volume');
  assert.is(volume.icon, '/icon/database.svg');
  assert.is(volume.dailyCost, 3);
  assert.is(volume.hide, true);
  // The size is known only after apply.
  assert.equal(volume.metadata.map((m) => [m.key, m.sensitive]), [['size', false], ['password', true]]);
  const box = resource(startPlan.resources, 'terraform_data', 'box');
  assert.is(box.modulePath, 'module.sidecar[0]');
  assert.is(resource(startPlan.resources, 'terraform_data', 'volume').modulePath, undefined);
  assert.not.ok(startPlan.resources.some((r) => r.type.startsWith('hangar_')), 'the provider types are not resources');
});

test('apply: the same tree, now matched by ids, with tokens and metadata values', async () => {
  const applied = await provisioner.apply({ ...call(multiDir, buildContext()), plan: startPlan.plan! });
  startState = applied.state;
  const agents = agentsByName(applied.resources);
  assert.equal(agentPlacement(applied.resources), { dev: 'terraform_data.dev_vm', db: 'terraform_data.db_vm', sidecar: 'module.sidecar[0].terraform_data.box' });
  for (const agent of Object.values(agents)) {
    assert.match(agent.authToken ?? '', /^[0-9a-f-]{36}$/, `${agent.name} has a token`);
    assert.match(agent.id ?? '', /\S/);
  }
  assert.is.not(agents.dev!.authToken, agents.db!.authToken);
  assert.equal(agents.dev!.apps.map((a) => a.slug), ['docs', 'code']);
  assert.equal(agents.db!.apps.map((a) => a.slug), ['psql']);
  assert.equal(agents.db!.scripts.map((s) => s.displayName), ['Backup']);
  assert.equal(agents.dev!.env.GREETING, 'hello');
  assert.equal(resource(applied.resources, 'terraform_data', 'volume').metadata, [
    { key: 'size', value: '10GiB', sensitive: false },
    { key: 'password', value: 'hunter2', sensitive: true },
  ]);
});

test('stop: resources with count = start_count vanish, their agents with them; the rest stays', async () => {
  const context = buildContext({ transition: 'stop', priorState: startState });
  const planned = await provisioner.plan(call(multiDir, context));
  const applied = await provisioner.apply({ ...call(multiDir, context), plan: planned.plan! });
  for (const tree of [planned.resources, applied.resources]) {
    assert.equal(tree.map((r) => `${r.type}.${r.name}`), ['terraform_data.volume']);
    assert.equal(agentPlacement(tree), {});
    assert.is(tree[0]!.dailyCost, 3, 'metadata stays with the persistent resource');
  }
});

test('parameters come in declaration order with type, options and every validation kind', async () => {
  const dir = await fixtureDir('parameters');
  try {
    const planned = await provisioner.plan(call(dir, buildContext({ parameters: { repo: 'https://example.com/x.git', disk: '20', tools: '["git","vim"]' } })));
    assert.equal(planned.parameters.map((p) => p.name), ['zone', 'repo', 'disk', 'cpus', 'gpu', 'tools', 'fresh']);
    const byName = Object.fromEntries(planned.parameters.map((p) => [p.name, p]));
    assert.equal(byName.zone, {
      name: 'zone',
      displayName: 'Zone',
      description: 'Where the workspace runs.',
      type: 'string',
      mutable: false,
      ephemeral: false,
      defaultValue: 'eu',
      required: false,
      icon: '/icon/globe.svg',
      order: 3,
      options: [
        { name: 'Europe', value: 'eu', description: 'Frankfurt', icon: '/icon/eu.svg' },
        { name: 'America', value: 'us' },
      ],
    });
    assert.equal(byName.repo!.validation, { regex: '^https://', error: 'Use an https URL.' });
    assert.is(byName.repo!.required, true, 'no default: required');
    assert.is(byName.repo!.defaultValue, undefined);
    assert.equal(byName.disk!.validation, { min: 10, max: 500, monotonic: 'increasing', error: 'Between {min} and {max} GB, and never smaller than before.' });
    assert.equal(byName.cpus!.validation, { min: 1 }, 'an unset max is not reported');
    assert.is(byName.gpu!.type, 'bool');
    assert.is(byName.tools!.type, 'list(string)');
    assert.is(byName.tools!.defaultValue, '["git"]');
    assert.equal([byName.fresh!.ephemeral, byName.fresh!.mutable], [true, true]);
  } finally {
    await removeDir(dir);
  }
});

test('a Coder template (coder/coder, coder_agent, coder_app, data.coder_*) maps the same way', async () => {
  const dir = await fixtureDir('coder');
  try {
    const context = buildContext({ parameters: { cpu: '4' } });
    const planned = await provisioner.plan(call(dir, context));
    assert.equal(planned.parameters.map((p) => [p.name, p.defaultValue, p.options.map((o) => o.value)]), [['cpu', '2', ['2', '4']]]);
    assert.equal(agentPlacement(planned.resources), { main: 'terraform_data.workspace' });
    assert.equal(agentsByName(planned.resources).main!.apps.map((a) => a.slug), ['code-server']);

    const applied = await provisioner.apply({ ...call(dir, context), plan: planned.plan! });
    const main = agentsByName(applied.resources).main!;
    assert.equal(agentPlacement(applied.resources), { main: 'terraform_data.workspace' });
    assert.match(main.authToken ?? '', /^[0-9a-f-]{36}$/);
    assert.is(main.env.GIT_AUTHOR_EMAIL, 'alice@example.com', 'the owner came from the build context');
    assert.is(main.env.GIT_AUTHOR_NAME, 'Alice Liddell');
    assert.equal(main.metadata.map((m) => [m.key, m.displayName, m.intervalSeconds, m.timeoutSeconds]), [
      ['0_cpu_usage', 'CPU Usage', 10, 1],
      ['1_ram_usage', 'RAM Usage', 10, 1],
    ]);
    assert.equal(main.scripts.map((s) => [s.displayName, s.runOnStart]), [['Startup Script', true]]);
    const app = main.apps[0]!;
    assert.equal([app.url, app.shareLevel, app.subdomain, app.healthcheck?.threshold], ['http://localhost:13337/?folder=/home/alice', 'owner', false, 6]);
    const workspace = resource(applied.resources, 'terraform_data', 'workspace');
    assert.equal(workspace.metadata, [{ key: 'image', value: 'codercom/enterprise-base:ubuntu', sensitive: false }]);
  } finally {
    await removeDir(dir);
  }
});

const WHO_AM_I = `
terraform {
  required_providers {
    hangar = { source = "hangar/hangar" }
  }
}
data "hangar_workspace" "me" {}
data "hangar_workspace_owner" "me" {}
data "hangar_parameter" "size" {
  name    = "size"
  default = "small"
}
resource "hangar_agent" "main" {
  os   = "linux"
  arch = "amd64"
  env = {
    WORKSPACE = data.hangar_workspace.me.name
    OWNER     = data.hangar_workspace_owner.me.name
    SIZE      = data.hangar_parameter.size.value
  }
}
resource "terraform_data" "machine" {
  input = hangar_agent.main.token
}
`;

test('two builds at once each see their own workspace, owner and parameters', async () => {
  const dirs = await Promise.all([templateDir({ 'main.tf': WHO_AM_I }), templateDir({ 'main.tf': WHO_AM_I })]);
  try {
    const contexts = [
      buildContext({ workspace: { name: 'one' }, owner: { username: 'ann' }, parameters: { size: 'large' } }),
      buildContext({ workspace: { name: 'two' }, owner: { username: 'bob' } }),
    ];
    const trees = await Promise.all(dirs.map((dir, i) => provisioner.apply(call(dir, contexts[i]!))));
    const [one, two] = trees.map((t) => agentsByName(t.resources).main!);
    assert.equal(one!.env, { WORKSPACE: 'one', OWNER: 'ann', SIZE: 'large' });
    assert.equal(two!.env, { WORKSPACE: 'two', OWNER: 'bob', SIZE: 'small' });
    assert.is.not(one!.authToken, two!.authToken);
  } finally {
    await Promise.all(dirs.map(removeDir));
  }
});

test.run();
