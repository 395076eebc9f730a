import { SyncHook, SyncWaterfallHook } from 'tapable';
import { createToken } from '../kernel/token.js';
import type { RoleTable } from './role-definitions.js';
import type { RbacObject, Subject } from './subject.js';

/** Creates the RBAC subsystem's hooks. */
export function createRbacHooks() {
  return Object.freeze({
    /** Once, before the first check: transform the role table (add roles, grant permissions) and return it. */
    resolveRoles: new SyncWaterfallHook<[RoleTable]>(['roles']),
    /** An `authorize` call refused a subject (for logging or metrics); the refusal cannot be changed. */
    denied: new SyncHook<[Subject, string, RbacObject]>(['subject', 'action', 'object']),
  });
}

/** The RBAC subsystem's hooks. */
export type RbacHooks = ReturnType<typeof createRbacHooks>;

/** Token of the RBAC subsystem's hooks. */
export const rbacHooksToken = createToken<RbacHooks>('rbac.hooks');
