import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../database/embedded-postgres.js';

let started: Promise<string> | undefined;

/**
 * The PostgreSQL server tests use: `HANGAR_TEST_POSTGRES_URL` when set (the test runner
 * sets it to one cluster for the whole run), otherwise an embedded cluster started once for
 * this process in a temporary directory and stopped when the process exits.
 */
export function testPostgresUrl(): Promise<string> {
  const fromEnv = process.env.HANGAR_TEST_POSTGRES_URL;
  if (fromEnv) return Promise.resolve(fromEnv);
  started ??= (async () => {
    const cluster = new EmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'hangar-test-pg-')) });
    const url = await cluster.start();
    cluster.detachFromProcess();
    return url;
  })();
  return started;
}

/** The same URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
