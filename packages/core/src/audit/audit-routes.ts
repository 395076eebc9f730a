import { invalidField } from '../errors/hangar-error.js';
import { requireSubject } from '../identity/request-auth.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { AuditLogPageSchema, AuditQuerySchema, toAuditLogResponse } from './audit-schemas.js';
import { auditServiceToken } from './audit-service.js';

/** `GET /api/v2/audit`: search the audit log (auditors and owners see all, organization auditors their organization). */
export function registerAuditRoutes(ctx: PluginContext): void {
  ctx.route({
    method: 'GET',
    url: '/api/v2/audit',
    access: { action: rbacActions.read, resource: rbacResources.auditLog },
    summary: 'Search the audit log, newest first.',
    schema: { querystring: AuditQuerySchema, response: { 200: AuditLogPageSchema } },
    async handler(request) {
      const query = request.query;
      const from = query.date_from ? new Date(query.date_from) : undefined;
      const to = query.date_to ? new Date(query.date_to) : undefined;
      if (from && to && from > to) throw invalidField('querystring.date_to', 'must not be before date_from');
      const filter = ctx.resolve(authorizerToken).listFilter(requireSubject(request), rbacActions.read, rbacResources.auditLog);
      const { entries, count } = await ctx.resolve(auditServiceToken).list(
        request.scope.resolve(entityManagerToken),
        {
          action: query.action,
          resourceType: query.resource_type,
          resourceId: query.resource_id,
          userId: query.user_id,
          username: query.username,
          organizationId: query.organization_id,
          from,
          to,
          limit: query.limit,
          offset: query.offset,
        },
        filter,
      );
      return { audit_logs: entries.map(toAuditLogResponse), count };
    },
  });
}
