import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { greetingHooksToken, greetingsPlugin } from '../../../examples/plugin-greetings/greetings-plugin.js';
import { startTestServer } from '../src/testing/index.js';

test('docs/plugins.md shows the example plugin exactly as it is tested here', () => {
  const source = readFileSync(new URL('../../../examples/plugin-greetings/greetings-plugin.ts', import.meta.url), 'utf8');
  const docs = readFileSync(new URL('../../../docs/plugins.md', import.meta.url), 'utf8');
  assert.ok(docs.includes(source.trim()), 'copy examples/plugin-greetings/greetings-plugin.ts into docs/plugins.md');
});

test('the example plugin stores greetings, validates input, and lets another plugin rewrite them', async () => {
  const shout = {
    name: 'shout',
    dependencies: ['greetings'],
    register(ctx: import('../src/index.js').PluginContext) {
      ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => {
        ctx.resolve(greetingHooksToken).composeGreeting.tapPromise(ctx.name, async (text) => text.toUpperCase());
      });
    },
  };
  const server = await startTestServer({ plugins: [greetingsPlugin({ punctuation: '?' }), shout] });
  try {
    const created = await server.inject({ method: 'POST', url: '/api/v2/greetings', payload: { name: 'Ada' } });
    assert.is(created.statusCode, 201);
    assert.is(created.json().text, 'HELLO, ADA?');
    const rows = await server.database.execute<{ text: string }[]>('select text from greetings');
    assert.equal(rows, [{ text: 'HELLO, ADA?' }]);
    const invalid = await server.inject({ method: 'POST', url: '/api/v2/greetings', payload: { name: '' } });
    assert.is(invalid.statusCode, 400);
    assert.is(invalid.json().validations[0].field, 'name');
    const openapi = (await server.inject('/api/v2/openapi.json')).json();
    assert.ok(openapi.paths['/api/v2/greetings'].post, 'the route is in the OpenAPI document');
  } finally {
    await server.close();
  }
});

test.run();
