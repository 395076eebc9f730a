import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { daemonStoreToken, hangDetectorToken, inProcessDaemonsToken, type JobOutcome, type ProvisionerJob, provisioningHooksToken } from '../src/index.js';
import { decodeEchoState } from '../src/testing/index.js';
import { bootProvisioning, buildContext, enqueueJob, sleep, waitFor, waitForStatus } from './support/provisioning-fixtures.js';

test('ten jobs spread over three in-process daemons each run exactly once', async () => {
  const { server, kind, queue } = await bootProvisioning({ daemons: 3 });
  try {
    const started: string[] = [];
    server.container.resolve(provisioningHooksToken).jobStarted.tapPromise('test', async (job) => void started.push(job.id));
    const echo = { apply: { delayMs: 100, logs: ['applying'] } };
    const jobs = await Promise.all(Array.from({ length: 10 }, () => enqueueJob(server, kind, { echo })));
    const done = await Promise.all(jobs.map((job) => waitForStatus(queue, job.id, ['succeeded', 'failed'])));
    assert.ok(done.every((job) => job.status === 'succeeded'), JSON.stringify(done.map((j) => j.error)));
    assert.is(kind.completed.length, 10);
    assert.is(new Set(kind.completed.map((c) => c.job.id)).size, 10, 'no job completed twice');
    assert.is(new Set(started).size, 10);
    assert.is(started.length, 10, 'no job started twice');
    assert.is(new Set(done.map((job) => job.workerId)).size, 3, 'all three daemons took part');
    const daemons = server.container.resolve(inProcessDaemonsToken).daemons;
    assert.is(daemons.length, 3);
  } finally {
    await server.close();
  }
});

test('with the echo provisioner: import reports parameters and start/stop resources; builds carry state forward', async () => {
  const { server, kind, queue } = await bootProvisioning({ daemons: 1 });
  try {
    const echo = {
      parse: { variables: [{ name: 'region', type: 'string', required: false, sensitive: false, defaultValue: 'eu' }] },
      plan: {
        start: {
          parameters: [{ name: 'cpu', type: 'number', mutable: true, ephemeral: false, required: false, defaultValue: '2', options: [] }],
          resources: [{ name: 'home', type: 'echo_volume' }, { name: 'dev', type: 'echo_vm', agents: [{ name: 'main' }] }],
        },
        stop: { resources: [{ name: 'home', type: 'echo_volume' }] },
      },
    };
    const imported = await enqueueJob(server, kind, { echo, files: { 'README.md': '# Dev box' }, payload: { type: 'import', variables: { region: 'us' } } });
    await waitForStatus(queue, imported.id, ['succeeded']);
    const result = kind.completed.find((c) => c.job.id === imported.id)!.result;
    assert.is(result.type, 'import');
    if (result.type !== 'import') return;
    assert.is(result.readme, '# Dev box');
    assert.equal(result.variables.map((v) => v.name), ['region']);
    assert.equal(result.parameters.map((p) => p.name), ['cpu']);
    assert.equal(result.startResources.map((r) => r.name), ['home', 'dev']);
    assert.is(result.startResources[1]!.agents[0]!.os, 'linux');
    assert.equal(result.stopResources.map((r) => r.name), ['home']);
    const stages = new Set((await queue.listLogs(imported.id)).map((l) => l.stage));
    assert.ok(stages.has('Setting up'));

    // start → stop → start: the state records every transition so far.
    let prior: string | undefined;
    for (const transition of ['start', 'stop', 'start'] as const) {
      const job = await enqueueJob(server, kind, { echo, payload: { type: 'build', context: buildContext(transition), ...(prior ? { prior_state: prior } : {}) } });
      await waitForStatus(queue, job.id, ['succeeded']);
      const build = kind.completed.find((c) => c.job.id === job.id)!.result;
      assert.is(build.type, 'build');
      if (build.type !== 'build') return;
      prior = Buffer.from(build.state).toString('base64');
      if (transition === 'stop') assert.equal(build.resources.map((r) => r.name), ['home']);
    }
    assert.equal(decodeEchoState(new Uint8Array(Buffer.from(prior!, 'base64'))).transitions, ['start', 'stop', 'start']);
  } finally {
    await server.close();
  }
});

