import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stateOfError, TerraformError } from '../src/index.js';
import { buildContext, logCollector, removeDir, templateDir, testProvisioner, waitFor } from './support/terraform-fixtures.js';

// Failures become a clear build log and a thrown HangarError naming the problem, never a crash;
// a failed or canceled apply hands back the state terraform wrote.

const provisioner = testProvisioner({ cancelGracePeriodMs: 3000 });

const PROVIDER = `
terraform {
  required_providers {
    hangar = { source = "hangar/hangar" }
  }
}
`;

async function failure(work: () => Promise<unknown>): Promise<TerraformError> {
  try {
    await work();
  } catch (err) {
    assert.instance(err, TerraformError, String(err));
    return err as TerraformError;
  }
  throw new Error('expected a failure');
}

test('invalid HCL: parse and plan fail with the file, line and problem, in the log too', async () => {
  const dir = await templateDir({ 'main.tf': `${PROVIDER}\nresource "terraform_data" "x" {\n  input = "a"\n  bogus {\n` });
  try {
    const parseLogs = logCollector();
    const parsed = await failure(() => provisioner.parse({ directory: dir, signal: new AbortController().signal, log: parseLogs.log }));
    assert.is(parsed.code, 'HANGAR_ERR_TERRAFORM_TEMPLATE_INVALID');
    assert.match(parsed.message, /main\.tf:10.*Unclosed configuration block/);
    assert.ok(parseLogs.lines.some((l) => l.level === 'error' && /Unclosed configuration block/.test(l.output)));

    const logs = logCollector();
    const planned = await failure(() => provisioner.plan({ directory: dir, signal: new AbortController().signal, log: logs.log, context: buildContext() }));
    assert.is(planned.code, 'HANGAR_ERR_TERRAFORM_INIT_FAILED');
    assert.match(planned.message, /^terraform init failed: Unclosed configuration block: There is no closing brace .*\(main\.tf line 10\)/);
    const errors = logs.lines.filter((l) => l.level === 'error').map((l) => l.output);
    assert.ok(errors.includes('Error: Unclosed configuration block'), logs.text());
    assert.ok(errors.some((line) => line.includes('on main.tf line 10')), 'the log says where');
    assert.is(stateOfError(planned), undefined);
  } finally {
    await removeDir(dir);
  }
});

test('provider errors (a bad attribute, a parameter value that breaks its rule) fail the plan with the provider message', async () => {
  const parameter = `${PROVIDER}
data "hangar_parameter" "cpus" {
  name    = "cpus"
  type    = "number"
  default = "2"
  validation {
    min = 1
    max = 8
  }
}
`;
  const dir = await templateDir({ 'main.tf': parameter });
  try {
    const logs = logCollector();
    const context = buildContext({ parameters: { cpus: '99' } });
    const err = await failure(() => provisioner.plan({ directory: dir, signal: new AbortController().signal, log: logs.log, context }));
    assert.is(err.code, 'HANGAR_ERR_TERRAFORM_PLAN_FAILED');
    assert.match(err.message, /^terraform plan failed: Invalid value for parameter "cpus": .*8.*\(main\.tf line \d+\)$/);
    assert.ok(logs.lines.some((l) => l.level === 'error' && l.stage === 'Planning infrastructure' && l.output === 'Error: Invalid value for parameter "cpus"'), logs.text());

    await writeFile(join(dir, 'main.tf'), `${PROVIDER}\nresource "hangar_agent" "main" {\n  os   = "plan9"\n  arch = "amd64"\n}\n`);
    const os = await failure(() => provisioner.plan({ directory: dir, signal: new AbortController().signal, log: logs.log, context: buildContext() }));
    assert.is(os.code, 'HANGAR_ERR_TERRAFORM_PLAN_FAILED');
    assert.match(os.message, /plan9/);
  } finally {
    await removeDir(dir);
  }
});

test('a failing local-exec fails the apply and the error keeps the state of what was created', async () => {
  const dir = await templateDir({
    'main.tf': `
resource "terraform_data" "first" {
  input = "created"
}
resource "terraform_data" "broken" {
  depends_on = [terraform_data.first]
  provisioner "local-exec" {
    command = "echo about to fail; exit 3"
  }
}
`,
  });
  try {
    const logs = logCollector();
    const context = buildContext();
    const err = await failure(() => provisioner.apply({ directory: dir, signal: new AbortController().signal, log: logs.log, context }));
    assert.is(err.code, 'HANGAR_ERR_TERRAFORM_APPLY_FAILED');
    assert.match(err.message, /local-exec provisioner error/);
    assert.ok(logs.lines.some((l) => l.stage === 'Starting workspace' && /about to fail/.test(l.output)), 'provisioner output is in the log');
    const state = JSON.parse(Buffer.from(stateOfError(err)!).toString('utf8'));
    assert.equal(state.resources.map((r: { name: string }) => r.name).sort(), ['broken', 'first']);
    const broken = state.resources.find((r: { name: string }) => r.name === 'broken');
    assert.is(broken.instances[0].status, 'tainted', 'the next build replaces the half-made resource');
  } finally {
    await removeDir(dir);
  }
});

