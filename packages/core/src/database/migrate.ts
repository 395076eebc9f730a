import type { Connection, Transaction } from '@mikro-orm/core';
import { HangarError } from '../errors/hangar-error.js';
import type { Logger } from '../logging/logger.js';
import type { Migration } from './migration.js';

/** Key of the advisory lock that serialises migrations across replicas ("hangar" in ASCII). */
export const migrationLockKey = 0x68616e676172;

/** What {@link runMigrations} did. */
export interface MigrationResult {
  /** Names of the migrations applied by this call, in order. */
  readonly applied: string[];
}

/**
 * Applies pending migrations in name order, all inside one transaction that first takes a
 * transaction-scoped advisory lock: two replicas booting at once run them once, the second
 * waits and then finds nothing to do. A failing migration rolls every one of them back.
 */
export async function runMigrations(connection: Connection, migrations: readonly Migration[], logger?: Logger): Promise<MigrationResult> {
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  assertUniqueNames(ordered);
  return connection.transactional(async (trx: Transaction) => {
    const exec = (sql: string, bindings: readonly unknown[] = []) => connection.execute(sql, [...bindings], 'all', trx);
    await exec('select pg_advisory_xact_lock(?)', [migrationLockKey]);
    await exec(`create table if not exists hangar_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`);
    const done = new Set((await exec('select name from hangar_migrations') as { name: string }[]).map((row) => row.name));
    const applied: string[] = [];
    for (const migration of ordered) {
      if (done.has(migration.name)) continue;
      try {
        await migration.up({ execute: (sql, bindings) => exec(sql, bindings) });
      } catch (error) {
        throw new HangarError('HANGAR_ERR_MIGRATION_FAILED', { migration: migration.name }, { detail: (error as Error).message, cause: error });
      }
      await exec('insert into hangar_migrations (name) values (?)', [migration.name]);
      applied.push(migration.name);
      logger?.info({ migration: migration.name }, 'applied migration');
    }
    return { applied };
  });
}

function assertUniqueNames(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.name === migrations[i - 1]!.name) {
      throw new HangarError('HANGAR_ERR_MIGRATION_FAILED', { migration: migrations[i]!.name }, { detail: 'two migrations share this name' });
    }
  }
}
