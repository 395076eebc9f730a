import { sqlMigration } from '../database/migration.js';

/** Organizations and their members. The default organization is created with the first user. */
export const organizationMigrations = [
  sqlMigration(
    '20261204-0102-organizations',
    `create table hangar_organizations (
       id uuid primary key,
       name text not null,
       display_name text not null default '',
       description text not null default '',
       icon text not null default '',
       is_default boolean not null default false,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now()
     );
     create unique index hangar_organizations_name_key on hangar_organizations (lower(name));
     create unique index hangar_organizations_default_key on hangar_organizations (is_default) where is_default;
     create table hangar_organization_members (
       organization_id uuid not null references hangar_organizations (id) on delete cascade,
       user_id uuid not null references hangar_users (id) on delete cascade,
       roles text[] not null default '{}',
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now(),
       primary key (organization_id, user_id)
     );
     create index hangar_organization_members_user on hangar_organization_members (user_id);`,
  ),
];