test('cancellation mid-apply interrupts terraform, kills what it left running and keeps the state', async () => {
  const marker = `sleep ${37 + Math.floor(Math.random() * 20)}`;
  const dir = await templateDir({
    'main.tf': `
resource "terraform_data" "first" {
  input = "created before the cancel"
}
resource "terraform_data" "slow" {
  depends_on = [terraform_data.first]
  provisioner "local-exec" {
    command = "${marker}"
  }
}
`,
  });
  try {
    const logs = logCollector();
    const controller = new AbortController();
    const context = buildContext();
    const planned = await provisioner.plan({ directory: dir, signal: controller.signal, log: logs.log, context });
    const applying = provisioner.apply({ directory: dir, signal: controller.signal, log: logs.log, context, plan: planned.plan! });
    assert.ok(await waitFor(() => logs.lines.some((l) => l.output.includes(`Executing: ["/bin/sh" "-c" "${marker}"]`)), 10_000), logs.text());
    const started = Date.now();
    controller.abort();
    const err = await failure(() => applying);
    assert.ok(Date.now() - started < 3000, 'terraform stopped within the grace period');
    assert.is(err.code, 'HANGAR_ERR_PROVISIONER_JOB_CANCELED');
    assert.ok(logs.lines.some((l) => /Interrupt received/.test(l.output)), 'terraform heard the interrupt');
    const state = JSON.parse(Buffer.from(stateOfError(err)!).toString('utf8'));
    assert.ok(state.resources.some((r: { name: string }) => r.name === 'first'), 'what was created before the cancel is in the state');
    const left = (() => {
      try {
        return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' });
      } catch {
        return '';
      }
    })();
    assert.is(left.trim(), '', `no "${marker}" left running`);
  } finally {
    await removeDir(dir);
  }
});

test('a canceled job does not start terraform at all', async () => {
  const dir = await templateDir({ 'main.tf': 'resource "terraform_data" "x" {}\n' });
  try {
    const controller = new AbortController();
    controller.abort();
    const err = await failure(() => provisioner.plan({ directory: dir, signal: controller.signal, log: logCollector().log, context: buildContext() }));
    assert.is(err.code, 'HANGAR_ERR_PROVISIONER_JOB_CANCELED');
  } finally {
    await removeDir(dir);
  }
});

test('a plan made for another transition or by something else is refused', async () => {
  const dir = await templateDir({ 'main.tf': 'resource "terraform_data" "x" {}\n' });
  try {
    const log = logCollector().log;
    const signal = new AbortController().signal;
    const planned = await provisioner.plan({ directory: dir, signal, log, context: buildContext() });
    const wrong = await failure(() => provisioner.apply({ directory: dir, signal, log, context: buildContext({ transition: 'stop' }), plan: planned.plan! }));
    assert.is(wrong.code, 'HANGAR_ERR_TERRAFORM_PLAN_INVALID');
    assert.match(wrong.message, /made for "start", not "stop"/);
    const garbage = await failure(() => provisioner.apply({ directory: dir, signal, log, context: buildContext(), plan: new Uint8Array([1, 2, 3]) }));
    assert.is(garbage.code, 'HANGAR_ERR_TERRAFORM_PLAN_INVALID');
  } finally {
    await removeDir(dir);
  }
});

test('a missing terraform executable is a coded error, not a crash', async () => {
  const dir = await templateDir({ 'main.tf': 'resource "terraform_data" "x" {}\n' });
  try {
    const broken = testProvisioner({ terraformPath: '/nonexistent/terraform' });
    const err = await failure(() => broken.plan({ directory: dir, signal: new AbortController().signal, log: logCollector().log, context: buildContext() }));
    assert.is(err.code, 'HANGAR_ERR_TERRAFORM_NOT_FOUND');
    assert.match(err.message, /ENOENT/);
  } finally {
    await removeDir(dir);
  }
});

test.run();
