import type { EntitySchema } from '@mikro-orm/core';
import type { Logger } from '../logging/logger.js';
import type { HangarConfig } from './config.js';
import type { Factory, ServiceContainer, ServiceScope } from './container.js';
import type { KernelHooks } from './kernel-hooks.js';
import type { Token } from './token.js';
import type { RouteDefinition, RouteSchema } from '../http/route.js';
import type { Migration } from '../database/migration.js';

/**
 * What a plugin receives in `register`: the means to declare services, routes, entities,
 * migrations and hook taps. Registration only declares; work starts in
 * `hooks.lifecycle.ready`, once the database is migrated.
 */
export interface PluginContext {
  /** The plugin's name; use it as the tap name for hooks. */
  readonly name: string;
  /** The server's resolved configuration. */
  readonly config: HangarConfig;
  /** A logger named after the plugin. */
  readonly logger: Logger;
  /** The kernel's hooks (`lifecycle`, `http`). Subsystems publish their own behind tokens. */
  readonly hooks: KernelHooks;
  /** The server's root container. */
  readonly container: ServiceContainer;
  /** Provides a service under a token. */
  provide<T>(token: Token<T>, factory: Factory<T>, scope?: ServiceScope): void;
  /**
   * Resolves a service. While registering, only services of plugins this one depends on are
   * there (they registered first); resolve everything else lazily, in hooks or handlers.
   */
  resolve<T>(token: Token<T>): T;
  /** Declares an HTTP route; it must say who may call it. */
  route<S extends RouteSchema>(route: RouteDefinition<S>): void;
  /** Declares MikroORM entities this plugin owns. */
  entities(...schemas: EntitySchema<any, any>[]): void;
  /** Declares migrations; they run in name order with every other plugin's, at boot. */
  migrations(...migrations: Migration[]): void;
}

/**
 * A Hangar plugin: a plain object with a unique kebab-case name, the names of the plugins it
 * needs, and a `register` function. Core's own subsystems are plugins of the same shape.
 */
export interface HangarPlugin {
  /** Unique kebab-case name; used as tap name and logger name. */
  readonly name: string;
  /** Plugins that must register first; a missing one fails boot with a coded error. */
  readonly dependencies?: readonly string[];
  /** Declares what the plugin adds. */
  register(ctx: PluginContext): void | Promise<void>;
}

/**
 * Identity helper that gives a plugin object its type.
 *
 * @example
 * ```ts
 * export const helloPlugin = () => definePlugin({
 *   name: 'hello',
 *   register(ctx) {
 *     ctx.route({ method: 'GET', url: '/api/v2/hello', access: 'public', handler: async () => ({ hello: 'world' }) });
 *   },
 * });
 * ```
 */
export function definePlugin(plugin: HangarPlugin): HangarPlugin {
  return plugin;
}
