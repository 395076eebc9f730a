import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { AuditEntrySchema } from './audit-entity.js';
import { createAuditHooks, auditHooksToken } from './audit-hooks.js';
import { auditMigrations } from './audit-migrations.js';
import { registerAuditRoutes } from './audit-routes.js';
import { AuditService, auditServiceToken } from './audit-service.js';

/**
 * The audit log: the {@link AuditService} other subsystems record their mutations with,
 * `GET /api/v2/audit`, and the audit hooks (`entryRecorded` forwards entries elsewhere).
 */
export const auditPlugin = (): HangarPlugin =>
  definePlugin({
    name: 'audit',
    dependencies: ['rbac'],
    register(ctx) {
      const hooks = createAuditHooks();
      ctx.entities(AuditEntrySchema);
      ctx.migrations(...auditMigrations);
      ctx.provide(auditHooksToken, () => hooks);
      ctx.provide(auditServiceToken, () => new AuditService(hooks, ctx.logger));
      registerAuditRoutes(ctx);
    },
  });
