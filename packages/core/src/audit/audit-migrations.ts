import { sqlMigration } from '../database/migration.js';

/** The audit log table. Rows never reference users by foreign key: entries outlive what they describe. */
export const auditMigrations = [
  sqlMigration(
    '20261204-0103-audit',
    `create table hangar_audit_logs (
       id uuid primary key,
       time timestamptz not null default now(),
       user_id uuid,
       username text not null default '',
       organization_id uuid,
       ip inet,
       user_agent text not null default '',
       request_id text not null default '',
       action text not null,
       resource_type text not null,
       resource_id text not null default '',
       resource_target text not null default '',
       diff jsonb not null default '{}',
       status_code integer not null,
       additional_fields jsonb not null default '{}'
     );
     create index hangar_audit_logs_time on hangar_audit_logs (time desc, id);
     create index hangar_audit_logs_resource on hangar_audit_logs (resource_type, resource_id);
     create index hangar_audit_logs_user on hangar_audit_logs (user_id);
     create index hangar_audit_logs_organization on hangar_audit_logs (organization_id);`,
  ),
];
