import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addressLabel, listStarterTemplates, nearestInGraph, parseDependencyGraph, renderCliConfig, terraformEnvironment, terraformErrorCodes } from '../src/index.js';
import { decodePlanBundle, encodePlanBundle } from '../src/provisioner/plan-bundle.js';
import { stateFileResources } from '../src/provisioner/terraform-json.js';
import { splitFrontMatter } from '../src/provisioner/starter-templates.js';
import { failureReason, parseJsonLogLine } from '../src/provisioner/terraform-log.js';

// The pure parts of the provisioner, without terraform.

const DOT = `digraph {
	compound = "true"
	subgraph "root" {
		"[root] hangar_agent.main (expand)" [label = "hangar_agent.main", shape = "box"]
		"[root] terraform_data.vm (expand)" [label = "terraform_data.vm", shape = "box"]
		"[root] terraform_data.proxy (expand)" [label = "terraform_data.proxy", shape = "box"]
		"[root] terraform_data.alpha (expand)" [label = "terraform_data.alpha", shape = "box"]
		"[root] module.m.terraform_data.box (expand)" [label = "module.m.terraform_data.box", shape = "box"]
		"[root] provider[\\"registry.example/hangar/hangar\\"]" [label = "provider[\\"registry.example/hangar/hangar\\"]", shape = "diamond"]
		"[root] hangar_agent.main (expand)" -> "[root] provider[\\"registry.example/hangar/hangar\\"]"
		"[root] terraform_data.vm (expand)" -> "[root] hangar_agent.main (expand)"
		"[root] terraform_data.proxy (expand)" -> "[root] terraform_data.vm (expand)"
		"[root] module.m.var.token (expand)" -> "[root] hangar_agent.main (expand)"
		"[root] module.m.terraform_data.box (expand)" -> "[root] module.m.var.token (expand)"
		"[root] terraform_data.alpha (expand)" -> "[root] module.m.var.token (expand)"
	}
}`;

test('the DOT graph gives labels, dependencies and dependents; escaped quotes survive', () => {
  const graph = parseDependencyGraph(DOT);
  assert.equal(graph.dependenciesOf('terraform_data.vm'), ['hangar_agent.main']);
  assert.equal([...graph.dependentsOf('hangar_agent.main')].sort(), ['#[root] module.m.var.token (expand)', 'terraform_data.vm']);
  assert.ok(graph.labels().includes('provider["registry.example/hangar/hangar"]'));
});

test('the nearest dependent wins; a tie goes to the alphabetically first label; unlabelled nodes are passed through', () => {
  const graph = parseDependencyGraph(DOT);
  const resources = new Set(['terraform_data.vm', 'terraform_data.proxy', 'terraform_data.alpha', 'module.m.terraform_data.box']);
  assert.equal(nearestInGraph(graph, 'hangar_agent.main', 'dependents', (l) => resources.has(l)), { label: 'terraform_data.vm', depth: 1 });
  const notVm = (l: string) => resources.has(l) && l !== 'terraform_data.vm';
  // proxy is 2 edges away through vm; alpha and box are 2 edges away through the module variable.
  assert.equal(nearestInGraph(graph, 'hangar_agent.main', 'dependents', notVm), { label: 'module.m.terraform_data.box', depth: 2 });
  assert.is(nearestInGraph(graph, 'hangar_agent.main', 'dependents', () => false), undefined);
  assert.equal(nearestInGraph(graph, 'terraform_data.proxy', 'dependencies', (l) => l === 'hangar_agent.main'), { label: 'hangar_agent.main', depth: 2 });
});

test('address labels drop instance keys, also inside modules and quoted keys', () => {
  assert.is(addressLabel('terraform_data.vm[0]'), 'terraform_data.vm');
  assert.is(addressLabel('module.dev[1].module.home["a]b"].docker_volume.home'), 'module.dev.module.home.docker_volume.home');
  assert.is(addressLabel('hangar_agent.main'), 'hangar_agent.main');
});

test('JSON log lines become readable lines; diagnostics add where and why', () => {
  const plain = parseJsonLogLine('{"@level":"info","@message":"terraform_data.x: Creating...","type":"apply_start"}', 'Starting workspace');
  assert.equal(plain.lines, [{ level: 'info', stage: 'Starting workspace', output: 'terraform_data.x: Creating...' }]);
  assert.equal(parseJsonLogLine('{"@level":"info","@message":"Terraform 1.11.4","type":"version"}', 's').lines[0]!.level, 'debug');
  const diag = parseJsonLogLine(
    JSON.stringify({
      '@level': 'error',
      '@message': 'Error: Unsupported argument',
      type: 'diagnostic',
      diagnostic: {
        severity: 'error',
        summary: 'Unsupported argument',
        detail: 'An argument named "bogus" is not expected here.',
        range: { filename: 'main.tf', start: { line: 4 } },
        snippet: { context: 'resource "terraform_data" "x"', code: '  bogus = 1', start_line: 4 },
      },
    }),
    'Planning infrastructure',
  );
  assert.equal(diag.lines.map((l) => l.output), [
    'Error: Unsupported argument',
    '  on main.tf line 4, in resource "terraform_data" "x":',
    '  4:   bogus = 1',
    '  An argument named "bogus" is not expected here.',
  ]);
  assert.ok(diag.lines.every((l) => l.level === 'error'));
  assert.is(failureReason([diag.diagnostic!], ''), 'Unsupported argument: An argument named "bogus" is not expected here. (main.tf line 4)');
  assert.equal(parseJsonLogLine('not json \u001b[31mred\u001b[0m', 's').lines, [{ level: 'info', stage: 's', output: 'not json red' }]);
  assert.is(failureReason([], 'first\nError: flag provided but not defined\n'), 'first Error: flag provided but not defined');
});

