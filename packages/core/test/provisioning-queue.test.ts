import { randomUUID } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { daemonStoreToken, type DaemonIdentity, isHangarError, provisioningHooksToken } from '../src/index.js';
import type { TestServer } from '../src/testing/index.js';
import { bootProvisioning, enqueueJob, sleep, type TestKind, testOrganization, waitFor } from './support/provisioning-fixtures.js';
import type { JobQueue } from '../src/index.js';

let server: TestServer;
let kind: TestKind;
let queue: JobQueue;
test.before(async () => {
  // Waiting daemons re-check only every two minutes: anything faster is a wake-up.
  ({ server, kind, queue } = await bootProvisioning({ provisioning: { acquireRecheckSeconds: 120 } }));
});
test.after(async () => server?.close());
test.before.each(async () => {
  // Each test starts with an empty queue.
  await server.database.execute("update hangar_provisioner_jobs set status = 'canceled' where status in ('pending', 'running', 'canceling')");
});

async function daemon(name: string, tags: Record<string, string>, provisioners = ['echo'], organizationId: string | null = null): Promise<DaemonIdentity> {
  return server.container.resolve(daemonStoreToken).register({ name, organizationId, tags, provisioners, version: 'test' });
}

test('a daemon takes only jobs whose tags are a subset of its own, for a provisioner it runs, oldest first', async () => {
  const plain = await enqueueJob(server, kind, { tags: { scope: 'organization' } });
  const gpu = await enqueueJob(server, kind, { tags: { scope: 'organization', gpu: 'yes' } });
  const terraform = await enqueueJob(server, kind, { tags: { scope: 'organization' }, provisioner: 'terraform' });
  const plainLater = await enqueueJob(server, kind, { tags: { scope: 'organization' } });

  const ordinary = await daemon('ordinary', { scope: 'organization' });
  assert.is((await queue.acquire(ordinary))?.id, plain.id, 'the oldest matching job first');
  assert.is((await queue.acquire(ordinary))?.id, plainLater.id, 'the gpu job is skipped: its tags are not a subset');
  assert.is(await queue.acquire(ordinary), undefined);

  const gpuDaemon = await daemon('gpu', { scope: 'organization', gpu: 'yes', zone: 'eu' });
  const taken = await queue.acquire(gpuDaemon);
  assert.is(taken?.id, gpu.id, 'a superset of the job tags matches');
  assert.is(taken?.status, 'running');
  assert.is(taken?.workerId, gpuDaemon.id);
  assert.is(await queue.acquire(gpuDaemon), undefined, 'the terraform job needs a daemon that runs terraform');

  const otherOrg = await daemon('other-org', { scope: 'organization' }, ['terraform'], randomUUID());
  assert.is(await queue.acquire(otherOrg), undefined, 'a daemon of another organization does not take it');
  const terraformDaemon = await daemon('tf', { scope: 'organization' }, ['terraform'], testOrganization);
  assert.is((await queue.acquire(terraformDaemon))?.id, terraform.id);
});

test('two daemons acquiring at once never take the same job (SKIP LOCKED)', async () => {
  const jobs = await Promise.all(Array.from({ length: 20 }, () => enqueueJob(server, kind)));
  const daemons = await Promise.all([1, 2, 3, 4].map((n) => daemon(`racer-${n}`, { scope: 'organization' })));
  const taken: string[] = [];
  await Promise.all(
    daemons.map(async (d) => {
      for (;;) {
        const job = await queue.acquire(d);
        if (!job) return;
        taken.push(job.id);
      }
    }),
  );
  assert.is(taken.length, 20);
  assert.is(new Set(taken).size, 20);
  assert.equal([...taken].sort(), jobs.map((j) => j.id).sort());
});

test('a waiting daemon wakes on the notification, not by polling', async () => {
  const waiting = await daemon('waiter', { scope: 'organization' });
  const controller = new AbortController();
  const acquired = queue.acquireWait(waiting, controller.signal);
  await sleep(200);
  const started = Date.now();
  const job = await enqueueJob(server, kind);
  const got = await acquired;
  const elapsed = Date.now() - started;
  assert.is(got?.id, job.id);
  assert.ok(elapsed < 2_000, `acquired ${elapsed} ms after the insert; the re-check is 120 s away`);
});

test('a job queued in a transaction stays invisible and silent until it commits, and a rollback leaves nothing', async () => {
  const waiting = await daemon('patient', { scope: 'organization' });
  const controller = new AbortController();
  let acquiredAt = 0;
  const acquired = queue.acquireWait(waiting, controller.signal).then((job) => ((acquiredAt = Date.now()), job));

  // Rolled back: no row, no wake-up.
  const archiveHash = [...kind.archives.keys()][0]!;
  const rolledBack = await server.database
    .fork()
    .transactional(async (tx) => {
      await queue.enqueue(tx, { kind: 'test_job', provisioner: 'echo', organizationId: testOrganization, initiatorId: randomUUID(), fileHash: archiveHash });
      throw new Error('the caller fails after queuing');
    })
    .catch((error: Error) => error.message);
  assert.is(rolledBack, 'the caller fails after queuing');

  let committedAt = 0;
  const jobId = await server.database.fork().transactional(async (tx) => {
    const job = await queue.enqueue(tx, { kind: 'test_job', provisioner: 'echo', organizationId: testOrganization, initiatorId: randomUUID(), fileHash: archiveHash });
    await sleep(300);
    assert.is(acquiredAt, 0, 'not taken before the commit');
    return job.id;
  });
  committedAt = Date.now();
  const got = await acquired;
  assert.is(got?.id, jobId);
  assert.ok(acquiredAt >= committedAt);
  const rows = await server.database.execute<{ n: string }[]>("select count(*) as n from hangar_provisioner_jobs where status = 'running' and worker_id = ?", [waiting.id]);
  assert.is(Number(rows[0]!.n), 1, 'only the committed job exists for this daemon');
});

