import { sqlMigration } from '../database/migration.js';

/** Core's first tables: deployment-wide settings and oversized pubsub payloads. */
export const systemMigrations = [
  sqlMigration(
    '20261204-0001-system',
    `create table hangar_site_config (
       key text primary key,
       value text not null,
       updated_at timestamptz not null default now()
     );
     insert into hangar_site_config (key, value) values ('deployment_id', gen_random_uuid()::text);
     create table hangar_pubsub_payloads (
       id bigserial primary key,
       payload text not null,
       created_at timestamptz not null default now()
     );
     create index hangar_pubsub_payloads_created_at on hangar_pubsub_payloads (created_at);`,
  ),
];
