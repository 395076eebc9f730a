import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyRequest } from 'fastify';
import { HangarError } from '../errors/hangar-error.js';
import { requireSubject } from '../identity/request-auth.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { rbacResources } from '../rbac/rbac-resources.js';
import type { Subject } from '../rbac/subject.js';

/** What a template route handler needs about its caller. */
export interface TemplateRequestScope {
  readonly subject: Subject;
  readonly em: EntityManager;
  /** Throws 403 (or 404 for reads, so existence does not leak) unless the action is allowed in the organization. */
  authorize(action: string, organizationId: string): void;
}

/** The caller, a request-scoped EntityManager, and an organization-level check for templates. */
export function templateScope(ctx: PluginContext, request: FastifyRequest): TemplateRequestScope {
  const subject = requireSubject(request);
  const authorizer = ctx.resolve(authorizerToken);
  return {
    subject,
    em: request.scope.resolve(entityManagerToken),
    authorize(action, organizationId) {
      authorizer.authorize(subject, action, { type: rbacResources.template, organizationId }, { hide: action === 'read', resourceName: 'template' });
    },
  };
}

/** The id of the organization a path names by id or by name; 404 when there is none. */
export async function organizationIdOf(em: EntityManager, idOrName: string): Promise<string> {
  const rows = await em.getConnection().execute<{ id: string }[]>(
    'select id from hangar_organizations where id::text = ? or lower(name) = lower(?) limit 1',
    [idOrName, idOrName],
  );
  if (!rows[0]) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'organization' });
  return rows[0].id;
}
