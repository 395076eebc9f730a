import { sqlMigration } from '../database/migration.js';

/**
 * The provisioning tables: jobs and their logs, daemons, provisioner keys. Organization and
 * user ids carry no foreign key here: the queue must not depend on which identity tables a
 * deployment has, and jobs outlive the users who started them (as audit entries do).
 */
export const provisioningMigrations = [
  sqlMigration(
    '20261204-0201-provisioner-jobs',
    `create table hangar_provisioner_jobs (
       id uuid primary key,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now(),
       started_at timestamptz,
       completed_at timestamptz,
       canceled_at timestamptz,
       organization_id uuid not null,
       initiator_id uuid not null,
       provisioner text not null,
       kind text not null,
       input jsonb not null default '{}',
       file_hash text not null,
       tags jsonb not null default '{}',
       status text not null default 'pending'
         check (status in ('pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed')),
       worker_id uuid,
       error text,
       error_code text
     );
     -- Acquisition scans pending jobs oldest first; the hang detector scans running ones.
     create index hangar_provisioner_jobs_pending on hangar_provisioner_jobs (created_at, id) where status = 'pending';
     create index hangar_provisioner_jobs_active on hangar_provisioner_jobs (updated_at) where status in ('running', 'canceling');
     create index hangar_provisioner_jobs_organization on hangar_provisioner_jobs (organization_id, created_at desc);
     create table hangar_provisioner_job_logs (
       id bigserial primary key,
       job_id uuid not null references hangar_provisioner_jobs (id) on delete cascade,
       created_at timestamptz not null default now(),
       level text not null,
       stage text not null default '',
       output text not null
     );
     create index hangar_provisioner_job_logs_job on hangar_provisioner_job_logs (job_id, id);`,
  ),
  sqlMigration(
    '20261204-0202-provisioner-daemons-and-keys',
    `create table hangar_provisioner_keys (
       id uuid primary key,
       organization_id uuid not null,
       name text not null,
       hashed_secret bytea not null,
       tags jsonb not null default '{}',
       created_at timestamptz not null default now(),
       created_by uuid
     );
     create unique index hangar_provisioner_keys_name on hangar_provisioner_keys (organization_id, lower(name));
     create table hangar_provisioner_daemons (
       id uuid primary key,
       name text not null,
       -- null: a daemon inside the server, serving every organization
       organization_id uuid,
       tags jsonb not null default '{}',
       version text not null default '',
       provisioners jsonb not null default '[]',
       key_id uuid references hangar_provisioner_keys (id) on delete set null,
       created_at timestamptz not null default now(),
       last_seen_at timestamptz not null default now(),
       current_job_id uuid references hangar_provisioner_jobs (id) on delete set null
     );
     create unique index hangar_provisioner_daemons_name
       on hangar_provisioner_daemons (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), name);`,
  ),
];
