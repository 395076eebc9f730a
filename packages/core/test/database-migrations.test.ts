import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { createHangar, definePlugin, isHangarError, sqlMigration } from '../src/index.js';
import { createTestDatabase } from '../src/testing/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A migration that fails if it ever runs twice (create table without "if not exists"),
// and that is slow enough for two boots to overlap.
const slowTable = definePlugin({
  name: 'slow-table',
  register(ctx) {
    ctx.migrations(
      sqlMigration('20990101-0001-slow-table', 'select pg_sleep(0.3); create table race_probe (id int primary key)'),
      sqlMigration('20990101-0002-slow-table-row', 'insert into race_probe (id) values (1)'),
    );
  },
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function boot(url: string, plugins = [slowTable]) {
  const dataDir = await mkdtemp(join(tmpdir(), 'hangar-mig-'));
  const hangar = await createHangar({ config: { postgresUrl: url, dataDir, logLevel: 'silent' }, plugins });
  return { hangar, dataDir };
}

test('two servers booting at once on one empty database migrate it exactly once', async () => {
  const database = await createTestDatabase([]);
  try {
    const [a, b] = await Promise.all([boot(database.url), boot(database.url)]);
    const applied = await query(database.url, "select name from hangar_migrations where name like '2099%' order by name");
    assert.equal(applied.map((r) => r.name), ['20990101-0001-slow-table', '20990101-0002-slow-table-row']);
    assert.equal(await query(database.url, 'select id from race_probe'), [{ id: 1 }]);
    for (const { hangar, dataDir } of [a, b]) {
      assert.is((await hangar.inject('/healthz')).statusCode, 200);
      await hangar.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  } finally {
    await database.drop();
  }
});

test('a failing migration rolls back every migration of that boot and names itself', async () => {
  const database = await createTestDatabase([]);
  const failing = definePlugin({
    name: 'failing',
    register(ctx) {
      ctx.migrations(
        sqlMigration('20990102-0001-good', 'create table good_table (id int)'),
        sqlMigration('20990102-0002-bad', 'create table broken (id int references nowhere(id))'),
      );
    },
  });
  try {
    await boot(database.url, [failing]);
    assert.unreachable('boot should fail');
  } catch (error) {
    assert.ok(isHangarError(error));
    assert.is(error.code, 'HANGAR_ERR_MIGRATION_FAILED');
    assert.match(error.message, /20990102-0002-bad/);
    // The cloned empty database starts with an empty bookkeeping table and nothing else.
    const tables = await query(database.url, "select tablename from pg_tables where schemaname = 'public'");
    assert.equal(tables, [{ tablename: 'hangar_migrations' }], 'no table of any migration of that boot remains');
    assert.equal(await query(database.url, 'select name from hangar_migrations'), []);
  } finally {
    await database.drop();
  }
});

test('a second boot on a migrated database applies nothing new', async () => {
  const database = await createTestDatabase([]);
  try {
    const first = await boot(database.url);
    await first.hangar.close();
    const before = await query(database.url, 'select name, applied_at from hangar_migrations order by name');
    const second = await boot(database.url);
    await second.hangar.close();
    const after = await query(database.url, 'select name, applied_at from hangar_migrations order by name');
    assert.equal(after, before);
    await rm(first.dataDir, { recursive: true, force: true });
    await rm(second.dataDir, { recursive: true, force: true });
  } finally {
    await database.drop();
  }
});

test.run();
