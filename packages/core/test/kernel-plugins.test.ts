import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createToken, definePlugin, type HangarPlugin, isHangarError, sortPlugins } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';

const names = (plugins: HangarPlugin[]) => plugins.map((p) => p.name);
const plugin = (name: string, dependencies: string[] = [], register: HangarPlugin['register'] = () => {}) =>
  definePlugin({ name, dependencies, register });

test('plugins boot after the plugins they depend on, keeping the given order otherwise', () => {
  const order = sortPlugins([plugin('c', ['b']), plugin('a'), plugin('b', ['a']), plugin('d')]);
  assert.equal(names(order), ['a', 'b', 'c', 'd']);
});

test('a missing dependency fails with a coded error naming both plugins', () => {
  try {
    sortPlugins([plugin('web', ['auth'])]);
    assert.unreachable('sorting should fail');
  } catch (error) {
    assert.ok(isHangarError(error));
    assert.is(error.code, 'HANGAR_ERR_PLUGIN_DEPENDENCY_MISSING');
    assert.is(error.message, 'Plugin "web" depends on "auth", which is not registered.');
  }
});

test('a dependency cycle fails with a coded error that shows the cycle', () => {
  try {
    sortPlugins([plugin('a', ['c']), plugin('b', ['a']), plugin('c', ['b'])]);
    assert.unreachable('sorting should fail');
  } catch (error) {
    assert.ok(isHangarError(error));
    assert.is(error.code, 'HANGAR_ERR_PLUGIN_DEPENDENCY_CYCLE');
    assert.match(error.message, /a → c → b → a/);
  }
});

test('duplicate and badly named plugins are refused', () => {
  assert.throws(() => sortPlugins([plugin('a'), plugin('a')]), (e: Error) => (e as { code?: string }).code === 'HANGAR_ERR_PLUGIN_DUPLICATE');
  assert.throws(() => sortPlugins([plugin('Not Kebab')]), (e: Error) => (e as { code?: string }).code === 'HANGAR_ERR_PLUGIN_INVALID');
});

test('register runs in dependency order, ready in the same order, close in reverse', async () => {
  const events: string[] = [];
  const tracing = (name: string, dependencies: string[] = []) =>
    plugin(name, dependencies, (ctx) => {
      events.push(`register ${name}`);
      ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => void events.push(`ready ${name}`));
      ctx.hooks.lifecycle.close.tapPromise(ctx.name, async () => void events.push(`close ${name}`));
    });
  const server = await startTestServer({ plugins: [tracing('top', ['middle']), tracing('middle', ['base']), tracing('base')] });
  await server.close();
  assert.equal(events, [
    'register base', 'register middle', 'register top',
    'ready base', 'ready middle', 'ready top',
    'close top', 'close middle', 'close base',
  ]);
});

test('lifecycle.listening receives the real address once the server listens', async () => {
  let heard: string | undefined;
  const listener = plugin('listener', [], (ctx) => {
    ctx.hooks.lifecycle.listening.tapPromise(ctx.name, async (info) => void (heard = info.url));
  });
  const server = await startTestServer({ plugins: [listener], listen: true });
  try {
    assert.is(heard, server.baseUrl);
    const response = await fetch(`${server.baseUrl}/healthz`);
    assert.is(await response.text(), 'OK');
  } finally {
    await server.close();
  }
});

test('a plugin that throws while registering fails boot with its name', async () => {
  const broken = plugin('broken', [], () => {
    throw new Error('no config for broken');
  });
  try {
    await startTestServer({ plugins: [broken] });
    assert.unreachable('boot should fail');
  } catch (error) {
    assert.ok(isHangarError(error));
    assert.is(error.code, 'HANGAR_ERR_PLUGIN_REGISTER_FAILED');
    assert.is(error.detail, 'no config for broken');
  }
});

test('kernel hook objects are frozen: no plugin can add or replace a hook', async () => {
  const server = await startTestServer();
  try {
    assert.ok(Object.isFrozen(server.hooks));
    assert.ok(Object.isFrozen(server.hooks.lifecycle));
    assert.throws(() => {
      (server.hooks.lifecycle as unknown as Record<string, unknown>).extra = 1;
    });
  } finally {
    await server.close();
  }
});

const counterToken = createToken<{ value: number }>('test.counter');

test('each server has its own container: a service provided in one is absent from the other', async () => {
  const provider = plugin('counter', [], (ctx) => ctx.provide(counterToken, () => ({ value: 0 })));
  const [withCounter, without] = await Promise.all([startTestServer({ plugins: [provider] }), startTestServer()]);
  try {
    withCounter.container.resolve(counterToken).value += 1;
    assert.is(withCounter.container.resolve(counterToken).value, 1, 'a singleton keeps its state');
    assert.not.ok(without.container.has(counterToken));
    assert.throws(() => without.container.resolve(counterToken), (e: Error) => (e as { code?: string }).code === 'HANGAR_ERR_SERVICE_MISSING');
  } finally {
    await Promise.all([withCounter.close(), without.close()]);
  }
});

test('each request gets a child container with its own scoped services', async () => {
  const scopedToken = createToken<{ id: number }>('test.scoped');
  let next = 0;
  const seen: number[] = [];
  const scoped = plugin('scoped', [], (ctx) => {
    ctx.provide(scopedToken, () => ({ id: ++next }), 'scoped');
    ctx.route({
      method: 'GET',
      url: '/api/v2/scoped',
      access: 'public',
      handler: async (request) => {
        const first = request.scope.resolve(scopedToken);
        assert.is(request.scope.resolve(scopedToken), first, 'same instance within a request');
        seen.push(first.id);
        return { id: first.id };
      },
    });
  });
  const server = await startTestServer({ plugins: [scoped] });
  try {
    await server.inject('/api/v2/scoped');
    await server.inject('/api/v2/scoped');
    assert.equal(seen, [1, 2]);
  } finally {
    await server.close();
  }
});

test.run();