test('a provisioner error fails the job with its message in the log and in the job; a failed apply may keep its state', async () => {
  const { server, kind, queue } = await bootProvisioning({ daemons: 1 });
  try {
    const outcomes: JobOutcome[] = [];
    server.container.resolve(provisioningHooksToken).jobCompleted.tapPromise('test', async (_job, outcome) => void outcomes.push(outcome));
    const job = await enqueueJob(server, kind, { echo: { plan: { logs: ['thinking'], error: 'the cloud said no' } } });
    const failed = await waitForStatus(queue, job.id, ['failed', 'succeeded']);
    assert.is(failed.status, 'failed');
    assert.is(failed.error, 'the cloud said no');
    assert.is(failed.errorCode, 'HANGAR_ERR_PROVISIONER_JOB_FAILED');
    const logs = await queue.listLogs(job.id);
    assert.ok(logs.some((l) => l.output === 'thinking' && l.stage === 'Plan'));
    assert.ok(logs.some((l) => l.level === 'error' && l.output === 'the cloud said no'));
    await waitFor(() => outcomes.length === 1, 'the jobCompleted hook');
    assert.equal(outcomes[0], { status: 'failed', error: { code: 'HANGAR_ERR_PROVISIONER_JOB_FAILED', message: 'the cloud said no' } });

    const half = await enqueueJob(server, kind, { echo: { apply: { error: 'half-way', keepState: true } } });
    await waitForStatus(queue, half.id, ['failed']);
    const failure = kind.failed.find((f) => f.job.id === half.id)!.failure;
    assert.equal(decodeEchoState(failure.state).transitions, ['start'], 'the state of the half-done apply reaches the kind handler');

    const broken = await enqueueJob(server, kind, { echo: '{ not json' as unknown as object });
    await waitForStatus(queue, broken.id, ['failed']);
  } finally {
    await server.close();
  }
});

test('a kind handler that refuses the result fails the job instead, and nothing it wrote stays', async () => {
  const { server, kind, queue } = await bootProvisioning({ daemons: 1 });
  try {
    const original = kind.handler.complete;
    (kind.handler as { complete: typeof original }).complete = async (job, _result, em) => {
      await em.getConnection().execute("update hangar_provisioner_jobs set error = 'should roll back' where id = ?", [job.id], 'all', em.getTransactionContext());
      throw new Error('the result names an unknown agent');
    };
    const job = await enqueueJob(server, kind);
    const failed = await waitForStatus(queue, job.id, ['failed', 'succeeded']);
    assert.is(failed.status, 'failed');
    assert.is(failed.error, 'store the result: the result names an unknown agent');
    assert.is(kind.failed.filter((f) => f.job.id === job.id).length, 1);
  } finally {
    await server.close();
  }
});

test('canceling a pending job ends it at once; canceling a running one aborts the provisioner', async () => {
  const { server, kind, queue } = await bootProvisioning({ daemons: 1 });
  try {
    const running = await enqueueJob(server, kind, { echo: { apply: { logs: ['waiting forever'], hang: true } } });
    const pending = await enqueueJob(server, kind);
    await waitForStatus(queue, running.id, ['running']);
    const canceledPending = await queue.cancel(pending.id);
    assert.is(canceledPending.status, 'canceled');
    assert.ok(canceledPending.canceledAt && canceledPending.completedAt);
    assert.is(kind.failed.find((f) => f.job.id === pending.id)?.failure.status, 'canceled');

    await waitFor(async () => (await queue.listLogs(running.id)).some((l) => l.output === 'waiting forever'), 'the hanging job to log');
    const canceling = await queue.cancel(running.id);
    assert.is(canceling.status, 'canceling');
    const canceled = await waitForStatus(queue, running.id, ['canceled', 'failed'], 5_000);
    assert.is(canceled.status, 'canceled');
    assert.is(canceled.errorCode, 'HANGAR_ERR_PROVISIONER_JOB_CANCELED');
    assert.is(kind.failed.find((f) => f.job.id === running.id)?.failure.status, 'canceled');
    const again = await queue.cancel(running.id).catch((e) => e);
    assert.is(again.code, 'HANGAR_ERR_PROVISIONER_JOB_STATE');
    assert.is(again.statusCode, 409);

    // The daemon is free again.
    const next = await enqueueJob(server, kind);
    assert.is((await waitForStatus(queue, next.id, ['succeeded'])).status, 'succeeded');
  } finally {
    await server.close();
  }
});

