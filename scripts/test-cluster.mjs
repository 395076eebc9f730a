// Starts the embedded PostgreSQL cluster one test run shares (see test.mjs), using the
// built @hangar/core (test.mjs builds first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts a cluster in a temporary directory; `stop()` stops it and removes the directory. */
export async function startTestCluster() {
  const { EmbeddedPostgres } = await import('../packages/core/dist/database/embedded-postgres.js');
  const dir = mkdtempSync(join(tmpdir(), 'hangar-test-run-'));
  const cluster = new EmbeddedPostgres({ dir });
  const url = await cluster.start();
  return {
    url,
    displayUrl: url.replace(/:[^:@/]+@/, ':***@'),
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