test('a state file (format 4) gives the resources show -json would, with addresses and module paths', () => {
  const state = {
    version: 4,
    resources: [
      { mode: 'data', type: 'hangar_workspace', name: 'me', instances: [{ attributes: { start_count: 1 } }] },
      { mode: 'managed', type: 'terraform_data', name: 'vm', instances: [{ index_key: 0, attributes: { id: 'a' } }, { index_key: 1, attributes: { id: 'b' } }] },
      { module: 'module.dev["x"]', mode: 'managed', type: 'hangar_agent', name: 'main', instances: [{ attributes: { id: 'c' } }, { deposed: '00ab', attributes: { id: 'old' } }] },
    ],
  };
  const resources = stateFileResources(new TextEncoder().encode(JSON.stringify(state)))!;
  assert.equal(resources.map((r) => [r.address, r.mode, r.modulePath, r.index, r.values?.id]), [
    ['data.hangar_workspace.me', 'data', '', undefined, undefined],
    ['terraform_data.vm[0]', 'managed', '', 0, 'a'],
    ['terraform_data.vm[1]', 'managed', '', 1, 'b'],
    ['module.dev["x"].hangar_agent.main', 'managed', 'module.dev["x"]', undefined, 'c'],
  ]);
  assert.is(stateFileResources(new TextEncoder().encode('{"version":3,"modules":[]}')), undefined, 'older formats fall back to show -json');
});

test('a plan bundle round-trips and refuses foreign bytes', () => {
  const planFile = new Uint8Array([80, 75, 3, 4, 0, 255]);
  const bundle = decodePlanBundle(encodePlanBundle({ transition: 'stop', graph: 'digraph {}', planFile }));
  assert.equal(bundle, { transition: 'stop', graph: 'digraph {}', planFile });
  assert.throws(() => decodePlanBundle(planFile), /not made by the terraform provisioner/);
});

test('the CLI config lists only the allowed provider sources and refuses paths terraform would expand', () => {
  const offline = renderCliConfig({ pluginCacheDir: '/var/cache/"hangar"', providerMirrors: ['/srv/mirror'], allowProviderDownloads: false });
  assert.match(offline, /plugin_cache_dir = "\/var\/cache\/\\"hangar\\""/);
  assert.throws(() => renderCliConfig({ pluginCacheDir: '/var/$HOME', providerMirrors: [], allowProviderDownloads: false }), /contains "\$"/);
  assert.match(offline, /filesystem_mirror \{\n {4}path = "\/srv\/mirror"\n {2}\}/);
  assert.not.match(offline, /direct/);
  assert.match(renderCliConfig({ providerMirrors: [], allowProviderDownloads: true }), /direct \{\}/);
});

test("terraform's environment: automation settings, variables, none of the server's TF_/HANGAR_/CODER_ variables", () => {
  const env = terraformEnvironment({
    base: { PATH: '/bin', HOME: '/root', TF_LOG: 'TRACE', TF_VAR_secret: 'leak', HANGAR_POSTGRES_URL: 'postgres://x', CODER_AGENT_TOKEN: 't' },
    cliConfigFile: '/tmp/x/cli.tfrc',
    provider: { TF_REATTACH_PROVIDERS: '{}' },
    variables: { region: 'eu', tags: '["a"]' },
  });
  assert.equal(env, {
    PATH: '/bin',
    HOME: '/root',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: '/tmp/x/cli.tfrc',
    TF_REATTACH_PROVIDERS: '{}',
    TF_VAR_region: 'eu',
    TF_VAR_tags: '["a"]',
  });
});

test('README front matter: flat fields and lists', () => {
  const { fields, body } = splitFrontMatter('---\ndisplay_name: Docker\ntags: [docker, "container"]\nicon: "/icon/docker.svg"\n---\n# Docker\n');
  assert.equal(fields, { display_name: 'Docker', tags: ['docker', 'container'], icon: '/icon/docker.svg' });
  assert.is(body, '# Docker\n');
  assert.equal(splitFrontMatter('# No front matter'), { fields: {}, body: '# No front matter' });
});

test('starter templates are found through symlinks too (examples/templates/local links to the shipped one)', async () => {
  const examples = await listStarterTemplates(new URL('../../../examples/templates', import.meta.url).pathname);
  assert.equal(examples.map((e) => [e.id, e.name]), [['local', 'Local workspace']]);
  assert.equal(await listStarterTemplates('/nonexistent'), []);
});

test('every terraform error code is documented in docs/errors.md with its status', () => {
  const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  for (const [code, spec] of Object.entries(terraformErrorCodes)) {
    const line = docs.split('\n').find((l) => l.includes(`\`${code}\``));
    assert.ok(line && line.includes(`| ${spec.status} |`), `${code} (${spec.status}) is documented`);
  }
  const listed = [...docs.matchAll(/`(HANGAR_ERR_TERRAFORM_[A-Z0-9_]+)`/g)].map((m) => m[1]!);
  assert.equal(listed.filter((code) => !(code in terraformErrorCodes)), [], 'docs/errors.md lists no terraform code that does not exist');
});

test.run();
