/** Runs SQL inside the migration transaction. */
export interface MigrationExecutor {
  /** Executes a statement (or several separated by semicolons) with optional `?` bindings. */
  execute(sql: string, bindings?: readonly unknown[]): Promise<unknown>;
}

/**
 * One schema change. Names sort the run order across all plugins, so start them with a
 * timestamp: `'20261204-0001-core-init'`. A migration never changes once released.
 */
export interface Migration {
  readonly name: string;
  up(db: MigrationExecutor): Promise<void>;
}

/** Helper for a migration that is plain SQL. */
export function sqlMigration(name: string, sql: string): Migration {
  return { name, up: async (db) => void (await db.execute(sql)) };
}
