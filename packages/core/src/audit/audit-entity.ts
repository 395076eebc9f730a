import { EntitySchema } from '@mikro-orm/core';

/** What an audit entry records as changed: per field, the old and new value, or only that a secret changed. */
export type AuditDiff = Record<string, { readonly old: unknown; readonly new: unknown; readonly secret: boolean }>;

/** One row of the audit log. */
export interface AuditEntry {
  id: string;
  time: Date;
  /** The acting user; `null` for anonymous actions (a failed login). */
  userId: string | null;
  /** The acting user's username at the time. */
  username: string;
  organizationId: string | null;
  ip: string | null;
  userAgent: string;
  requestId: string;
  /** `create`, `write`, `delete`, `login`, `logout`, `register`, or a plugin's own verb. */
  action: string;
  resourceType: string;
  resourceId: string;
  /** A readable name of the resource (a username, a token name). */
  resourceTarget: string;
  diff: AuditDiff;
  statusCode: number;
  additionalFields: Record<string, unknown>;
}

/** The `hangar_audit_logs` table. */
export const AuditEntrySchema = new EntitySchema<AuditEntry>({
  name: 'HangarAuditEntry',
  tableName: 'hangar_audit_logs',
  properties: {
    id: { type: 'uuid', primary: true },
    time: { type: 'Date', columnType: 'timestamptz' },
    userId: { type: 'uuid', nullable: true },
    username: { type: 'string', columnType: 'text' },
    organizationId: { type: 'uuid', nullable: true },
    ip: { type: 'string', columnType: 'inet', nullable: true },
    userAgent: { type: 'string', columnType: 'text' },
    requestId: { type: 'string', columnType: 'text' },
    action: { type: 'string', columnType: 'text' },
    resourceType: { type: 'string', columnType: 'text' },
    resourceId: { type: 'string', columnType: 'text' },
    resourceTarget: { type: 'string', columnType: 'text' },
    diff: { type: 'json', columnType: 'jsonb' },
    statusCode: { type: 'integer' },
    additionalFields: { type: 'json', columnType: 'jsonb' },
  },
});
