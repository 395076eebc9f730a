import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { auditServiceToken } from '../audit/audit-service.js';
import { jobQueueToken } from '../provisioning/job-queue.js';
import { JobLogQuerySchema, JobLogSchema, sendJobLogs } from '../provisioning/job-log-http.js';
import type { PluginContext } from '../kernel/plugin.js';
import { rbacActions as a, rbacResources as r } from '../rbac/rbac-resources.js';
import { TemplateVersionParameterSchema, TemplateVersionVariableSchema } from './template-entities.js';
import { CreateVersionBody, IdParams, OrganizationParams, VersionView } from './template-schemas.js';
import { templateServiceToken } from './template-service.js';
import { organizationIdOf, templateScope } from './template-access.js';
import { parameterView, resourceView, variableView, versionView } from './template-views.js';

/** Routes of template versions: create (which imports), get, parameters, variables, resources, cancel. */
export function registerTemplateVersionRoutes(ctx: PluginContext): void {
  const service = () => ctx.resolve(templateServiceToken);
  const templateRule = (action: string) => ({ action, resource: r.template });
  /** The version a `:id` route names, once the caller may do `action` in its organization. */
  const versionFor = async (request: FastifyRequest<{ Params: { id: string } }>, action: string) => {
    const scope = templateScope(ctx, request);
    const version = await service().version(scope.em, request.params.id);
    scope.authorize(action, version.organizationId);
    return { scope, version };
  };

  ctx.route({
    method: 'POST',
    url: '/api/v2/organizations/:organization/templateversions',
    access: templateRule(a.create),
    summary: 'Create a template version from an uploaded archive; its import job starts at once.',
    schema: { params: OrganizationParams, body: CreateVersionBody, response: { 201: VersionView } },
    async handler(request, reply) {
      const scope = templateScope(ctx, request);
      const organizationId = await organizationIdOf(scope.em, request.params.organization);
      scope.authorize(a.create, organizationId);
      const body = request.body;
      const variableValues = Object.fromEntries((body.user_variable_values ?? []).map((v) => [v.name, v.value]));
      const audit = ctx.resolve(auditServiceToken);
      const version = await audit.transaction(scope.em, audit.contextOf(request), async (tx, record) => {
        const created = await service().createVersion(tx, {
          organizationId,
          fileHash: body.file_id,
          provisioner: body.provisioner,
          createdBy: scope.subject.id,
          name: body.name,
          message: body.message,
          templateId: body.template_id,
          variableValues,
          tags: body.tags,
        });
        record({
          action: 'create',
          resourceType: 'template_version',
          resourceId: created.id,
          resourceTarget: created.name,
          organizationId,
          diff: { name: { old: null, new: created.name }, file_id: { old: null, new: created.fileHash } } as never,
          statusCode: 201,
        });
        return created;
      });
      const jobs = await service().jobSummaries(scope.em, [version.jobId]);
      return reply.status(201).send(versionView(version, jobs.get(version.jobId)));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templateversions/:id',
    access: templateRule(a.read),
    summary: 'Get a template version with its import job.',
    schema: { params: IdParams, response: { 200: VersionView } },
    async handler(request) {
      const { scope, version } = await versionFor(request, a.read);
      return versionView(version, (await service().jobSummaries(scope.em, [version.jobId])).get(version.jobId));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templateversions/:id/parameters',
    access: templateRule(a.read),
    summary: 'The workspace parameters a version declares, in declaration order.',
    schema: { params: IdParams },
    async handler(request) {
      const { scope, version } = await versionFor(request, a.read);
      const rows = await scope.em.find(TemplateVersionParameterSchema, { templateVersionId: version.id }, { orderBy: { position: 'asc' } });
      return rows.map(parameterView);
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templateversions/:id/variables',
    access: templateRule(a.update),
    summary: 'The template variables of a version and their values (sensitive values are never returned).',
    schema: { params: IdParams },
    async handler(request) {
      const { scope, version } = await versionFor(request, a.update);
      const rows = await scope.em.find(TemplateVersionVariableSchema, { templateVersionId: version.id }, { orderBy: { name: 'asc' } });
      return rows.map(variableView);
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templateversions/:id/resources',
    access: templateRule(a.read),
    summary: 'The resources a start of this version creates, each marked persistent or not.',
    schema: { params: IdParams },
    async handler(request) {
      const { version } = await versionFor(request, a.read);
      return version.resources.map(resourceView);
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templateversions/:id/logs',
    access: templateRule(a.read),
    summary: "An import's log; `follow=true` streams it live as Server-Sent Events (`Last-Event-ID` resumes).",
    schema: { params: IdParams, querystring: JobLogQuerySchema, response: { 200: Type.Array(JobLogSchema) } },
    async handler(request, reply) {
      const { version } = await versionFor(request, a.read);
      return sendJobLogs(request, reply, ctx.resolve(jobQueueToken), version.jobId, request.query);
    },
  });

  ctx.route({
    method: 'PATCH',
    url: '/api/v2/templateversions/:id/cancel',
    access: templateRule(a.update),
    summary: 'Cancel the import job of a version.',
    schema: { params: IdParams, response: { 200: Type.Object({ message: Type.String() }) } },
    async handler(request) {
      const { version } = await versionFor(request, a.update);
      await ctx.resolve(jobQueueToken).cancel(version.jobId);
      return { message: 'Canceling the import.' };
    },
  });
}
