import { sqlMigration } from '../database/migration.js';

/**
 * Workspaces, their builds, the parameter values each build ran with, and what each build
 * produced (resources → agents → apps). Builds and their products are never updated by
 * anything but the build's own job, so history stays as it happened.
 */
export const workspaceMigrations = [
  sqlMigration(
    '20261204-0501-workspaces',
    `create table hangar_workspaces (
       id uuid primary key,
       organization_id uuid not null references hangar_organizations (id),
       owner_id uuid not null references hangar_users (id),
       template_id uuid not null references hangar_templates (id),
       name text not null check (name ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(name) <= 32),
       deleted boolean not null default false,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now()
     );
     create unique index hangar_workspaces_owner_name on hangar_workspaces (owner_id, name) where not deleted;
     create index hangar_workspaces_template on hangar_workspaces (template_id) where not deleted;
     create index hangar_workspaces_organization on hangar_workspaces (organization_id);
     create table hangar_workspace_builds (
       id uuid primary key,
       workspace_id uuid not null references hangar_workspaces (id),
       template_version_id uuid not null references hangar_template_versions (id),
       build_number integer not null check (build_number > 0),
       transition text not null check (transition in ('start', 'stop', 'delete')),
       initiator_id uuid references hangar_users (id),
       job_id uuid not null unique references hangar_provisioner_jobs (id),
       reason text not null default 'initiator',
       state bytea,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now(),
       unique (workspace_id, build_number)
     );
     create table hangar_workspace_build_parameters (
       build_id uuid not null references hangar_workspace_builds (id) on delete cascade,
       name text not null,
       value text not null,
       primary key (build_id, name)
     );`,
  ),
  sqlMigration(
    '20261204-0502-workspace-resources',
    `create table hangar_workspace_resources (
       id uuid primary key,
       build_id uuid not null references hangar_workspace_builds (id) on delete cascade,
       position integer not null,
       name text not null,
       type text not null,
       module_path text not null default '',
       persistent boolean not null default false,
       hide boolean not null default false,
       icon text not null default '',
       daily_cost integer not null default 0,
       metadata jsonb not null default '[]',
       created_at timestamptz not null default now()
     );
     create index hangar_workspace_resources_build on hangar_workspace_resources (build_id, position);
     create table hangar_workspace_agents (
       id uuid primary key,
       resource_id uuid not null references hangar_workspace_resources (id) on delete cascade,
       build_id uuid not null references hangar_workspace_builds (id) on delete cascade,
       workspace_id uuid not null references hangar_workspaces (id),
       position integer not null,
       name text not null,
       os text not null default '',
       arch text not null default '',
       directory text not null default '',
       auth_token_hash bytea check (auth_token_hash is null or length(auth_token_hash) = 32),
       env jsonb not null default '{}',
       scripts jsonb not null default '[]',
       metadata jsonb not null default '[]',
       display_apps jsonb not null default '{}',
       connection_timeout_seconds integer not null default 0,
       troubleshooting_url text not null default '',
       created_at timestamptz not null default now()
     );
     create index hangar_workspace_agents_resource on hangar_workspace_agents (resource_id, position);
     create index hangar_workspace_agents_workspace on hangar_workspace_agents (workspace_id, created_at);
     -- Not unique: a provisioner keeps an agent's token across builds (it lives in the state).
     create index hangar_workspace_agents_token on hangar_workspace_agents (auth_token_hash, created_at desc) where auth_token_hash is not null;
     create table hangar_workspace_apps (
       id uuid primary key,
       agent_id uuid not null references hangar_workspace_agents (id) on delete cascade,
       position integer not null,
       slug text not null,
       display_name text not null default '',
       url text,
       command text,
       icon text not null default '',
       subdomain boolean not null default false,
       share_level text not null default 'owner' check (share_level in ('owner', 'authenticated', 'public')),
       external boolean not null default false,
       hidden boolean not null default false,
       healthcheck jsonb,
       created_at timestamptz not null default now(),
       unique (agent_id, slug)
     );`,
  ),
];