test('an aborted wait resolves undefined and takes nothing', async () => {
  const waiting = await daemon('quitter', { scope: 'organization' });
  const controller = new AbortController();
  const acquired = queue.acquireWait(waiting, controller.signal);
  await sleep(100);
  controller.abort();
  assert.is(await acquired, undefined);
});

test('heartbeats keep a running job fresh and tell its daemon when to stop', async () => {
  const worker = await daemon('beater', { scope: 'organization' });
  const job = await enqueueJob(server, kind);
  await queue.acquire(worker);
  await server.database.execute("update hangar_provisioner_jobs set updated_at = now() - interval '1 hour' where id = ?", [job.id]);
  assert.equal(await queue.heartbeat(job.id, worker.id), { canceled: false });
  const fresh = await queue.get(job.id);
  assert.ok(Date.now() - fresh!.updatedAt.getTime() < 5_000, 'updated_at moved to now');
  const stranger = await daemon('stranger', { scope: 'organization' });
  assert.equal(await queue.heartbeat(job.id, stranger.id), { canceled: true }, 'another daemon cannot keep it alive');
  await queue.cancel(job.id);
  assert.equal(await queue.heartbeat(job.id, worker.id), { canceled: true });
});

test('a beforeEnqueue tap can refuse a job: 403 with its reason, nothing written', async () => {
  const hooks = server.container.resolve(provisioningHooksToken);
  hooks.beforeEnqueue.tap('quota', (job) => (job.tags.quota === 'exceeded' ? 'the build quota is used up' : undefined));
  const before = await server.database.execute<{ n: string }[]>('select count(*) as n from hangar_provisioner_jobs');
  try {
    await enqueueJob(server, kind, { tags: { scope: 'organization', quota: 'exceeded' } });
    assert.unreachable('the job should be refused');
  } catch (error) {
    assert.ok(isHangarError(error));
    assert.is(error.code, 'HANGAR_ERR_PROVISIONER_JOB_VETOED');
    assert.is(error.statusCode, 403);
    assert.match(error.message, 'the build quota is used up');
  }
  const after = await server.database.execute<{ n: string }[]>('select count(*) as n from hangar_provisioner_jobs');
  assert.is(after[0]!.n, before[0]!.n);
});

test('an unknown job kind or malformed tags cannot be queued', async () => {
  const error = await enqueueJob(server, kind, {}, { kind: 'nope' }).catch((e) => e);
  assert.is(error.code, 'HANGAR_ERR_PROVISIONER_JOB_KIND_UNKNOWN');
  const bad = await enqueueJob(server, kind, { tags: { scope: 7 as unknown as string } }).catch((e) => e);
  assert.is(bad.statusCode, 400);
  assert.equal(bad.validations, [{ field: 'tags.scope', detail: 'must be a string' }]);
});

test('queue position counts the pending jobs ahead for the same provisioner', async () => {
  const a = await enqueueJob(server, kind);
  const b = await enqueueJob(server, kind);
  const other = await enqueueJob(server, kind, { provisioner: 'terraform' });
  assert.equal(await queue.queuePosition(a.id), { position: 1, size: 2 });
  assert.equal(await queue.queuePosition(b.id), { position: 2, size: 2 });
  assert.equal(await queue.queuePosition(other.id), { position: 1, size: 1 });
  assert.is(await queue.queueSize(), 3);
  await queue.acquire(await daemon('positioner', { scope: 'organization' }));
  assert.equal(await queue.queuePosition(a.id), { position: 0, size: 1 });
  assert.equal(await queue.queuePosition(b.id), { position: 1, size: 1 });
});

test('a log watcher that reconnects with its cursor gets what it missed and nothing twice', async () => {
  const worker = await daemon('logger', { scope: 'organization' });
  const job = await enqueueJob(server, kind);
  await queue.acquire(worker);
  const line = (output: string) => ({ level: 'info' as const, stage: 'Test', output });
  await queue.appendLogs(job.id, [line('one'), line('two')], worker.id);

  const first: string[] = [];
  let cursor = '0';
  const stop = await queue.subscribeLogs(job.id, '0', (event) => {
    if (event.type === 'logs') for (const l of event.logs) (first.push(l.output), (cursor = l.id));
  });
  await queue.appendLogs(job.id, [line('three')], worker.id);
  await waitFor(() => first.length === 3, 'the live line');
  await stop();

  // While nobody watches.
  await queue.appendLogs(job.id, [line('four'), line('five')], worker.id);
  const second: string[] = [];
  let ended = '';
  await queue.subscribeLogs(job.id, cursor, (event) => {
    if (event.type === 'logs') second.push(...event.logs.map((l) => l.output));
    else ended = event.status;
  });
  await queue.appendLogs(job.id, [line('six')], worker.id);
  await queue.complete(job.id, { type: 'build', state: new Uint8Array(), resources: [] }, worker.id);
  await waitFor(() => ended || undefined, 'the end event');
  assert.equal(first, ['one', 'two', 'three']);
  assert.equal(second, ['four', 'five', 'six']);
  assert.is(ended, 'succeeded');
  assert.equal(await queue.appendLogs(job.id, [line('late')], randomUUID()), [], 'only the job\'s daemon may write to it');
});

test.run();
