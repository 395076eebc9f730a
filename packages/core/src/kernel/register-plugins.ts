import type { EntitySchema } from '@mikro-orm/core';
import type { Migration } from '../database/migration.js';
import { HangarError } from '../errors/hangar-error.js';
import type { RouteDefinition } from '../http/route.js';
import type { Logger } from '../logging/logger.js';
import type { HangarConfig } from './config.js';
import type { ServiceContainer } from './container.js';
import type { KernelHooks } from './kernel-hooks.js';
import type { HangarPlugin, PluginContext } from './plugin.js';

/** What plugins declared while registering. */
export interface Declarations {
  readonly routes: RouteDefinition[];
  readonly entities: EntitySchema<any, any>[];
  readonly migrations: Migration[];
}

/** The server parts every plugin context shares. */
export interface RegistrationScope {
  readonly config: HangarConfig;
  readonly logger: Logger;
  readonly hooks: KernelHooks;
  readonly container: ServiceContainer;
}

/**
 * Runs each plugin's `register` in the given (already sorted) order and collects what they
 * declared. A plugin that throws fails boot with `HANGAR_ERR_PLUGIN_REGISTER_FAILED`.
 */
export async function registerPlugins(plugins: readonly HangarPlugin[], scope: RegistrationScope): Promise<Declarations> {
  const declared: Declarations = { routes: [], entities: [], migrations: [] };
  const { config, logger, hooks, container } = scope;
  for (const plugin of plugins) {
    const ctx: PluginContext = {
      name: plugin.name,
      config,
      logger: logger.child({ plugin: plugin.name }),
      hooks,
      container,
      provide: (token, factory, serviceScope) => container.provide(token, factory, serviceScope),
      resolve: (token) => container.resolve(token),
      route: (route) => {
        if (!route.access) throw new HangarError('HANGAR_ERR_ROUTE_ACCESS_UNDECLARED', { method: route.method, url: route.url });
        declared.routes.push(route);
        hooks.http.routeAdded.call(route);
      },
      entities: (...schemas) => void declared.entities.push(...schemas),
      migrations: (...list) => void declared.migrations.push(...list),
    };
    try {
      await plugin.register(ctx);
    } catch (error) {
      if (error instanceof HangarError) throw error;
      throw new HangarError('HANGAR_ERR_PLUGIN_REGISTER_FAILED', { plugin: plugin.name }, { detail: (error as Error)?.message, cause: error });
    }
  }
  return declared;
}
