import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Database } from '../database/database.js';
import { HangarError } from '../errors/hangar-error.js';
import { addRoutes, createHttpServer } from '../http/http-server.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { PostgresPubSub } from '../pubsub/postgres-pubsub.js';
import { pubSubToken } from '../pubsub/pubsub.js';
import { sortPlugins } from './boot-order.js';
import { type HangarConfig, parseHttpAddress, resolveConfig } from './config.js';
import { ServiceContainer } from './container.js';
import { createKernelHooks, type KernelHooks, type ListeningInfo } from './kernel-hooks.js';
import { configToken, databaseToken, entityManagerToken, loggerToken, versionToken } from './kernel-tokens.js';
import type { HangarPlugin } from './plugin.js';
import { registerPlugins } from './register-plugins.js';
import { hangarVersion } from './version.js';
import { systemPlugin } from '../system/system-plugin.js';
import { rbacPlugin } from '../rbac/rbac-plugin.js';
import { auditPlugin } from '../audit/audit-plugin.js';
import { identityPlugin } from '../identity/identity-plugin.js';
import type { IdentityOptions } from '../identity/identity-options.js';
import { organizationsPlugin } from '../organizations/organizations-plugin.js';
import { provisioningPlugin, type ProvisioningOptions } from '../provisioning/provisioning-plugin.js';
import { filesPlugin } from '../files/files-plugin.js';
import { templatesPlugin } from '../templates/templates-plugin.js';
import { workspacesPlugin } from '../workspaces/workspaces-plugin.js';

/** Options of {@link createHangar}. */
export interface HangarOptions {
  /** Configuration; unset fields take their defaults. */
  readonly config?: Partial<HangarConfig>;
  /** Plugins to add to core's own. */
  readonly plugins?: readonly HangarPlugin[];
  /** Core's own plugins; replace only to embed a reduced server. Defaults to {@link corePlugins}. */
  readonly corePlugins?: readonly HangarPlugin[];
  /** A logger to use instead of a new one at `config.logLevel`. */
  readonly logger?: Logger;
}

/** A booted Hangar server: migrated, plugins ready, not yet listening. */
export interface Hangar {
  readonly config: HangarConfig;
  readonly container: ServiceContainer;
  readonly hooks: KernelHooks;
  readonly logger: Logger;
  /** The fastify instance, for embedding (prefer plugins and `ctx.route`). */
  readonly http: FastifyInstance;
  readonly database: Database;
  /** Plugin names in boot order. */
  readonly plugins: readonly string[];
  /** Starts listening on `config.httpAddress`. */
  listen(): Promise<ListeningInfo>;
  /** Sends a request without a socket (tests). */
  inject(options: InjectOptions | string): Promise<LightMyRequestResponse>;
  /** Stops listening, closes plugins in reverse order, then the database. Idempotent. */
  close(): Promise<void>;
}

/** Options of core's own subsystems, one field per subsystem. */
export interface CorePluginOptions {
  readonly provisioning?: ProvisioningOptions;
  /** Sessions, tokens, password policy, cookies and rate limits. */
  readonly identity?: IdentityOptions;
}

/** Core's own subsystems, registered like any plugin. */
export function corePlugins(options: CorePluginOptions = {}): HangarPlugin[] {
  return [systemPlugin(), rbacPlugin(), auditPlugin(), identityPlugin(options.identity), organizationsPlugin(), provisioningPlugin(options.provisioning), filesPlugin(), templatesPlugin(), workspacesPlugin()];
}

/**
 * Boots a Hangar server: registers plugins in dependency order, opens (or starts) the
 * database and migrates it, runs `lifecycle.ready`, and adds the routes. Call `listen()`
 * to serve. Every server has its own container and hooks, so several can share a process.
 *
 * @example
 * ```ts
 * const hangar = await createHangar({ config: { httpAddress: '127.0.0.1:3000' }, plugins: [myPlugin()] });
 * await hangar.listen();
 * ```
 */
export async function createHangar(options: HangarOptions = {}): Promise<Hangar> {
  const config = resolveConfig(options.config);
  const logger = options.logger ?? createLogger(config.logLevel);
  const container = ServiceContainer.createRoot();
  const hooks = createKernelHooks();
  const plugins = sortPlugins([...(options.corePlugins ?? corePlugins()), ...(options.plugins ?? [])]);
  orderCloseTapsInReverse(hooks, plugins);

  container.provideValue(configToken, config);
  container.provideValue(loggerToken, logger);
  container.provideValue(versionToken, hangarVersion);

  const { routes, entities, migrations } = await registerPlugins(plugins, { config, logger, hooks, container });

  const database = await Database.open({ url: config.postgresUrl, dataDir: config.dataDir, entities, migrations, logger });
  const pubsub = new PostgresPubSub(database.url, (sql, bindings) => database.execute(sql, bindings), logger.child({ component: 'pubsub' }));
  container.provideValue(databaseToken, database);
  container.provideValue(pubSubToken, pubsub);
  container.provide(entityManagerToken, () => database.fork(), 'scoped');

  let http: FastifyInstance | undefined;
  try {
    http = await createHttpServer({ logger, container, hooks: hooks.http, version: hangarVersion });
    addRoutes(http, routes, container);
    await hooks.lifecycle.ready.promise();
    await http.ready();
  } catch (error) {
    await http?.close().catch(() => undefined);
    await hooks.lifecycle.close.promise().catch(() => undefined);
    await pubsub.close();
    await database.close();
    throw error;
  }
  return buildHangar({ config, container, hooks, logger, http, database, pubsub, plugins: plugins.map((p) => p.name) });
}

interface HangarParts {
  config: HangarConfig;
  container: ServiceContainer;
  hooks: KernelHooks;
  logger: Logger;
  http: FastifyInstance;
  database: Database;
  pubsub: PostgresPubSub;
  plugins: string[];
}

function buildHangar(parts: HangarParts): Hangar {
  const { http, hooks, logger, database, pubsub, config } = parts;
  let closing: Promise<void> | undefined;
  return {
    config,
    container: parts.container,
    hooks,
    logger,
    http,
    database,
    plugins: parts.plugins,
    async listen() {
      if (closing) throw new HangarError('HANGAR_ERR_SERVER_STATE', { action: 'listen', state: 'closing' });
      const { host, port } = parseHttpAddress(config.httpAddress);
      await http.listen({ host, port });
      const address = http.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const info: ListeningInfo = { host, port: actualPort, url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}` };
      await hooks.lifecycle.listening.promise(info);
      return info;
    },
    inject: (request) => http.inject(request as InjectOptions),
    close() {
      closing ??= (async () => {
        logger.info('shutting down');
        await http.close();
        await hooks.lifecycle.close.promise().catch((error) => logger.error({ err: error }, 'a plugin failed to close'));
        await pubsub.close();
        await database.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

/** `lifecycle.close` taps without an explicit stage run in reverse boot order of their plugin. */
function orderCloseTapsInReverse(hooks: KernelHooks, plugins: readonly HangarPlugin[]): void {
  const index = new Map(plugins.map((plugin, i) => [plugin.name, i]));
  hooks.lifecycle.close.intercept({
    register: (tap) => (tap.stage === undefined && index.has(tap.name) ? { ...tap, stage: -index.get(tap.name)! } : tap),
  });
}
