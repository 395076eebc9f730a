import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coderParameterEnvName } from '../src/provider/index.js';
import { createTerraformWorkdir, type TerraformWorkdir } from '../src/provider/testing/terraform-workdir.js';
import { createSelfSignedCert } from '../src/provider/wire/self-signed-cert.js';

// The `terraform-provider-hangar` program, started by terraform itself (go-plugin handshake,
// AutoMTLS), installed the two ways a template author would: a filesystem mirror and
// dev_overrides. It runs the compiled dist/ output, which CI builds with `tsc -b` before tests.

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(PACKAGE_DIR, 'bin', 'terraform-provider-hangar.mjs');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };
const PLATFORM = `${process.platform}_${GO_ARCH[process.arch] ?? process.arch}`;
const COOKIE = { TF_PLUGIN_MAGIC_COOKIE: 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2' };

function requireBuild(): void {
  if (!existsSync(join(PACKAGE_DIR, 'dist', 'provider', 'standalone.js'))) {
    throw new Error(
      'dist/provider/standalone.js is missing: the standalone provider runs the compiled output. ' +
        'Build first with `node_modules/.bin/tsc -b packages/provisioner-terraform` (CI runs `tsc -b` before the tests).',
    );
  }
}

const template = (name: string) => `
terraform {
  required_providers {
    ${name} = { source = "${name}/${name}" }
  }
}
data "${name}_workspace" "me" {}
data "${name}_workspace_owner" "me" {}
data "${name}_parameter" "cpu" {
  name    = "cpu"
  type    = "number"
  default = "2"
}
resource "${name}_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
output "summary" {
  value = join(" ", [data.${name}_workspace.me.name, data.${name}_workspace.me.transition,
    data.${name}_workspace_owner.me.full_name, data.${name}_parameter.cpu.value])
}
output "init_script" { value = ${name}_agent.main.init_script }
output "token" {
  value     = ${name}_agent.main.token
  sensitive = true
}
`;

/** The resource types terraform sees under the provider `source`. */
async function servedTypes(tf: TerraformWorkdir, source: string): Promise<string[]> {
  const schema = await tf.json<{ provider_schemas: Record<string, { resource_schemas: object; data_source_schemas: object }> }>(
    ['providers', 'schema', '-json'],
  );
  const entry = Object.entries(schema.provider_schemas).find(([address]) => address.endsWith(`/${source}`))?.[1];
  return entry ? [...Object.keys(entry.resource_schemas), ...Object.keys(entry.data_source_schemas)] : [];
}

/** plan -out + apply; returns the outputs and how long each step took. */
async function planAndApply(tf: TerraformWorkdir, env: NodeJS.ProcessEnv) {
  const plan = await tf.run(['plan', '-out=tfplan', '-no-color'], env);
  assert.is(plan.code, 0, plan.stderr);
  const apply = await tf.run(['apply', '-no-color', 'tfplan'], env);
  assert.is(apply.code, 0, apply.stderr);
  const outputs = await tf.json<Record<string, { value: string }>>(['output', '-json'], env);
  return { outputs, planMs: plan.ms, applyMs: apply.ms };
}

test('installed from a filesystem mirror, it reads the build from HANGAR_* variables', async () => {
  requireBuild();
  const tf = await createTerraformWorkdir({ 'main.tf': template('hangar') });
  try {
    // The mirror layout starts with terraform's default registry host; ask terraform for it.
    const providers = await tf.run(['providers', '-no-color']);
    const address = /provider\[([^\]]+\/hangar\/hangar)\]/.exec(providers.stdout)?.[1];
    assert.ok(address, providers.stdout + providers.stderr);
    const mirror = join(tf.dir, 'mirror');
    const packageDir = join(mirror, address, '0.1.0', PLATFORM);
    await mkdir(packageDir, { recursive: true });
    await symlink(BIN, join(packageDir, 'terraform-provider-hangar_v0.1.0'));
    await tf.write({ '.terraformrc': `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n` });

    const init = await tf.run(['init', '-no-color']);
    assert.is(init.code, 0, init.stderr);
    assert.match(init.stdout, 'Installed hangar/hangar v0.1.0');
    const types = await servedTypes(tf, 'hangar/hangar');
    assert.ok(types.includes('hangar_agent') && types.every((t) => t.startsWith('hangar_')), types.join());

    // With no variables at all, the defaults let a plain plan succeed.
    const bare = await planAndApply(tf, {});
    assert.is(bare.outputs.summary!.value, 'default start default 2');

    const timed = await planAndApply(tf, {
      HANGAR_WORKSPACE_NAME: 'laptop',
      HANGAR_WORKSPACE_TRANSITION: 'start',
      HANGAR_WORKSPACE_OWNER: 'carol',
      HANGAR_WORKSPACE_OWNER_FULL_NAME: 'Carol Jones',
      HANGAR_ACCESS_URL: 'https://hangar.internal.test',
      HANGAR_PARAMETER_CPU: '6',
    });
    assert.is(timed.outputs.summary!.value, 'laptop start Carol Jones 6');
    assert.match(timed.outputs.init_script!.value, 'https://hangar.internal.test/api/v2/agent/binary?os=linux&arch=amd64');
    assert.match(timed.outputs.token!.value, UUID);
    console.log(`    standalone: plan ${timed.planMs.toFixed(0)} ms, apply ${timed.applyMs.toFixed(0)} ms`);
  } finally {
    await tf.dispose();
  }
});

