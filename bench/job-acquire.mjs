#!/usr/bin/env node
// Job acquisition latency: the time from a job's insert (its transaction's start, commit
// included) to the moment a waiting daemon holds it, prepared — against a baseline measured
// in the same run on the same PostgreSQL: a bare NOTIFY → LISTEN round trip.
//
// Usage: pnpm build && node bench/job-acquire.mjs [iterations]
// Uses HANGAR_TEST_POSTGRES_URL when set, otherwise an embedded PostgreSQL of its own.
// Loopback only; bounded loops.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  corePlugins,
  daemonStoreToken,
  definePlugin,
  InProcessJobChannel,
  jobKindRegistryToken,
  jobQueueToken,
} from '../packages/core/dist/index.js';
import { makeTemplateArchive, startTestServer } from '../packages/core/dist/testing/index.js';

// pg is core's dependency, not the root's.
const pg = createRequire(new URL('../packages/core/package.json', import.meta.url))('pg');

const iterations = Math.min(Math.max(Number(process.argv[2] ?? 200), 10), 2_000);
const warmup = 20;

const archive = await makeTemplateArchive({ 'echo.json': {} });
const benchKind = definePlugin({
  name: 'bench-jobs',
  dependencies: ['provisioning'],
  register(ctx) {
    ctx.resolve(jobKindRegistryToken).register({
      kind: 'bench_job',
      prepare: async () => ({ archive, payload: { type: 'import', variables: {} } }),
      complete: async () => undefined,
      failed: async () => undefined,
    });
  },
});

const server = await startTestServer({
  // The safety re-check is far away: every acquisition below is a wake-up.
  corePlugins: corePlugins({ provisioning: { acquireRecheckSeconds: 600 } }),
  plugins: [benchKind],
  config: { provisionerDaemons: 0 },
});

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}
const ms = (ns) => Number(ns) / 1e6;

try {
  // Baseline: NOTIFY on one connection, heard on another that LISTENs.
  const listener = new pg.Client({ connectionString: server.database.url });
  const notifier = new pg.Client({ connectionString: server.database.url });
  await listener.connect();
  await notifier.connect();
  await listener.query('listen bench');
  let heard;
  listener.on('notification', () => heard?.());
  const baseline = [];
  for (let i = 0; i < iterations + warmup; i++) {
    const arrived = new Promise((resolve) => (heard = resolve));
    const start = process.hrtime.bigint();
    await notifier.query("select pg_notify('bench', 'x')");
    await arrived;
    if (i >= warmup) baseline.push(ms(process.hrtime.bigint() - start));
  }
  await listener.end();
  await notifier.end();

  // Acquisition by waiting daemons (one, then three waiting at once).
  const queue = server.container.resolve(jobQueueToken);
  const store = server.container.resolve(daemonStoreToken);
  const daemons = [];
  for (let n = 1; n <= 3; n++) {
    const identity = await store.register({ name: `bench-${n}`, tags: { scope: 'organization' }, provisioners: ['echo'], version: 'bench' });
    daemons.push(new InProcessJobChannel(queue, identity));
  }
  const organizationId = randomUUID();
  const enqueue = () =>
    server.database.fork().transactional((tx) =>
      queue.enqueue(tx, { kind: 'bench_job', provisioner: 'echo', organizationId, initiatorId: organizationId, fileHash: 'bench' }),
    );
  const measure = async (waiting) => {
    const samples = [];
    for (let i = 0; i < iterations + warmup; i++) {
      const controller = new AbortController();
      const acquired = Promise.race(waiting.map((channel) => channel.acquire(controller.signal)));
      await new Promise((resolve) => setTimeout(resolve, 5)); // let the daemons arm their wait
      const start = process.hrtime.bigint();
      await enqueue();
      const job = await acquired;
      const elapsed = ms(process.hrtime.bigint() - start);
      controller.abort();
      if (!job) throw new Error('no job acquired');
      await queue.complete(job.id, { type: 'import', variables: [], parameters: [], startResources: [], stopResources: [] });
      // The losers of the race still wait: let them see the abort before the next round.
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (i >= warmup) samples.push(elapsed);
    }
    return samples;
  };
  const one = await measure(daemons.slice(0, 1));
  const three = await measure(daemons);

  const b = stats(baseline);
  const rows = [
    ['NOTIFY → LISTEN round trip (baseline)', b],
    ['insert → acquired, 1 waiting daemon', stats(one)],
    ['insert → acquired, 3 waiting daemons', stats(three)],
  ];
  console.log(`job acquisition latency, ${iterations} jobs each (after ${warmup} warm-up), PostgreSQL ${server.database.url.includes('127.0.0.1') ? 'on loopback' : ''}`);
  for (const [name, s] of rows) {
    console.log(`${name.padEnd(40)} median ${s.median.toFixed(2).padStart(7)} ms  p95 ${s.p95.toFixed(2).padStart(7)} ms  ratio ${(s.median / b.median).toFixed(1).padStart(5)}× / ${(s.p95 / b.p95).toFixed(1).padStart(5)}×`);
  }
} finally {
  await server.close();
}
