import { fileServiceToken } from '../files/file-service.js';
import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { jobKindRegistryToken } from '../provisioning/job-kinds.js';
import { jobQueueToken } from '../provisioning/job-queue.js';
import { provisionerRegistryToken } from '../provisioning/provisioner.js';
import { auditServiceToken } from '../audit/audit-service.js';
import type { AuditFieldTable } from '../audit/audit-diff.js';
import { createImportJobHandler } from './import-job-kind.js';
import {
  TemplateSchema,
  TemplateVersionParameterSchema,
  TemplateVersionSchema,
  TemplateVersionVariableSchema,
} from './template-entities.js';
import './template-errors.js';
import { templateMigrations } from './template-migrations.js';
import { registerTemplateRoutes } from './template-routes.js';
import { TemplateService, templateServiceToken } from './template-service.js';
import { registerTemplateVersionRoutes } from './template-version-routes.js';

/** Fields of a template that audit diffs show. */
const templateAuditFields: AuditFieldTable = { name: 'track', display_name: 'track', description: 'track', icon: 'track', active_version_id: 'track' };

/**
 * Templates and template versions: versions are imported by a provisioner job (parse, then
 * plan for start and for stop), templates are made from imported versions, and a template's
 * active version is what new workspaces use.
 */
export const templatesPlugin = (): HangarPlugin =>
  definePlugin({
    name: 'templates',
    dependencies: ['identity', 'rbac', 'audit', 'organizations', 'files', 'provisioning'],
    register(ctx) {
      ctx.entities(TemplateSchema, TemplateVersionSchema, TemplateVersionParameterSchema, TemplateVersionVariableSchema);
      ctx.migrations(...templateMigrations);
      ctx.provide(templateServiceToken, (c) => new TemplateService(() => c.resolve(provisionerRegistryToken), () => c.resolve(jobQueueToken)));
      ctx.resolve(jobKindRegistryToken).register(createImportJobHandler(() => ctx.resolve(fileServiceToken)));
      ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => {
        ctx.resolve(auditServiceToken).trackFields('template', templateAuditFields);
      });
      registerTemplateRoutes(ctx);
      registerTemplateVersionRoutes(ctx);
    },
  });
