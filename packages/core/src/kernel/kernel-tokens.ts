import type { EntityManager } from '@mikro-orm/postgresql';
import type { Database } from '../database/database.js';
import type { Logger } from '../logging/logger.js';
import type { HangarConfig } from './config.js';
import { createToken } from './token.js';

/** The server's configuration. */
export const configToken = createToken<HangarConfig>('core.config');
/** The server's root logger. */
export const loggerToken = createToken<Logger>('core.logger');
/** The database (available from `lifecycle.ready` on). */
export const databaseToken = createToken<Database>('core.database');
/**
 * An EntityManager of its own for each child container: one per request (resolve it from
 * `request.scope`), so requests never share an identity map.
 */
export const entityManagerToken = createToken<EntityManager>('core.entityManager');
/** The server's version string. */
export const versionToken = createToken<string>('core.version');
