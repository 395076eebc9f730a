import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findFreePort } from '@hangar/core';
import { testPostgresUrl, withDatabase } from '@hangar/core/testing';
import pg from 'pg';

// These tests run the real `hangar` bin (built dist, as users run it) in a child process.
const bin = fileURLToPath(new URL('../bin/hangar.mjs', import.meta.url));

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, exited };
}

async function waitFor(run: Run, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = run.output().match(pattern);
    if (match) return match;
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`did not see ${pattern} in:\n${run.output()}`);
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-cli-'));
  await chmod(dir, 0o755);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('hangar server starts the embedded database, serves, and leaves no PostgreSQL behind on SIGTERM', async () => {
  const dir = await dataDir();
  const port = await findFreePort();
  const run = start(['server', '--http-address', `127.0.0.1:${port}`, '--data-dir', dir, '--log-level', 'warn']);
  try {
    const [, url] = await waitFor(run, /Hangar listening on (http:\/\/\S+)/);
    assert.is(url, `http://127.0.0.1:${port}`);
    assert.is(await (await fetch(`${url}/healthz`)).text(), 'OK');
    const postmasterPid = Number((await readFile(join(dir, 'postgres', 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    assert.ok(isAlive(postmasterPid), 'the embedded PostgreSQL runs');
    run.child.kill('SIGTERM');
    assert.is(await run.exited, 0, run.output());
    assert.match(run.output(), /shutting down gracefully/);
    assert.not.ok(isAlive(postmasterPid), 'no orphaned PostgreSQL after SIGTERM');
  } finally {
    run.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('flags can come from HANGAR_* environment variables, and --postgres-url uses that database', async () => {
  const dir = await dataDir();
  const port = await findFreePort();
  const name = `hangar_cli_${Date.now()}`;
  const base = await testPostgresUrl();
  const admin = new pg.Client({ connectionString: withDatabase(base, 'postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const run = start(['server'], {
    HANGAR_HTTP_ADDRESS: `127.0.0.1:${port}`,
    HANGAR_DATA_DIR: dir,
    HANGAR_POSTGRES_URL: withDatabase(base, name),
    HANGAR_ACCESS_URL: 'https://hangar.example.test',
    HANGAR_LOG_LEVEL: 'warn',
  });
  try {
    await waitFor(run, /Hangar listening on/);
    const info = await (await fetch(`http://127.0.0.1:${port}/api/v2/buildinfo`)).json();
    assert.is(info.access_url, 'https://hangar.example.test');
    const target = new pg.Client({ connectionString: withDatabase(base, name) });
    await target.connect();
    const migrated = await target.query('select count(*)::int as n from hangar_migrations');
    await target.end();
    assert.ok(migrated.rows[0].n >= 1, 'the server migrated the database it was given');
    run.child.kill('SIGINT');
    assert.is(await run.exited, 0);
  } finally {
    run.child.kill('SIGKILL');
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a bad flag value is a usage error (exit 2) that names the flag', async () => {
  const run = start(['server', '--http-address', 'localhost']);
  assert.is(await run.exited, 2);
  assert.match(run.output(), /--http-address.*invalid.*host:port/);
  const unknown = start(['server', '--no-such-flag']);
  assert.is(await unknown.exited, 2);
  assert.match(unknown.output(), /unknown option '--no-such-flag'/);
});

test('a port already in use is refused with a clear message before anything starts', async () => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const port = (blocker.address() as { port: number }).port;
  const dir = await dataDir();
  try {
    const run = start(['server', '--http-address', `127.0.0.1:${port}`, '--data-dir', dir]);
    assert.is(await run.exited, 1);
    assert.match(run.output(), new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
  } finally {
    blocker.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unreachable database is refused with a clear message and exit 1', async () => {
  const dir = await dataDir();
  const port = await findFreePort();
  try {
    const run = start(['server', '--http-address', `127.0.0.1:${port}`, '--data-dir', dir, '--postgres-url', 'postgres://u:pw@127.0.0.1:1/x']);
    assert.is(await run.exited, 1);
    assert.match(run.output(), /error: The database at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x cannot be reached/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
