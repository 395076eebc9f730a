import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyRequest } from 'fastify';
import { auditServiceToken, type AuditContext } from '../audit/audit-service.js';
import { HangarError } from '../errors/hangar-error.js';
import { requireSubject } from '../identity/request-auth.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { type Authorizer, authorizerToken } from '../rbac/authorizer.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import type { RbacObject, Subject } from '../rbac/subject.js';
import { type BuildRecord, findBuild } from './build-queries.js';
import { findWorkspace } from './workspace-queries.js';
import type { WorkspaceRecord } from './workspace-views.js';

/** A workspace (or a build's workspace) as an RBAC object: owned by its owner, in its organization. */
export function workspaceObject(workspace: { readonly id?: string; readonly ownerId: string; readonly organizationId: string }): RbacObject {
  return { type: rbacResources.workspace, ...(workspace.id ? { id: workspace.id } : {}), ownerId: workspace.ownerId, organizationId: workspace.organizationId };
}

/** What a workspace route handler needs about its caller. */
export interface WorkspaceRequestScope {
  readonly subject: Subject;
  readonly em: EntityManager;
  readonly authorizer: Authorizer;
  readonly audit: AuditContext;
  /**
   * Refuses unless the caller may do `action` on the workspace. Whoever may not even read
   * it gets 404, so another user's workspace does not show it exists; a reader who may not
   * act gets 403.
   */
  authorize(action: string, workspace: { readonly id?: string; readonly ownerId: string; readonly organizationId: string }): void;
}

/** The caller, a request-scoped EntityManager and workspace-level checks. */
export function workspaceScope(ctx: PluginContext, request: FastifyRequest): WorkspaceRequestScope {
  const subject = requireSubject(request);
  const authorizer = ctx.resolve(authorizerToken);
  return {
    subject,
    em: request.scope.resolve(entityManagerToken),
    authorizer,
    audit: ctx.resolve(auditServiceToken).contextOf(request),
    authorize(action, workspace) {
      const object = workspaceObject(workspace);
      authorizer.authorize(subject, rbacActions.read, object, { hide: true, resourceName: 'workspace' });
      if (action !== rbacActions.read) authorizer.authorize(subject, action, object);
    },
  };
}

/**
 * A workspace the caller may do `action` on; 404 when there is none (or they may not see it),
 * 410 `HANGAR_ERR_WORKSPACE_DELETED` when it was deleted, unless `allowDeleted`.
 */
export async function workspaceFor(scope: WorkspaceRequestScope, id: string, action: string, allowDeleted = false): Promise<WorkspaceRecord> {
  const workspace = await findWorkspace(scope.em, id);
  if (!workspace) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace' });
  scope.authorize(action, workspace);
  if (workspace.deleted && !allowDeleted) throw new HangarError('HANGAR_ERR_WORKSPACE_DELETED', { name: workspace.name });
  return workspace;
}

/** A build whose workspace the caller may do `action` on (deleted workspaces' builds too); 404 otherwise. */
export async function buildFor(scope: WorkspaceRequestScope, id: string, action: string): Promise<BuildRecord> {
  const build = await findBuild(scope.em, id);
  if (!build) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace build' });
  scope.authorize(action, { id: build.workspaceId, ownerId: build.ownerId, organizationId: build.organizationId });
  return build;
}
