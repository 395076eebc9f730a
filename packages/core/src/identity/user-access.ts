import { HangarError } from '../errors/hangar-error.js';
import type { Authorizer } from '../rbac/authorizer.js';
import { rbacResources } from '../rbac/rbac-resources.js';
import type { RbacObject, Subject } from '../rbac/subject.js';
import type { UserRecord } from './user-entity.js';

/** A user as an RBAC object: owned by itself. */
export function userObject(user: Pick<UserRecord, 'id'>): RbacObject {
  return { type: rbacResources.user, id: user.id, ownerId: user.id };
}

/** An API key of a user as an RBAC object. */
export function apiKeyObject(userId: string, keyId?: string): RbacObject {
  return { type: rbacResources.apiKey, ownerId: userId, ...(keyId ? { id: keyId } : {}) };
}

/**
 * Checks the subject may do `action` to the user: 404 when they may not even read them
 * (their existence stays hidden), 403 when they may read but not act, and 403 when a
 * non-owner acts on an owner other than themselves.
 */
export function authorizeOnUser(authorizer: Authorizer, subject: Subject, action: string, user: UserRecord): void {
  authorizer.authorize(subject, 'read', userObject(user), { hide: true, resourceName: 'user' });
  if (action !== 'read') authorizer.authorize(subject, action, userObject(user));
  if (action !== 'read' && user.id !== subject.id && user.rbacRoles.includes('owner') && !subject.roles.includes('owner')) {
    throw new HangarError('HANGAR_ERR_FORBIDDEN', {}, { detail: 'only an owner may change another owner' });
  }
}

/** Refuses an action on one's own account with 400 `HANGAR_ERR_IDENTITY_SELF_ACTION`. */
export function refuseSelf(subject: Subject, user: UserRecord, action: string): void {
  if (subject.id === user.id) throw new HangarError('HANGAR_ERR_IDENTITY_SELF_ACTION', { action });
}
