import { sqlMigration } from '../database/migration.js';

/** Users and API keys. */
export const identityMigrations = [
  sqlMigration(
    '20261204-0101-identity',
    `create table hangar_users (
       id uuid primary key,
       email text not null,
       username text not null,
       name text not null default '',
       avatar_url text not null default '',
       hashed_password text,
       login_type text not null default 'password',
       status text not null default 'active' check (status in ('active', 'suspended')),
       rbac_roles text[] not null default '{}',
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now(),
       last_seen_at timestamptz,
       deleted boolean not null default false
     );
     create unique index hangar_users_email_key on hangar_users (lower(email)) where not deleted;
     create unique index hangar_users_username_key on hangar_users (lower(username)) where not deleted;
     create table hangar_api_keys (
       id text primary key check (length(id) = 10),
       hashed_secret bytea not null check (length(hashed_secret) = 32),
       user_id uuid not null references hangar_users (id) on delete cascade,
       kind text not null check (kind in ('session', 'token')),
       login_type text not null,
       token_name text,
       scope text not null default 'all',
       lifetime_seconds integer not null,
       expires_at timestamptz not null,
       last_used timestamptz not null default now(),
       ip_address inet,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now()
     );
     create index hangar_api_keys_user on hangar_api_keys (user_id);
     create unique index hangar_api_keys_token_name on hangar_api_keys (user_id, token_name) where token_name is not null;`,
  ),
];
