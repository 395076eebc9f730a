import type { EntityManager } from '@mikro-orm/core';
import type { JobStatus, ProvisionerTags } from '../provisioning/job-entities.js';
import type { ProvisionedResource, TemplateParameter } from '../provisioning/resource-tree.js';
import { query } from './sql.js';

/** What a build needs to know about a template. */
export interface TemplateInfo {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly activeVersionId: string;
  readonly deleted: boolean;
}

/** What a build needs to know about a template version, with its import job's outcome. */
export interface VersionInfo {
  readonly id: string;
  readonly templateId: string | null;
  readonly organizationId: string;
  readonly name: string;
  readonly provisioner: string;
  readonly fileHash: string;
  /** The import job's status (`succeeded` when the version can be built). */
  readonly importStatus: JobStatus | 'unknown';
  /** The import job's tags: builds of the version run on the same daemons. */
  readonly tags: ProvisionerTags;
  /** The start resources the import found, marked persistent or not. */
  readonly resources: readonly ProvisionedResource[];
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A template by id (deleted ones too), or null. */
export async function findTemplate(em: EntityManager, id: string): Promise<TemplateInfo | null> {
  if (!uuidPattern.test(id)) return null;
  const rows = await query(em, 'select id, organization_id, name, active_version_id, deleted from hangar_templates where id = ?', [id]);
  const row = rows[0];
  return row
    ? { id: row.id as string, organizationId: row.organization_id as string, name: row.name as string, activeVersionId: row.active_version_id as string, deleted: Boolean(row.deleted) }
    : null;
}

/** A template version with its import status, or null. */
export async function findVersion(em: EntityManager, id: string): Promise<VersionInfo | null> {
  if (!uuidPattern.test(id)) return null;
  const rows = await query(
    em,
    `select v.id, v.template_id, v.organization_id, v.name, v.provisioner, v.file_hash, v.resources, j.status as import_status, j.tags
       from hangar_template_versions v left join hangar_provisioner_jobs j on j.id = v.job_id
      where v.id = ?`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id as string,
    templateId: (row.template_id as string | null) ?? null,
    organizationId: row.organization_id as string,
    name: row.name as string,
    provisioner: row.provisioner as string,
    fileHash: row.file_hash as string,
    importStatus: ((row.import_status as JobStatus | null) ?? 'unknown'),
    tags: (row.tags as ProvisionerTags | null) ?? { scope: 'organization' },
    resources: (row.resources as ProvisionedResource[] | null) ?? [],
  };
}

/** A version's parameters in declaration order. */
export async function versionParameters(em: EntityManager, versionId: string): Promise<TemplateParameter[]> {
  const rows = await query<{ spec: TemplateParameter }>(
    em,
    'select spec from hangar_template_version_parameters where template_version_id = ? order by position, name',
    [versionId],
  );
  return rows.map((row) => row.spec);
}

/** A version's template variable values: the admin's value, else the default. */
export async function versionVariableValues(em: EntityManager, versionId: string): Promise<Record<string, string>> {
  const rows = await query<{ name: string; value: string | null; default_value: string | null }>(
    em,
    'select name, value, default_value from hangar_template_version_variables where template_version_id = ? order by name',
    [versionId],
  );
  const values: Record<string, string> = {};
  for (const row of rows) {
    const value = row.value ?? row.default_value;
    if (value !== null) values[row.name] = value;
  }
  return values;
}
