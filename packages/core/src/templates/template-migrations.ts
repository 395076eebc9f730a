import { sqlMigration } from '../database/migration.js';

/** Templates, their versions, and what imports found in them. */
export const templateMigrations = [
  sqlMigration(
    '20261204-0401-templates',
    `create table hangar_templates (
       id uuid primary key,
       organization_id uuid not null,
       name text not null,
       display_name text not null default '',
       description text not null default '',
       icon text not null default '',
       provisioner text not null,
       active_version_id uuid not null,
       created_by uuid not null,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now(),
       deleted boolean not null default false
     );
     create unique index hangar_templates_org_name on hangar_templates (organization_id, lower(name)) where not deleted;
     create table hangar_template_versions (
       id uuid primary key,
       template_id uuid references hangar_templates (id),
       organization_id uuid not null,
       name text not null,
       message text not null default '',
       readme text not null default '',
       file_hash text not null references hangar_files (hash),
       provisioner text not null,
       job_id uuid not null,
       resources jsonb not null default '[]',
       created_by uuid not null,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now()
     );
     create index hangar_template_versions_template on hangar_template_versions (template_id, created_at);
     create unique index hangar_template_versions_template_name on hangar_template_versions (template_id, name) where template_id is not null;
     create table hangar_template_version_parameters (
       template_version_id uuid not null references hangar_template_versions (id) on delete cascade,
       name text not null,
       position integer not null,
       spec jsonb not null,
       primary key (template_version_id, name)
     );
     create table hangar_template_version_variables (
       template_version_id uuid not null references hangar_template_versions (id) on delete cascade,
       name text not null,
       description text not null default '',
       type text not null,
       default_value text,
       required boolean not null,
       sensitive boolean not null,
       value text,
       primary key (template_version_id, name)
     );`,
  ),
];
