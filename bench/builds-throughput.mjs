#!/usr/bin/env node
// Workspace builds per second through the whole HTTP API, with the echo provisioner and 1 or
// 3 in-process daemons, against baselines measured in the same run on the same PostgreSQL:
// the same number of API round trips without a build (a rename and a read per cycle), and
// the 1-daemon run for the 3-daemon one.
//
// Usage: pnpm build && node bench/builds-throughput.mjs [rounds] [workspaces]
// Uses HANGAR_TEST_POSTGRES_URL when set, otherwise an embedded PostgreSQL of its own.
// Loopback only; bounded loops.
import { corePlugins } from '../packages/core/dist/index.js';
import { echoProvisionerPlugin, makeTemplateArchive, startTestServer } from '../packages/core/dist/testing/index.js';

const rounds = Math.min(Math.max(Number(process.argv[2] ?? 6), 2), 50);
const workspaceCount = Math.min(Math.max(Number(process.argv[3] ?? 6), 1), 24);
const password = 'Correct-Horse-42-Battery';

/** A template: a VM with an agent and an app, and a home volume kept across stops. */
const echoScript = (applyMs) => ({
  plan: {
    start: {
      resources: [
        { name: 'dev', type: 'echo_vm', agents: [{ name: 'main', authToken: 'bench-token', apps: [{ slug: 'code', displayName: 'Code', url: 'http://localhost:8080', subdomain: false, shareLevel: 'owner', external: false }] }] },
        { name: 'home', type: 'echo_volume' },
      ],
    },
    stop: { resources: [{ name: 'home', type: 'echo_volume' }] },
  },
  apply: { logs: ['applying'], ...(applyMs ? { delayMs: applyMs } : {}) },
});

/** One server with `daemons` in-process daemons, an owner, a template and `workspaceCount` running workspaces. */
async function setUp(daemons, applyMs) {
  const server = await startTestServer({
    // One user drives every request: the per-user API budget would throttle the benchmark itself.
    corePlugins: corePlugins({ identity: { rateLimits: { disabled: true } } }),
    plugins: [echoProvisionerPlugin()],
    listen: true,
    config: { provisionerDaemons: daemons },
  });
  const api = client(server.baseUrl);
  const first = await api.json('POST', '/api/v2/users/first', { email: 'bench@example.com', username: 'bench', password });
  api.token = (await api.json('POST', '/api/v2/users/login', { email: 'bench@example.com', password })).session_token;
  const org = first.organization_id;
  const archive = await makeTemplateArchive({ 'echo.json': echoScript(applyMs) });
  const file = await api.raw('POST', '/api/v2/files', Buffer.from(archive), 'application/x-tar');
  const version = await api.json('POST', `/api/v2/organizations/${org}/templateversions`, { file_id: (await file.json()).hash, provisioner: 'echo' });
  for (let i = 0; i < 400 && (await api.json('GET', `/api/v2/templateversions/${version.id}`)).job.status !== 'succeeded'; i++) await sleep(10);
  const template = await api.json('POST', `/api/v2/organizations/${org}/templates`, { name: 'bench', template_version_id: version.id });
  const workspaces = [];
  for (let i = 0; i < workspaceCount; i++) {
    const ws = await api.json('POST', `/api/v2/organizations/${org}/members/me/workspaces`, { name: `ws-${i}`, template_id: template.id });
    workspaces.push(ws.id);
    await api.followToEnd(ws.latest_build.id);
  }
  return { server, api, workspaces };
}

/** A minimal API client over loopback (fetch keeps connections alive). */
function client(baseUrl) {
  const api = {
    token: '',
    async raw(method, path, body, type = 'application/json') {
      const response = await fetch(baseUrl + path, {
        method,
        headers: { ...(api.token ? { 'hangar-session-token': api.token } : {}), ...(body !== undefined ? { 'content-type': type } : {}) },
        ...(body !== undefined ? { body: type === 'application/json' ? JSON.stringify(body) : body } : {}),
      });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response;
    },
    async json(method, path, body) {
      return (await api.raw(method, path, body)).json();
    },
    /** Follows a build's log (Server-Sent Events) until the `end` event: when its job is over. */
    async followToEnd(buildId) {
      const response = await api.raw('GET', `/api/v2/workspacebuilds/${buildId}/logs?follow=true`);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        const end = /event: end\ndata: (.*)\n\n/.exec(text);
        if (end) {
          await reader.cancel().catch(() => undefined);
          const { status } = JSON.parse(end[1]);
          if (status !== 'succeeded') throw new Error(`build ${buildId} ended ${status}`);
          return;
        }
      }
      throw new Error(`the log of build ${buildId} ended without an end event`);
    },
  };
  return api;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Every workspace at once runs `rounds` cycles of `cycle`; returns cycles per second and the median cycle time. */
async function drive(workspaces, cycle) {
  const times = [];
  const started = performance.now();
  await Promise.all(
    workspaces.map(async (id) => {
      for (let round = 0; round < rounds; round++) {
        const t = performance.now();
        await cycle(id, round);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: times.length / seconds, medianMs: median(times), count: times.length };
}

async function measure(daemons, applyMs) {
  const { server, api, workspaces } = await setUp(daemons, applyMs);
  try {
    // Baseline: a write in an audited transaction (a rename) and a read of the latest build, per cycle.
    const bare = await drive(workspaces, async (id, round) => {
      await api.json('PATCH', `/api/v2/workspaces/${id}`, { name: `ws-${id.slice(0, 8)}-${round % 2}` });
      await api.json('GET', `/api/v2/workspaces/${id}`);
    });
    // Builds: queue a stop or a start, then follow its log until the job ends.
    const builds = await drive(workspaces, async (id, round) => {
      const build = await api.json('POST', `/api/v2/workspaces/${id}/builds`, { transition: round % 2 === 0 ? 'stop' : 'start' });
      await api.followToEnd(build.id);
    });
    return { daemons, applyMs, bare, builds };
  } finally {
    await server.close();
  }
}

const f = (n, digits = 1) => n.toFixed(digits);
const results = [];
for (const applyMs of [0, 100]) {
  for (const daemons of [1, 3]) results.push(await measure(daemons, applyMs));
}

console.log(`\nbuilds through the API: ${workspaceCount} workspaces at once, ${rounds} builds each (stop/start alternating), echo provisioner\n`);
console.log('| apply time | daemons | builds/s | median build (ms) | bare API cycles/s | bare cycle (ms) | builds/s ÷ bare cycles/s | builds/s ÷ 1 daemon |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const one = results.find((x) => x.applyMs === r.applyMs && x.daemons === 1);
  console.log(
    `| ${r.applyMs} ms | ${r.daemons} | ${f(r.builds.perSecond)} | ${f(r.builds.medianMs, 0)} | ${f(r.bare.perSecond)} | ${f(r.bare.medianMs, 0)} | ` +
      `${f(r.builds.perSecond / r.bare.perSecond, 3)}× | ${f(r.builds.perSecond / one.builds.perSecond, 2)}× |`,
  );
}
process.exit(0);
