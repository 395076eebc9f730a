import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PostgresPubSub, pgChannel, pubSubToken } from '../src/index.js';
import { startTestServer, type TestServer } from '../src/testing/index.js';

let server: TestServer;
let other: PostgresPubSub;
test.before(async () => {
  server = await startTestServer();
  // A second pubsub on its own connections: as another replica would be.
  other = new PostgresPubSub(server.database.url, (sql, bindings) => server.database.execute(sql, bindings));
});
test.after(async () => {
  await other?.close();
  await server?.close();
});

function nextMessage(pubsub: PostgresPubSub | ReturnType<TestServer['container']['resolve']>, channel: string) {
  return new Promise<{ payload: string; unsubscribe: () => Promise<void> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${channel} within 5 s`)), 5_000);
    let unsubscribe: () => Promise<void>;
    (pubsub as PostgresPubSub)
      .subscribe(channel, (payload) => {
        clearTimeout(timer);
        resolve({ payload, unsubscribe });
      })
      .then((u) => (unsubscribe = u), reject);
  });
}

test('a message published on one connection reaches a subscriber on another', async () => {
  const received = new Promise<string>((resolve) => void other.subscribe('jobs.wakeup', resolve));
  await new Promise((r) => setTimeout(r, 50)); // let LISTEN take effect
  await server.container.resolve(pubSubToken).publish('jobs.wakeup', '{"job":"1"}');
  assert.is(await received, '{"job":"1"}');
});

test('payloads over the 8,000-byte NOTIFY limit arrive whole', async () => {
  const big = JSON.stringify({ lines: Array.from({ length: 2_000 }, (_, i) => `log line ${i} ✓`) });
  assert.ok(Buffer.byteLength(big) > 8_000);
  const message = nextMessage(other, 'logs.big');
  await new Promise((r) => setTimeout(r, 50));
  await server.container.resolve(pubSubToken).publish('logs.big', big);
  assert.is((await message).payload, big);
});

test('an unsubscribed listener hears nothing more, others still do', async () => {
  const heard: string[] = [];
  const stop = await other.subscribe('events', (p) => heard.push(`a:${p}`));
  await other.subscribe('events', (p) => heard.push(`b:${p}`));
  const pubsub = server.container.resolve(pubSubToken);
  await pubsub.publish('events', '1');
  await new Promise((r) => setTimeout(r, 200));
  await stop();
  await pubsub.publish('events', '2');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(heard.sort(), ['a:1', 'b:1', 'b:2']);
});

test('channels do not leak into each other and long names are hashed under the 63-byte limit', async () => {
  const long = `workspace.${'x'.repeat(200)}`;
  assert.ok(Buffer.byteLength(pgChannel(long)) <= 63);
  assert.is.not(pgChannel(long), pgChannel(`${long}y`));
  const heard: string[] = [];
  await other.subscribe('one', (p) => heard.push(`one:${p}`));
  await other.subscribe(long, (p) => heard.push(`long:${p}`));
  await server.container.resolve(pubSubToken).publish(long, 'L');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(heard, ['long:L']);
});

test.run();
