import { Type } from '@sinclair/typebox';
import { auditServiceToken } from '../audit/audit-service.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { listFilterWhere } from '../rbac/list-filter.js';
import { rbacActions as a, rbacResources as r } from '../rbac/rbac-resources.js';
import { TemplateSchema, TemplateVersionSchema } from './template-entities.js';
import { CreateTemplateBody, IdParams, OrganizationParams, PromoteBody, TemplateView, UpdateTemplateBody, VersionView } from './template-schemas.js';
import { templateServiceToken } from './template-service.js';
import { organizationIdOf, templateScope } from './template-access.js';
import { templateView, versionView } from './template-views.js';

const rule = (action: string) => ({ action, resource: r.template });

/** Routes of templates: create, list, get, update, delete, versions, promote. */
export function registerTemplateRoutes(ctx: PluginContext): void {
  const service = () => ctx.resolve(templateServiceToken);
  const audit = () => ctx.resolve(auditServiceToken);

  ctx.route({
    method: 'POST',
    url: '/api/v2/organizations/:organization/templates',
    access: rule(a.create),
    summary: 'Create a template from a successfully imported version.',
    schema: { params: OrganizationParams, body: CreateTemplateBody, response: { 201: TemplateView } },
    async handler(request, reply) {
      const scope = templateScope(ctx, request);
      const organizationId = await organizationIdOf(scope.em, request.params.organization);
      scope.authorize(a.create, organizationId);
      const body = request.body;
      const template = await audit().transaction(scope.em, audit().contextOf(request), async (tx, record) => {
        const created = await service().createTemplate(tx, {
          organizationId,
          name: body.name,
          displayName: body.display_name,
          description: body.description,
          icon: body.icon,
          versionId: body.template_version_id,
          createdBy: scope.subject.id,
        });
        record({ action: 'create', resourceType: 'template', resourceId: created.id, resourceTarget: created.name, organizationId, diff: audit().diff('template', undefined, templateView(created)), statusCode: 201 });
        return created;
      });
      return reply.status(201).send(templateView(template));
    },
  });

  const listTemplates = async (request: Parameters<typeof templateScope>[1], organizationId?: string) => {
    const scope = templateScope(ctx, request);
    const filter = ctx.resolve(authorizerToken).listFilter(scope.subject, a.read, r.template);
    const where = { $and: [listFilterWhere(filter, { organization: 'organizationId' }), { deleted: false }, organizationId ? { organizationId } : {}] };
    const templates = await scope.em.find(TemplateSchema, where as never, { orderBy: { name: 'asc' } });
    return templates.map(templateView);
  };

  ctx.route({
    method: 'GET',
    url: '/api/v2/organizations/:organization/templates',
    access: rule(a.read),
    summary: "List an organization's templates you may see.",
    schema: { params: OrganizationParams, response: { 200: Type.Array(TemplateView) } },
    async handler(request) {
      const organizationId = await organizationIdOf(templateScope(ctx, request).em, request.params.organization);
      return listTemplates(request, organizationId);
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templates',
    access: rule(a.read),
    summary: 'List every template you may see, across organizations.',
    schema: { response: { 200: Type.Array(TemplateView) } },
    handler: (request) => listTemplates(request),
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templates/:id',
    access: rule(a.read),
    summary: 'Get a template.',
    schema: { params: IdParams, response: { 200: TemplateView } },
    async handler(request) {
      const scope = templateScope(ctx, request);
      const template = await service().template(scope.em, request.params.id);
      scope.authorize(a.read, template.organizationId);
      return templateView(template);
    },
  });

  ctx.route({
    method: 'PATCH',
    url: '/api/v2/templates/:id',
    access: rule(a.update),
    summary: "Change a template's name, display name, description or icon.",
    schema: { params: IdParams, body: UpdateTemplateBody, response: { 200: TemplateView } },
    async handler(request) {
      const scope = templateScope(ctx, request);
      const template = await service().template(scope.em, request.params.id);
      scope.authorize(a.update, template.organizationId);
      const before = templateView(template);
      await audit().transaction(scope.em, audit().contextOf(request), async (tx, record) => {
        await service().updateTemplate(tx, template, request.body);
        record({ action: 'write', resourceType: 'template', resourceId: template.id, resourceTarget: template.name, organizationId: template.organizationId, diff: audit().diff('template', before, templateView(template)) });
      });
      return templateView(template);
    },
  });

  ctx.route({
    method: 'DELETE',
    url: '/api/v2/templates/:id',
    access: rule(a.delete),
    summary: 'Delete a template that no workspace uses.',
    schema: { params: IdParams, response: { 200: Type.Object({ message: Type.String() }) } },
    async handler(request) {
      const scope = templateScope(ctx, request);
      const template = await service().template(scope.em, request.params.id);
      scope.authorize(a.delete, template.organizationId);
      await audit().transaction(scope.em, audit().contextOf(request), async (tx, record) => {
        await service().deleteTemplate(tx, template);
        record({ action: 'delete', resourceType: 'template', resourceId: template.id, resourceTarget: template.name, organizationId: template.organizationId });
      });
      return { message: `Template "${template.name}" deleted.` };
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/templates/:id/versions',
    access: rule(a.read),
    summary: "List a template's versions, newest first.",
    schema: { params: IdParams, response: { 200: Type.Array(VersionView) } },
    async handler(request) {
      const scope = templateScope(ctx, request);
      const template = await service().template(scope.em, request.params.id);
      scope.authorize(a.read, template.organizationId);
      const versions = await scope.em.find(TemplateVersionSchema, { templateId: template.id }, { orderBy: { createdAt: 'desc' } });
      const jobs = await service().jobSummaries(scope.em, versions.map((v) => v.jobId));
      return versions.map((v) => versionView(v, jobs.get(v.jobId)));
    },
  });

  ctx.route({
    method: 'PATCH',
    url: '/api/v2/templates/:id/versions',
    access: rule(a.update),
    summary: 'Promote a version to be the active one (new workspaces use it).',
    schema: { params: IdParams, body: PromoteBody, response: { 200: TemplateView } },
    async handler(request) {
      const scope = templateScope(ctx, request);
      const template = await service().template(scope.em, request.params.id);
      scope.authorize(a.update, template.organizationId);
      const before = templateView(template);
      await audit().transaction(scope.em, audit().contextOf(request), async (tx, record) => {
        await service().promote(tx, template, request.body.id);
        record({ action: 'write', resourceType: 'template', resourceId: template.id, resourceTarget: template.name, organizationId: template.organizationId, diff: audit().diff('template', before, templateView(template)) });
      });
      return templateView(template);
    },
  });
}
