import { statSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveProvider, type ProviderContextInit } from '../src/provider/index.js';
import { createTerraformWorkdir } from '../src/provider/testing/terraform-workdir.js';

// Several provisioner jobs share one Node process. Each serves the provider with its own context;
// terraform runs for both at once must each see only their own build.

const TEMPLATE = `
terraform {
  required_providers {
    hangar = { source = "hangar/hangar" }
  }
}
data "hangar_workspace" "me" {}
data "hangar_workspace_owner" "me" {}
data "hangar_parameter" "image" {
  name    = "image"
  default = "ubuntu"
}
resource "hangar_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
output "summary" {
  value = join(" ", [
    data.hangar_workspace.me.name,
    data.hangar_workspace.me.transition,
    data.hangar_workspace_owner.me.name,
    data.hangar_parameter.image.value,
  ])
}
output "init_script" { value = hangar_agent.main.init_script }
`;

const job = (n: number, transition: 'start' | 'stop'): ProviderContextInit => ({
  workspace: { name: `ws-${n}`, transition, accessUrl: `https://server-${n}.test` },
  owner: { name: `user-${n}` },
  parameters: { image: `image-${n}` },
});

async function runJob(ctx: ProviderContextInit): Promise<{ summary: string; initScript: string }> {
  const tf = await createTerraformWorkdir({ 'main.tf': TEMPLATE });
  const provider = await serveProvider({ context: ctx });
  try {
    for (const args of [['plan', '-out=tfplan'], ['apply', 'tfplan']]) {
      const result = await tf.run(args, provider.env);
      assert.is(result.code, 0, result.stderr);
    }
    const outputs = await tf.json<Record<string, { value: string }>>(['output', '-json'], provider.env);
    return { summary: outputs.summary!.value, initScript: outputs.init_script!.value };
  } finally {
    await provider.close();
    await tf.dispose();
  }
}

test('concurrent jobs with different contexts each see their own build', async () => {
  const [a, b, c] = await Promise.all([runJob(job(1, 'start')), runJob(job(2, 'stop')), runJob(job(3, 'start'))]);
  assert.is(a.summary, 'ws-1 start user-1 image-1');
  assert.is(b.summary, 'ws-2 stop user-2 image-2');
  assert.is(c.summary, 'ws-3 start user-3 image-3');
  assert.match(a.initScript, 'https://server-1.test/api/v2/agent/binary');
  assert.match(b.initScript, 'https://server-2.test/api/v2/agent/binary');
  assert.not.match(a.initScript, 'server-2');
});

test('each server has its own private socket directory and reattach entry', async () => {
  const [one, two] = await Promise.all([serveProvider({ context: job(1, 'start') }), serveProvider({ context: job(2, 'start') })]);
  try {
    assert.is.not(one.dir, two.dir);
    assert.is(statSync(one.dir).mode & 0o777, 0o700);
    const reattach = JSON.parse(one.env.TF_REATTACH_PROVIDERS) as Record<string, any>;
    assert.equal(Object.keys(reattach).sort(), ['coder/coder', 'hangar/hangar']);
    for (const entry of Object.values(reattach)) {
      assert.is(entry.Test, true);
      assert.is(entry.ProtocolVersion, 6);
      assert.ok(process.kill(entry.Pid, 0), 'Pid must be a live process');
      assert.ok(String(entry.Addr.String).startsWith(one.dir));
    }
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

test('provider aliases with different url settings keep their own configuration', async () => {
  const tf = await createTerraformWorkdir({
    'main.tf': `
terraform {
  required_providers {
    hangar = { source = "hangar/hangar" }
  }
}
provider "hangar" {
  url = "https://a.test"
}
provider "hangar" {
  alias = "b"
  url   = "https://b.test"
}
resource "hangar_agent" "a" {
  os   = "linux"
  arch = "amd64"
}
resource "hangar_agent" "b" {
  provider = hangar.b
  os       = "linux"
  arch     = "arm64"
}
output "a" { value = hangar_agent.a.init_script }
output "b" { value = hangar_agent.b.init_script }
`,
  });
  const provider = await serveProvider({ context: job(1, 'start') });
  try {
    assert.is((await tf.run(['apply', '-auto-approve'], provider.env)).code, 0);
    const outputs = await tf.json<Record<string, { value: string }>>(['output', '-json'], provider.env);
    assert.match(outputs.a!.value, 'https://a.test/api/v2/agent/binary?os=linux&arch=amd64');
    assert.match(outputs.b!.value, 'https://b.test/api/v2/agent/binary?os=linux&arch=arm64');
  } finally {
    await provider.close();
    await tf.dispose();
  }
});

test.run();
