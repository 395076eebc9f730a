#!/usr/bin/env node
// What the Terraform provisioner adds over terraform itself, on the starter template `local`.
//
//   hangar: provisioner.plan + provisioner.apply for a start build (serving the provider,
//           init, plan -out, show -json, graph, apply, show -json, mapping to the tree)
//   direct: the same `terraform init`, `plan -out` and `apply <plan>` run by this script, with
//           the same in-process provider attached (started before the clock starts)
//
// Each run is a fresh working directory and workspace; runs are interleaved and each side's
// median is reported with the ratio. Needs the build (`pnpm -s build`).
//
// Usage: node bench/terraform-overhead.mjs [runs=5]
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Math.max(3, Number(process.argv[2] ?? 5));
const pkg = new URL('../packages/provisioner-terraform/', import.meta.url);
let api;
try {
  api = await import(new URL('dist/index.js', pkg).href);
} catch (err) {
  console.error(`build first (pnpm -s build): ${err.message}`);
  process.exit(1);
}
const { BUNDLED_TEMPLATES_DIR, createTerraformProvisioner, serveProvider, providerContextOf } = api;

const scratch = await mkdtemp(join(tmpdir(), 'hangar-bench-tf-'));
const pluginCacheDir = join(scratch, 'plugin-cache');
const provisioner = createTerraformProvisioner({ pluginCacheDir });

function context(workspacesDir, name) {
  return {
    transition: 'start',
    accessUrl: 'http://127.0.0.1:9',
    parameters: {},
    variables: { workspaces_dir: workspacesDir },
    workspace: { id: `00000000-0000-4000-8000-${String(name).padStart(12, '0')}`, name: `bench-${name}`, buildNumber: 1, templateId: 't', templateName: 'local', templateVersionId: 'v', templateVersionName: 'v1', organizationId: 'o' },
    owner: { id: 'u', username: 'bench', name: 'Bench', email: 'bench@example.com', groups: [] },
  };
}

async function freshRun(n) {
  const job = join(scratch, `job-${n}`);
  const workspaces = join(scratch, `ws-${n}`);
  await cp(join(BUNDLED_TEMPLATES_DIR, 'local'), job, { recursive: true });
  return { job, workspaces };
}

/** Stops the agent process a run started and removes its files (not timed). */
async function cleanup({ job, workspaces }, name) {
  const pidFile = join(workspaces, 'bench', `bench-${name}`, 'agent', 'pid');
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
  if (pid > 0) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(job, { recursive: true, force: true });
  await rm(workspaces, { recursive: true, force: true });
}

async function hangarRun(n) {
  const dirs = await freshRun(n);
  const ctx = context(dirs.workspaces, n);
  const call = { directory: dirs.job, signal: new AbortController().signal, log: () => undefined, context: ctx };
  const t0 = performance.now();
  const planned = await provisioner.plan(call);
  const t1 = performance.now();
  await provisioner.apply({ ...call, plan: planned.plan });
  const t2 = performance.now();
  await cleanup(dirs, n);
  return { total: t2 - t0, plan: t1 - t0, apply: t2 - t1 };
}

function terraform(args, cwd, env) {
  return new Promise((resolve, reject) =>
    execFile('terraform', args, { cwd, env, maxBuffer: 1 << 26 }, (err, stdout, stderr) => (err ? reject(new Error(`terraform ${args[0]}: ${stderr}${stdout}`)) : resolve(stdout))),
  );
}

async function directRun(n) {
  const dirs = await freshRun(n);
  const ctx = context(dirs.workspaces, n);
  const provider = await serveProvider({ socketDir: scratch, context: providerContextOf(ctx) });
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TF_|HANGAR_|CODER_)/.test(k)));
  const env = { ...base, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', TF_VAR_workspaces_dir: dirs.workspaces, ...provider.env };
  try {
    const t0 = performance.now();
    await terraform(['init', '-input=false'], dirs.job, env);
    await terraform(['plan', '-input=false', '-out=tfplan'], dirs.job, env);
    const t1 = performance.now();
    await terraform(['apply', '-input=false', '-auto-approve', 'tfplan'], dirs.job, env);
    const t2 = performance.now();
    return { total: t2 - t0, plan: t1 - t0, apply: t2 - t1 };
  } finally {
    await provider.close();
    await cleanup(dirs, n);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  // One untimed round of each warms the file cache and loads the HCL parser and gRPC code.
  await hangarRun(1000);
  await directRun(1001);
  const hangar = [];
  const direct = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which side goes first so drift in machine load hits both.
    if (i % 2 === 0) {
      hangar.push(await hangarRun(i * 2));
      direct.push(await directRun(i * 2 + 1));
    } else {
      direct.push(await directRun(i * 2 + 1));
      hangar.push(await hangarRun(i * 2));
    }
  }
  const row = (label, xs) => {
    const m = (key) => `${(median(xs.map((x) => x[key])) / 1000).toFixed(3)} s`;
    return `| ${label} | ${m('plan')} | ${m('apply')} | ${m('total')} |`;
  };
  const ratio = median(hangar.map((x) => x.total)) / median(direct.map((x) => x.total));
  console.log(`terraform provisioner overhead, starter template "local", start build, median of ${runs} interleaved runs`);
  console.log('');
  console.log('| run | plan (init+plan) | apply | total |');
  console.log('|---|---|---|---|');
  console.log(row('terraform directly (init, plan -out, apply)', direct));
  console.log(row('Hangar provisioner (plan, apply)', hangar));
  console.log('');
  console.log(`ratio hangar/direct: ${ratio.toFixed(2)}x (Hangar adds ${((median(hangar.map((x) => x.total)) - median(direct.map((x) => x.total))) / 1000).toFixed(3)} s per start build)`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
