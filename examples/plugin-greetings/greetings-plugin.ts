import { Type } from '@sinclair/typebox';
import { AsyncSeriesWaterfallHook } from 'tapable';
import { defineEntity, p } from '@mikro-orm/core';
import { createToken, definePlugin, entityManagerToken, sqlMigration } from '@hangar/core';

/** A stored greeting. */
export const Greeting = defineEntity({
  name: 'Greeting',
  tableName: 'greetings',
  properties: {
    id: p.integer().primary().autoincrement(),
    text: p.string(),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
  },
});

/** The plugin's own hooks, published behind its own token. */
export function createGreetingHooks() {
  return Object.freeze({
    /** Before a greeting is stored; return a changed text to rewrite it. */
    composeGreeting: new AsyncSeriesWaterfallHook<[string]>(['text']),
  });
}
export const greetingHooksToken = createToken<ReturnType<typeof createGreetingHooks>>('greetings.hooks');

/** Says hello, remembers it, and lets other plugins change the wording. */
export const greetingsPlugin = (options: { punctuation?: string } = {}) =>
  definePlugin({
    name: 'greetings',
    register(ctx) {
      const hooks = createGreetingHooks();
      ctx.provide(greetingHooksToken, () => hooks);
      ctx.entities(Greeting);
      ctx.migrations(
        sqlMigration(
          '20261204-9001-greetings',
          'create table greetings (id serial primary key, text text not null, created_at timestamptz not null)',
        ),
      );
      ctx.route({
        method: 'POST',
        url: '/api/v2/greetings',
        access: 'public',
        summary: 'Greet someone and remember it.',
        schema: {
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 201: Type.Object({ id: Type.Integer(), text: Type.String() }) },
        },
        async handler(request, reply) {
          const text = await hooks.composeGreeting.promise(`Hello, ${request.body.name}${options.punctuation ?? '!'}`);
          const em = request.scope.resolve(entityManagerToken);
          const greeting = em.create(Greeting, { text });
          await em.flush();
          return reply.status(201).send({ id: greeting.id, text: greeting.text });
        },
      });
      ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => ctx.logger.info('greetings ready'));
    },
  });
