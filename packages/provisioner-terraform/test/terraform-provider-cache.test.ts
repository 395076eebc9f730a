import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readlink, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentPlacement, buildContext, logCollector, removeDir, templateDir, testProvisioner } from './support/terraform-fixtures.js';

// Providers other than Hangar's own come from filesystem mirrors, offline, through one plugin
// cache shared by every job. A real provider process stands in for a third-party provider: the
// standalone `terraform-provider-hangar` program, published in a mirror under `example/hangar`.

const bin = new URL('../bin/terraform-provider-hangar.mjs', import.meta.url).pathname;
const platform = `${process.platform}_${({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch}`;

const TEMPLATE = `
terraform {
  required_providers {
    hangar = { source = "example/hangar" }
  }
}
resource "hangar_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
resource "terraform_data" "machine" {
  input = hangar_agent.main.init_script
}
`;

let root: string;
let mirror: string;
let cache: string;

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hangar-tf-mirror-'));
  mirror = join(root, 'mirror');
  cache = join(root, 'cache');
  // The mirror layout starts with terraform's default registry host; ask terraform for it
  // rather than writing it down.
  const probe = await templateDir({ 'main.tf': TEMPLATE });
  const { stdout } = await promisify(execFile)('terraform', ['providers'], { cwd: probe, env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
  await removeDir(probe);
  const address = /provider\[([^\]]+\/example\/hangar)\]/.exec(stdout)?.[1];
  assert.ok(address, stdout);
  const dir = join(mirror, address!, '0.1.0', platform);
  await mkdir(dir, { recursive: true });
  await symlink(bin, join(dir, 'terraform-provider-hangar_v0.1.0'));
});
test.after(async () => removeDir(root));

test('a provider from a mirror is installed offline into the shared cache, and a second job links the cached copy', async () => {
  const provisioner = testProvisioner({ pluginCacheDir: cache, providerMirrors: [mirror] });
  const first = await templateDir({ 'main.tf': TEMPLATE });
  const second = await templateDir({ 'main.tf': TEMPLATE });
  try {
    const logs = logCollector();
    const planned = await provisioner.plan({ directory: first, signal: new AbortController().signal, log: logs.log, context: buildContext() });
    assert.equal(agentPlacement(planned.resources), { main: 'terraform_data.machine' }, logs.text());
    assert.ok(logs.lines.some((l) => l.stage === 'Setting up' && /Installing provider version: example\/hangar v0\.1\.0/.test(l.output)), logs.text());

    await provisioner.plan({ directory: second, signal: new AbortController().signal, log: logCollector().log, context: buildContext() });
    for (const dir of [first, second]) {
      const installed = join(dir, '.terraform', 'providers');
      const link = await readlink(join(installed, ...(await providerPath(installed)), platform));
      assert.ok(link.startsWith(cache), `${dir} uses the shared cache (${link})`);
    }
  } finally {
    await removeDir(first);
    await removeDir(second);
  }
});

test('without a mirror the provider cannot be installed, and init says so', async () => {
  const provisioner = testProvisioner({ pluginCacheDir: join(root, 'empty-cache') });
  const dir = await templateDir({ 'main.tf': TEMPLATE });
  try {
    const err = await provisioner.plan({ directory: dir, signal: new AbortController().signal, log: logCollector().log, context: buildContext() }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    assert.is(err?.code, 'HANGAR_ERR_TERRAFORM_INIT_FAILED');
    assert.match(err!.message, /example\/hangar/);
    assert.not.ok(existsSync(join(dir, '.terraform', 'providers')), 'nothing was downloaded');
  } finally {
    await removeDir(dir);
  }
});

/** `<host>/example/hangar/0.1.0` under `.terraform/providers`, whatever the host is. */
async function providerPath(installed: string): Promise<string[]> {
  const [host] = await readdir(installed);
  return [host!, 'example', 'hangar', '0.1.0'];
}

test.run();
