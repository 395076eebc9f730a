import { Type } from '@sinclair/typebox';
import type { PluginContext } from '@hangar/core';
import { listStarterTemplates, starterTemplateArchive } from './starter-templates.js';

const StarterTemplateSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  icon: Type.String(),
  tags: Type.Array(Type.String()),
  markdown: Type.String(),
});

/**
 * `GET /api/v2/templates/examples` (Coder's path): the starter templates this server offers,
 * and `GET /api/v2/templates/examples/:id/archive`: one of them as a tar archive, ready to
 * upload as a template version. Any signed-in user may read them.
 */
export function registerStarterTemplateRoutes(ctx: PluginContext, templatesDir?: string): void {
  ctx.route({
    method: 'GET',
    url: '/api/v2/templates/examples',
    access: 'authenticated',
    summary: 'List the starter templates the server offers.',
    schema: { response: { 200: Type.Array(StarterTemplateSchema) } },
    handler: async () => listStarterTemplates(templatesDir),
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templates/examples/:id/archive',
    access: 'authenticated',
    summary: 'Download a starter template as a tar archive.',
    schema: { params: Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 }) }) },
    async handler(request, reply) {
      const archive = await starterTemplateArchive(request.params.id, templatesDir);
      return reply.type('application/x-tar').header('content-disposition', `attachment; filename="${request.params.id}.tar"`).send(archive);
    },
  });
}
