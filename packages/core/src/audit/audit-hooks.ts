import { AsyncParallelHook, AsyncSeriesWaterfallHook } from 'tapable';
import { createToken } from '../kernel/token.js';
import type { AuditEntry } from './audit-entity.js';

/** Creates the audit subsystem's hooks. */
export function createAuditHooks() {
  return Object.freeze({
    /** Before an entry is written, inside the action's transaction: return it changed (e.g. more `additionalFields`); secrets are scrubbed afterwards. */
    prepareEntry: new AsyncSeriesWaterfallHook<[AuditEntry]>(['entry']),
    /** After the entry's transaction committed: forward it elsewhere (SIEM, webhook). A failure is logged and never undoes the action. */
    entryRecorded: new AsyncParallelHook<[AuditEntry]>(['entry']),
  });
}

/** The audit subsystem's hooks. */
export type AuditHooks = ReturnType<typeof createAuditHooks>;

/** Token of the audit subsystem's hooks. */
export const auditHooksToken = createToken<AuditHooks>('audit.hooks');
