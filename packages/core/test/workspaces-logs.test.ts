import { request } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EchoScript, TestServer } from '../src/testing/index.js';
import { call, type Owner } from './support/identity-fixtures.js';
import { createEchoTemplate, createWorkspace, startWorkspaceServer, waitForBuild } from './support/workspace-fixtures.js';

/** One Server-Sent Event. */
interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Follows an SSE URL until `stopAfter` says so (then disconnects, as a dropped client would)
 * or the server ends the stream. Resolves with the events and the response headers.
 */
function follow(url: string, token: string, options: { lastEventId?: string; stopAfter?: (events: SseEvent[]) => boolean } = {}) {
  return new Promise<{ events: SseEvent[]; contentType: string; ended: boolean }>((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = request(url, { headers: { 'hangar-session-token': token, accept: 'text/event-stream', ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event: SseEvent = { event: 'message', data: '' };
          let fields = 0;
          for (const line of block.split('\n')) {
            const [key, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (key === 'id') event.id = value;
            else if (key === 'event') event.event = value;
            else if (key === 'data') event.data += value;
            else continue;
            fields++;
          }
          if (fields && event.data) events.push(event);
          if (options.stopAfter?.(events)) {
            req.destroy();
            return resolve({ events, contentType: String(res.headers['content-type']), ended: false });
          }
        }
      });
      res.on('end', () => resolve({ events, contentType: String(res.headers['content-type']), ended: true }));
      res.on('error', () => undefined);
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
const script: EchoScript = {
  plan: { start: { logs: lines('planning', 4), delayMs: 400, resources: [{ name: 'dev', type: 'echo_vm' }] } },
  apply: { start: { logs: lines('applying', 4), delayMs: 400 } },
};

let server: TestServer;
let owner: Owner;
let templateId: string;
test.before(async () => {
  ({ server, owner } = await startWorkspaceServer({ daemons: 1, listen: true }));
  ({ templateId } = await createEchoTemplate(server, owner, 'chatty', script));
});
test.after(async () => server?.close());

test('a client that drops and reconnects with Last-Event-ID gets every line once, then the end', async () => {
  const ws = (await createWorkspace(server, owner, owner.token, { name: 'chatty-1', template_id: templateId })).json();
  const url = `${server.baseUrl}/api/v2/workspacebuilds/${ws.latest_build.id}/logs?follow=true`;
  const first = await follow(url, owner.token, { stopAfter: (events) => events.some((e) => e.data.includes('planning 2')) });
  assert.is(first.contentType, 'text/event-stream; charset=utf-8');
  assert.is(first.ended, false);
  const lastId = first.events.filter((e) => e.event === 'log').at(-1)!.id!;
  const second = await follow(url, owner.token, { lastEventId: lastId });
  assert.is(second.ended, true, 'the server ends the stream when the job ends');
  const end = second.events.at(-1)!;
  assert.is(end.event, 'end');
  assert.equal(JSON.parse(end.data), { status: 'succeeded' });

  const seen = [...first.events, ...second.events].filter((e) => e.event === 'log');
  const ids = seen.map((e) => Number(e.id));
  assert.equal(ids, [...new Set(ids)].sort((a, b) => a - b), 'no line twice, in order');
  for (const event of seen) assert.is(JSON.parse(event.data).id, Number(event.id));
  const stored = (await call(server, 'GET', `/api/v2/workspacebuilds/${ws.latest_build.id}/logs`, { token: owner.token })).json() as { id: number; output: string }[];
  assert.equal(ids, stored.map((l) => l.id), 'the two streams together are the whole stored log');
  const outputs = stored.map((l) => l.output);
  for (const line of [...lines('planning', 4), ...lines('applying', 4)]) assert.ok(outputs.includes(line), line);
  assert.ok(first.events.length > 0 && second.events.length > 1, 'the reconnect really resumed mid-build');
});

test('after= returns only newer lines; following a finished build replays from the cursor and ends at once', async () => {
  const ws = (await createWorkspace(server, owner, owner.token, { name: 'chatty-2', template_id: templateId })).json();
  await waitForBuild(server, owner.token, ws.latest_build.id);
  const all = (await call(server, 'GET', `/api/v2/workspacebuilds/${ws.latest_build.id}/logs`, { token: owner.token })).json() as { id: number }[];
  const cursor = all[2]!.id;
  const after = (await call(server, 'GET', `/api/v2/workspacebuilds/${ws.latest_build.id}/logs?after=${cursor}`, { token: owner.token })).json() as { id: number }[];
  assert.equal(after.map((l) => l.id), all.slice(3).map((l) => l.id));
  const replay = await follow(`${server.baseUrl}/api/v2/workspacebuilds/${ws.latest_build.id}/logs?follow=true&after=${cursor}`, owner.token);
  assert.is(replay.ended, true);
  assert.equal(replay.events.filter((e) => e.event === 'log').map((e) => Number(e.id)), all.slice(3).map((l) => l.id));
  assert.is(replay.events.at(-1)!.event, 'end');
  const bad = await call(server, 'GET', `/api/v2/workspacebuilds/${ws.latest_build.id}/logs?after=abc`, { token: owner.token });
  assert.is(bad.statusCode, 400);
});

test.run();
