import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HangarError } from '../errors/hangar-error.js';
import { requireSubject } from '../identity/request-auth.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { fileServiceToken } from './file-service.js';

/** Content types an archive upload may carry; the bytes decide the format. */
export const archiveContentTypes = ['application/x-tar', 'application/tar', 'application/zip', 'application/x-zip-compressed', 'application/gzip', 'application/x-gzip', 'application/octet-stream'];

/** Largest upload accepted (compressed). */
export const maxUploadBytes = 10 * 1024 * 1024;

/** Lets fastify hand archive bodies to the route as a Buffer. */
export function addArchiveParser(app: FastifyInstance): void {
  app.addContentTypeParser(archiveContentTypes, { parseAs: 'buffer', bodyLimit: maxUploadBytes }, (_request, body, done) => done(null, body));
}

/** `POST /api/v2/files` and `GET /api/v2/files/:hash`. */
export function registerFileRoutes(ctx: PluginContext): void {
  ctx.route({
    method: 'POST',
    url: '/api/v2/files',
    access: { action: rbacActions.create, resource: rbacResources.file },
    summary: 'Upload a template archive (tar, tar.gz or zip); it is stored once per content hash.',
    bodyLimit: maxUploadBytes,
    schema: { response: { 200: Type.Object({ hash: Type.String() }), 201: Type.Object({ hash: Type.String() }) } },
    async handler(request, reply) {
      const subject = requireSubject(request);
      if (!Buffer.isBuffer(request.body)) {
        throw new HangarError('HANGAR_ERR_FILE_TYPE_UNSUPPORTED', { type: request.headers['content-type'] ?? 'none' });
      }
      const stored = await ctx.resolve(fileServiceToken).store(request.scope.resolve(entityManagerToken), request.body, subject.id);
      return reply.status(stored.created ? 201 : 200).send({ hash: stored.hash });
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/files/:hash',
    access: { action: rbacActions.read, resource: rbacResources.file },
    summary: 'Download a stored template archive (as tar).',
    schema: { params: Type.Object({ hash: Type.String({ pattern: '^[0-9a-f]{64}$' }) }) },
    async handler(request, reply) {
      const subject = requireSubject(request);
      const files = ctx.resolve(fileServiceToken);
      const em = request.scope.resolve(entityManagerToken);
      const file = await files.get(em, request.params.hash);
      const visible = file && ctx.resolve(authorizerToken).can(subject, rbacActions.read, { type: rbacResources.file, id: file.hash, ownerId: file.createdBy });
      if (!file || !visible) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'file' });
      return reply.type(file.mimetype).header('content-disposition', `attachment; filename="${file.hash}.tar"`).send(await files.bytes(em, file.hash));
    },
  });
}
