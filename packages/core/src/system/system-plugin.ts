import { Type } from '@sinclair/typebox';
import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { configToken, databaseToken, versionToken } from '../kernel/kernel-tokens.js';
import { systemMigrations } from './system-migrations.js';

const BuildInfo = Type.Object({
  version: Type.String({ description: 'Hangar version.' }),
  access_url: Type.String({ description: 'The URL users and agents reach this deployment at.' }),
  deployment_id: Type.String({ description: 'A stable id of this deployment.' }),
  node_version: Type.String(),
});

/**
 * Core's system routes: `GET /healthz` (with a database round trip), `GET /api/v2/buildinfo`
 * and `GET /api/v2/openapi.json`, generated from every route's schema.
 */
export const systemPlugin = (): HangarPlugin =>
  definePlugin({
    name: 'system',
    register(ctx) {
      ctx.migrations(...systemMigrations);
      let deploymentId: string | undefined;
      ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => {
        const rows = await ctx.resolve(databaseToken).execute<{ value: string }[]>(
          "select value from hangar_site_config where key = 'deployment_id'",
        );
        deploymentId = rows[0]?.value;
      });

      ctx.route({
        method: 'GET',
        url: '/healthz',
        access: 'public',
        summary: 'Liveness and database reachability.',
        tags: ['system'],
        schema: { response: { 200: Type.String() } },
        async handler(_request, reply) {
          await ctx.resolve(databaseToken).execute('select 1');
          return reply.type('text/plain').send('OK');
        },
      });

      ctx.route({
        method: 'GET',
        url: '/api/v2/buildinfo',
        access: 'public',
        summary: 'Version and deployment facts.',
        schema: { response: { 200: BuildInfo } },
        handler: async () => ({
          version: ctx.resolve(versionToken),
          access_url: ctx.resolve(configToken).accessUrl,
          deployment_id: deploymentId ?? '',
          node_version: process.version,
        }),
      });

      ctx.route({
        method: 'GET',
        url: '/api/v2/openapi.json',
        access: 'public',
        summary: 'The OpenAPI 3 document of this server, every plugin route included.',
        handler: async (request) => request.server.swagger(),
      });
    },
  });
