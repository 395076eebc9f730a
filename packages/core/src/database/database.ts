import { type EntityManager, type EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import { HangarError } from '../errors/hangar-error.js';
import type { Logger } from '../logging/logger.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { runMigrations } from './migrate.js';
import type { Migration } from './migration.js';
import { join } from 'node:path';

/** Where the database is and what lives in it. */
export interface DatabaseOptions {
  /** An external PostgreSQL (13+). Without it, an embedded PostgreSQL runs in `dataDir`. */
  readonly url?: string;
  /** Hangar's data directory; the embedded cluster lives in `<dataDir>/postgres`. */
  readonly dataDir: string;
  readonly entities: readonly EntitySchema<any, any>[];
  readonly migrations: readonly Migration[];
  readonly logger: Logger;
  /** Connection pool size (default 10). */
  readonly poolSize?: number;
}

/**
 * The one component that talks to PostgreSQL: it starts the embedded cluster when no URL is
 * given, checks the server version, migrates under an advisory lock, and owns the ORM.
 */
export class Database {
  private constructor(
    /** The MikroORM instance. */
    readonly orm: MikroORM,
    /** The connection URL in use (with its password). */
    readonly url: string,
    private readonly embedded?: EmbeddedPostgres,
  ) {}

  /** Connects (starting the embedded cluster if needed) and applies pending migrations. */
  static async open(options: DatabaseOptions): Promise<Database> {
    const embedded = options.url ? undefined : new EmbeddedPostgres({ dir: join(options.dataDir, 'postgres'), logger: options.logger });
    const url = options.url ?? (await embedded!.start());
    let orm: MikroORM | undefined;
    try {
      orm = await connect(url, options);
      await checkVersion(orm, url);
      await runMigrations(orm.em.getConnection(), options.migrations, options.logger);
      return new Database(orm, url, embedded);
    } catch (error) {
      await orm?.close(true).catch(() => undefined);
      await embedded?.stop();
      throw error;
    }
  }

  /** A fresh EntityManager (its own identity map), e.g. for one request or one job. */
  fork(): EntityManager {
    return this.orm.em.fork();
  }

  /** Runs SQL on the pool, outside any unit of work. */
  execute<T = Record<string, unknown>[]>(sql: string, bindings: unknown[] = []): Promise<T> {
    return this.orm.em.getConnection().execute(sql, bindings) as Promise<T>;
  }

  /** The embedded PostgreSQL's process id, when Hangar runs one. */
  get embeddedPid(): number | undefined {
    return this.embedded?.pid;
  }

  /** Closes the pool, then stops the embedded cluster if any. */
  async close(): Promise<void> {
    await this.orm.close(true);
    await this.embedded?.stop();
  }
}

async function connect(url: string, options: DatabaseOptions): Promise<MikroORM> {
  try {
    return await MikroORM.init({
      clientUrl: url,
      entities: [...options.entities],
      discovery: { warnWhenNoEntities: false },
      pool: { min: 0, max: options.poolSize ?? 10 },
      driverOptions: { connection: { connectionTimeoutMillis: 10_000 } },
      allowGlobalContext: false,
      debug: false,
      ensureDatabase: false,
    });
  } catch (error) {
    throw new HangarError('HANGAR_ERR_DATABASE_UNREACHABLE', { target: redact(url) }, { detail: (error as Error).message, cause: error });
  }
}

async function checkVersion(orm: MikroORM, url: string): Promise<void> {
  let rows: { server_version_num: string }[];
  try {
    rows = await orm.em.getConnection().execute('show server_version_num');
  } catch (error) {
    throw new HangarError('HANGAR_ERR_DATABASE_UNREACHABLE', { target: redact(url) }, { detail: (error as Error).message, cause: error });
  }
  const version = Number(rows[0]?.server_version_num ?? 0);
  if (version < 130000) throw new HangarError('HANGAR_ERR_DATABASE_VERSION', { version: (version / 10000).toFixed(1) });
}

/** A connection URL with its password replaced, safe for logs and errors. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}