test('through dev_overrides as coder/coder, it reads Coder variables', async () => {
  requireBuild();
  const tf = await createTerraformWorkdir({ 'main.tf': template('coder') });
  try {
    const binDir = join(tf.dir, 'bin');
    await mkdir(binDir);
    await symlink(BIN, join(binDir, 'terraform-provider-coder'));
    await tf.write({ '.terraformrc': `provider_installation {\n  dev_overrides {\n    "coder/coder" = "${binDir}"\n  }\n  direct {}\n}\n` });
    const types = await servedTypes(tf, 'coder/coder');
    assert.ok(types.includes('coder_agent') && types.every((t) => t.startsWith('coder_')), types.join());
    const { outputs } = await planAndApply(tf, {
      CODER_WORKSPACE_NAME: 'coder-ws',
      CODER_WORKSPACE_TRANSITION: 'stop',
      CODER_WORKSPACE_OWNER_NAME: 'Dan Coder',
      CODER_AGENT_URL: 'http://coder.test/',
      [coderParameterEnvName('cpu')]: '8',
    });
    assert.is(outputs.summary!.value, 'coder-ws stop Dan Coder 8');
    assert.match(outputs.init_script!.value, 'http://coder.test/api/v2/agent/binary');
  } finally {
    await tf.dispose();
  }
});

/** Starts the program the way go-plugin does and collects what it prints. */
function startPlugin(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

test('without the magic cookie it exits 1 and prints nothing on stdout', async () => {
  requireBuild();
  const plugin = startPlugin({});
  assert.is(await plugin.exited, 1);
  assert.is(plugin.output().stdout, '');
  assert.match(plugin.output().stderr, 'This binary is a plugin');
});

test('the handshake line is the only stdout output, and SIGTERM removes the socket', async () => {
  requireBuild();
  const plugin = startPlugin({ ...COOKIE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: createSelfSignedCert().certPem });
  const deadline = Date.now() + 10_000;
  while (!plugin.output().stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const line = plugin.output().stdout;
  const match = /^1\|6\|unix\|(\/[^|]+)\|grpc\|([A-Za-z0-9+/]+)\n$/.exec(line);
  assert.ok(match, `unexpected handshake: ${JSON.stringify(line)} ${plugin.output().stderr}`);
  assert.ok(existsSync(match[1]!), 'the socket exists once the line is printed');
  plugin.child.kill('SIGTERM');
  assert.is(await plugin.exited, 0);
  assert.not.ok(existsSync(match[1]!));
});

test.run();