test('the hang detector fails a running job whose daemon went silent and tells its kind handler', async () => {
  const { server, kind, queue } = await bootProvisioning({ provisioning: { hangTimeoutSeconds: 1, hangCheckIntervalSeconds: 0.2 } });
  try {
    const completed: [ProvisionerJob, JobOutcome][] = [];
    server.container.resolve(provisioningHooksToken).jobCompleted.tapPromise('test', async (job, outcome) => void completed.push([job, outcome]));
    const ghost = await server.container.resolve(daemonStoreToken).register({ name: 'ghost', tags: { scope: 'organization' }, provisioners: ['echo'], version: 'x' });
    const job = await enqueueJob(server, kind);
    assert.is((await queue.acquire(ghost))?.id, job.id);
    const failed = await waitForStatus(queue, job.id, ['failed'], 5_000);
    assert.is(failed.errorCode, 'HANGAR_ERR_PROVISIONER_JOB_HUNG');
    assert.match(failed.error!, 'made no progress for 1 seconds');
    assert.equal(kind.failed.find((f) => f.job.id === job.id)?.failure.code, 'HANGAR_ERR_PROVISIONER_JOB_HUNG');
    assert.ok((await queue.listLogs(job.id)).some((l) => l.level === 'error' && /no progress/.test(l.output)));
    await waitFor(() => completed.some(([j]) => j.id === job.id), 'jobCompleted');
    // The silent daemon's late report is refused: the job is over.
    const late = await queue.complete(job.id, { type: 'build', state: new Uint8Array(), resources: [] }, ghost.id).catch((e) => e);
    assert.is(late.code, 'HANGAR_ERR_PROVISIONER_JOB_STATE');
    // A job kept alive by heartbeats is left alone.
    const alive = await enqueueJob(server, kind);
    await queue.acquire(ghost);
    for (let i = 0; i < 8; i++) {
      await queue.heartbeat(alive.id, ghost.id);
      await sleep(250);
    }
    assert.is((await queue.get(alive.id))?.status, 'running');
    assert.equal(await server.container.resolve(hangDetectorToken).check(), []);
  } finally {
    await server.close();
  }
});

test('closing the server lets a running job finish; one past the grace period is canceled and close returns', async () => {
  const { server, kind, queue } = await bootProvisioning({ daemons: 1, provisioning: { shutdownGraceSeconds: 1 } });
  const slow = await enqueueJob(server, kind, { echo: { apply: { delayMs: 400 } } });
  await waitForStatus(queue, slow.id, ['running']);
  await server.inject('/healthz');
  const states: string[] = [];
  server.container.resolve(provisioningHooksToken).jobCompleted.tapPromise('test', async (job, outcome) => void states.push(`${job.id}:${outcome.status}`));
  const hanging = await enqueueJob(server, kind, { echo: { apply: { hang: true } } });
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 8_000, 'close did not wait forever');
  assert.ok(states.includes(`${slow.id}:succeeded`), `the running job finished: ${states.join(', ')}`);
  assert.not.ok(states.some((s) => s.startsWith(hanging.id)), 'the daemon stopped taking new jobs');
});

test('closing the server cancels a job that outlives the grace period', async () => {
  const { server, kind, queue } = await bootProvisioning({ daemons: 1, provisioning: { shutdownGraceSeconds: 0.3 } });
  const states: string[] = [];
  server.container.resolve(provisioningHooksToken).jobCompleted.tapPromise('test', async (job, outcome) => void states.push(`${job.id}:${outcome.status}:${outcome.error?.code}`));
  const hanging = await enqueueJob(server, kind, { echo: { apply: { hang: true } } });
  await waitForStatus(queue, hanging.id, ['running']);
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 5_000);
  assert.equal(states, [`${hanging.id}:failed:HANGAR_ERR_PROVISIONER_JOB_CANCELED`]);
});

test.run();
