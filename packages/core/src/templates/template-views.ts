import type { Static } from '@sinclair/typebox';
import type { JobSummary } from './template-service.js';
import type { Template, TemplateVersion, TemplateVersionParameter, TemplateVersionVariable } from './template-entities.js';
import type { JobView, TemplateView, VersionView } from './template-schemas.js';
import type { ProvisionedResource } from '../provisioning/resource-tree.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A job as the API shows it. */
export function jobView(job: JobSummary | undefined, id: string): Static<typeof JobView> {
  return {
    id,
    status: job?.status ?? 'unknown',
    error: job?.error ?? null,
    created_at: (job?.createdAt ?? new Date(0)).toISOString(),
    started_at: iso(job?.startedAt ?? null),
    completed_at: iso(job?.completedAt ?? null),
  };
}

/** A template version as the API shows it. */
export function versionView(version: TemplateVersion, job: JobSummary | undefined): Static<typeof VersionView> {
  return {
    id: version.id,
    template_id: version.templateId ?? null,
    organization_id: version.organizationId,
    name: version.name,
    message: version.message,
    readme: version.readme,
    provisioner: version.provisioner,
    file_id: version.fileHash,
    created_by: version.createdBy,
    created_at: version.createdAt.toISOString(),
    updated_at: version.updatedAt.toISOString(),
    job: jobView(job, version.jobId),
  };
}

/** A template as the API shows it. */
export function templateView(template: Template): Static<typeof TemplateView> {
  return {
    id: template.id,
    organization_id: template.organizationId,
    name: template.name,
    display_name: template.displayName,
    description: template.description,
    icon: template.icon,
    provisioner: template.provisioner,
    active_version_id: template.activeVersionId,
    created_by: template.createdBy,
    created_at: template.createdAt.toISOString(),
    updated_at: template.updatedAt.toISOString(),
  };
}

/** A parameter as the API shows it (Coder's rich-parameter shape). */
export function parameterView(row: TemplateVersionParameter) {
  const spec = row.spec;
  return {
    name: spec.name,
    display_name: spec.displayName ?? '',
    description: spec.description ?? '',
    type: spec.type,
    mutable: spec.mutable,
    ephemeral: spec.ephemeral,
    default_value: spec.defaultValue ?? '',
    required: spec.required,
    icon: spec.icon ?? '',
    order: spec.order ?? 0,
    options: spec.options.map((o) => ({ name: o.name, description: o.description ?? '', value: o.value, icon: o.icon ?? '' })),
    validation_min: spec.validation?.min ?? null,
    validation_max: spec.validation?.max ?? null,
    validation_regex: spec.validation?.regex ?? '',
    validation_error: spec.validation?.error ?? '',
    validation_monotonic: spec.validation?.monotonic ?? '',
  };
}

/** A template variable as the API shows it: sensitive values and defaults are never returned. */
export function variableView(row: TemplateVersionVariable) {
  return {
    name: row.name,
    description: row.description,
    type: row.type,
    required: row.required,
    sensitive: row.sensitive,
    default_value: row.sensitive ? '' : (row.defaultValue ?? ''),
    value: row.sensitive ? '' : (row.value ?? ''),
  };
}

/** The neutral resource tree as the API shows it (snake_case). */
export function resourceView(resource: ProvisionedResource) {
  return {
    name: resource.name,
    type: resource.type,
    module_path: resource.modulePath ?? '',
    persistent: resource.persistent ?? false,
    hide: resource.hide ?? false,
    icon: resource.icon ?? '',
    daily_cost: resource.dailyCost ?? 0,
    metadata: resource.metadata.map((m) => ({ key: m.key, value: m.sensitive ? '' : m.value, sensitive: m.sensitive })),
    agents: resource.agents.map((agent) => ({
      name: agent.name,
      os: agent.os,
      arch: agent.arch,
      directory: agent.directory ?? '',
      connection_timeout_seconds: agent.connectionTimeoutSeconds,
      apps: agent.apps.map((app) => ({
        slug: app.slug,
        display_name: app.displayName,
        url: app.url ?? '',
        command: app.command ?? '',
        icon: app.icon ?? '',
        subdomain: app.subdomain,
        share_level: app.shareLevel,
        external: app.external,
      })),
      scripts: agent.scripts.map((s) => ({ display_name: s.displayName, run_on_start: s.runOnStart, run_on_stop: s.runOnStop, cron: s.cron ?? '' })),
    })),
  };
}
