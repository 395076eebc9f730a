import { sqlMigration } from '../database/migration.js';

/** The files table. */
export const fileMigrations = [
  sqlMigration(
    '20261204-0301-files',
    `create table hangar_files (
       hash text primary key check (hash ~ '^[0-9a-f]{64}$'),
       mimetype text not null,
       size integer not null,
       data bytea not null,
       created_at timestamptz not null default now(),
       created_by uuid
     )`,
  ),
];
