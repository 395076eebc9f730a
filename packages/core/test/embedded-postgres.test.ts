import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHangar, EmbeddedPostgres } from '../src/index.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-embedded-'));
  await chmod(dir, 0o755); // reachable by the postgres user when tests run as root
  return dir;
}

test('without a database URL the server runs an embedded PostgreSQL and stops it on close', async () => {
  const dir = await dataDir();
  try {
    const hangar = await createHangar({ config: { dataDir: dir, logLevel: 'silent', httpAddress: '127.0.0.1:0' } });
    const pid = hangar.database.embeddedPid;
    assert.ok(pid && isAlive(pid), 'the postmaster runs');
    assert.match(hangar.database.url, /^postgres:\/\/hangar:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    assert.ok(existsSync(join(dir, 'postgres', 'data', 'PG_VERSION')), 'the cluster lives in the data dir');
    assert.is((await hangar.inject('/healthz')).body, 'OK');
    await hangar.close();
    assert.not.ok(isAlive(pid), 'no orphaned PostgreSQL after close()');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a second start on the same data dir reuses the same data', async () => {
  const dir = await dataDir();
  try {
    const first = await createHangar({ config: { dataDir: dir, logLevel: 'silent' } });
    const before = (await first.inject('/api/v2/buildinfo')).json().deployment_id;
    await first.close();
    const second = await createHangar({ config: { dataDir: dir, logLevel: 'silent' } });
    const after = (await second.inject('/api/v2/buildinfo')).json().deployment_id;
    await second.close();
    assert.is(after, before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('with a database URL nothing is embedded: the server uses that external PostgreSQL', async () => {
  const clusterDir = await dataDir();
  const dir = await dataDir();
  const external = new EmbeddedPostgres({ dir: clusterDir }); // a second, separate cluster
  try {
    const url = await external.start();
    const hangar = await createHangar({ config: { dataDir: dir, postgresUrl: url, logLevel: 'silent' } });
    assert.is(hangar.database.embeddedPid, undefined);
    assert.is(hangar.database.url, url);
    assert.not.ok(existsSync(join(dir, 'postgres')), 'no embedded cluster was created');
    const rows = await hangar.database.execute<{ count: string }[]>('select count(*)::text as count from hangar_migrations');
    assert.ok(Number(rows[0]!.count) >= 1, 'the external database was migrated');
    await hangar.close();
  } finally {
    await external.stop();
    await rm(clusterDir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unreachable external database fails boot with a clear coded error', async () => {
  const dir = await dataDir();
  try {
    await createHangar({ config: { dataDir: dir, postgresUrl: 'postgres://hangar:secret@127.0.0.1:1/hangar', logLevel: 'silent' } });
    assert.unreachable('boot should fail');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'HANGAR_ERR_DATABASE_UNREACHABLE');
    assert.match((error as Error).message, /127\.0\.0\.1:1/);
    assert.not.match((error as Error).message, /secret/, 'the password is not shown');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
