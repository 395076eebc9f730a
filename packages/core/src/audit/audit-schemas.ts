import { Type } from '@sinclair/typebox';
import type { AuditEntry } from './audit-entity.js';

const Uuid = Type.String({ format: 'uuid' });

/** One audit entry on the wire. */
export const AuditLogSchema = Type.Object({
  id: Uuid,
  time: Type.String({ format: 'date-time' }),
  user_id: Type.Union([Uuid, Type.Null()], { description: 'The acting user; null for anonymous actions.' }),
  username: Type.String(),
  organization_id: Type.Union([Uuid, Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.String(),
  request_id: Type.String(),
  action: Type.String({ description: 'create, write, delete, login, logout or register.' }),
  resource_type: Type.String(),
  resource_id: Type.String(),
  resource_target: Type.String({ description: 'A readable name of the resource.' }),
  diff: Type.Record(Type.String(), Type.Object({ old: Type.Unknown(), new: Type.Unknown(), secret: Type.Boolean() }), {
    description: 'Changed tracked fields; a secret field records only that it changed.',
  }),
  status_code: Type.Integer(),
  additional_fields: Type.Record(Type.String(), Type.Unknown()),
});

/** The query of `GET /api/v2/audit`. */
export const AuditQuerySchema = Type.Object({
  action: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
  resource_type: Type.Optional(Type.String({ pattern: '^[a-z_]{1,64}$' })),
  resource_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  user_id: Type.Optional(Uuid),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  organization_id: Type.Optional(Uuid),
  date_from: Type.Optional(Type.String({ format: 'date-time' })),
  date_to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

/** The response of `GET /api/v2/audit`. */
export const AuditLogPageSchema = Type.Object({ audit_logs: Type.Array(AuditLogSchema), count: Type.Integer() });

/** An audit entry as the API returns it. */
export function toAuditLogResponse(entry: AuditEntry) {
  return {
    id: entry.id,
    time: new Date(entry.time).toISOString(),
    user_id: entry.userId,
    username: entry.username,
    organization_id: entry.organizationId,
    ip: entry.ip,
    user_agent: entry.userAgent,
    request_id: entry.requestId,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId,
    resource_target: entry.resourceTarget,
    diff: entry.diff,
    status_code: entry.statusCode,
    additional_fields: entry.additionalFields,
  };
}
