import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { Database } from '../database/database.js';
import type { Migration } from '../database/migration.js';
import { createLogger } from '../logging/logger.js';
import { testPostgresUrl, withDatabase } from './test-cluster.js';

/** A database of its own for one test server. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database (its connections are ended first). */
  drop(): Promise<void>;
}

/**
 * Creates a database for one test, cloned from a template that already holds the given
 * migrations (built once per migration set and cluster, under an advisory lock so parallel
 * test processes build it once). Cloning takes milliseconds; migrating would not, as the
 * schema grows.
 */
export async function createTestDatabase(migrations: readonly Migration[]): Promise<TestDatabase> {
  const baseUrl = await testPostgresUrl();
  const template = await ensureTemplate(baseUrl, migrations);
  const name = `hangar_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(baseUrl, (client) => client.query(`create database ${name} template ${template}`));
  return {
    name,
    url: withDatabase(baseUrl, name),
    drop: () => withAdmin(baseUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

async function ensureTemplate(baseUrl: string, migrations: readonly Migration[]): Promise<string> {
  const key = createHash('sha256').update(migrations.map((m) => m.name).sort().join('\n')).digest('hex').slice(0, 16);
  const template = `hangar_template_${key}`;
  return withAdmin(baseUrl, async (client) => {
    await client.query('select pg_advisory_lock(hashtext($1))', [template]);
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [template]);
      if (exists.rowCount) return template;
      const building = `${template}_building`;
      await client.query(`drop database if exists ${building} with (force)`);
      await client.query(`create database ${building}`);
      const db = await Database.open({ url: withDatabase(baseUrl, building), dataDir: '', entities: [], migrations, logger: createLogger('silent'), poolSize: 1 });
      await db.close();
      await client.query(`alter database ${building} rename to ${template}`);
      return template;
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
}

async function withAdmin<T>(baseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
