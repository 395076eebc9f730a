import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HangarConfig } from '../kernel/config.js';
import { ServiceContainer } from '../kernel/container.js';
import { corePlugins, createHangar, type Hangar, type HangarOptions } from '../kernel/create-hangar.js';
import { createKernelHooks } from '../kernel/kernel-hooks.js';
import { sortPlugins } from '../kernel/boot-order.js';
import { registerPlugins } from '../kernel/register-plugins.js';
import { resolveConfig } from '../kernel/config.js';
import { createLogger, type LogLevel } from '../logging/logger.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** Options of {@link startTestServer}. */
export interface TestServerOptions extends HangarOptions {
  /** Also listen on a free loopback port (for real clients: ws, ssh, browsers). */
  readonly listen?: boolean;
}

/** A booted test server with its own database; `close()` drops the database too. */
export interface TestServer extends Hangar {
  /** The database created for this server. */
  readonly testDatabase: TestDatabase;
  /** The base URL when started with `listen: true`. */
  readonly baseUrl: string | undefined;
}

/**
 * Boots the real server wiring for one test on a real PostgreSQL database of its own,
 * cloned from a migrated template. Logs are silent unless `HANGAR_TEST_LOG_LEVEL` is set.
 *
 * @example
 * ```ts
 * const server = await startTestServer({ plugins: [myPlugin()] });
 * const response = await server.inject('/healthz');
 * await server.close();
 * ```
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const migrations = await declaredMigrations(options);
  const database = await createTestDatabase(migrations);
  const dataDir = await mkdtemp(join(tmpdir(), 'hangar-test-'));
  const config: Partial<HangarConfig> = {
    httpAddress: '127.0.0.1:0',
    logLevel: (process.env.HANGAR_TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent',
    provisionerDaemons: 0,
    ...options.config,
    postgresUrl: database.url,
    dataDir: options.config?.dataDir ?? dataDir,
  };
  let hangar: Hangar;
  try {
    hangar = await createHangar({ ...options, config });
  } catch (error) {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = options.listen ? (await hangar.listen()).url : undefined;
  const close = hangar.close.bind(hangar);
  let closing: Promise<void> | undefined;
  return Object.assign(Object.create(null) as object, hangar, {
    testDatabase: database,
    baseUrl,
    close: () =>
      (closing ??= (async () => {
        await close();
        await database.drop();
        await rm(dataDir, { recursive: true, force: true });
      })()),
  }) as TestServer;
}

/**
 * The migrations core's plugins declare, found by registering them on throwaway parts (core
 * plugins only declare in `register`). The test's own plugins are left out, so their
 * `register` runs once; their migrations, if any, apply at boot on top of the clone.
 */
async function declaredMigrations(options: HangarOptions) {
  const plugins = sortPlugins(options.corePlugins ?? corePlugins());
  const scope = {
    config: resolveConfig({ ...options.config, httpAddress: '127.0.0.1:0', dataDir: tmpdir() }),
    logger: createLogger('silent'),
    hooks: createKernelHooks(),
    container: ServiceContainer.createRoot(),
  };
  return (await registerPlugins(plugins, scope)).migrations;
}
