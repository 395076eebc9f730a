import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { type ArchiveLimits, defaultArchiveLimits } from './archive-entry.js';
import { FileSchema } from './file-entity.js';
import { fileMigrations } from './file-migrations.js';
import { addArchiveParser, registerFileRoutes } from './file-routes.js';
import { FileService, fileServiceToken } from './file-service.js';
import './file-errors.js';

/** Stores template archives: upload, validation, deduplication, download. */
export const filesPlugin = (limits: Partial<ArchiveLimits> = {}): HangarPlugin =>
  definePlugin({
    name: 'files',
    dependencies: ['identity', 'rbac'],
    register(ctx) {
      ctx.entities(FileSchema);
      ctx.migrations(...fileMigrations);
      ctx.provide(fileServiceToken, () => new FileService({ ...defaultArchiveLimits, ...limits }));
      ctx.hooks.http.configure.tapPromise(ctx.name, async (app) => addArchiveParser(app));
      registerFileRoutes(ctx);
    },
  });
