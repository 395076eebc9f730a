import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { ProvisionedResource, TemplateParameter } from '../provisioning/resource-tree.js';

/** A template: a named, versioned recipe for workspaces in one organization. */
export const TemplateSchema = defineEntity({
  name: 'HangarTemplate',
  tableName: 'hangar_templates',
  properties: {
    id: p.uuid().primary(),
    organizationId: p.uuid().fieldName('organization_id'),
    name: p.string(),
    displayName: p.string().fieldName('display_name'),
    description: p.string(),
    icon: p.string(),
    provisioner: p.string(),
    activeVersionId: p.uuid().fieldName('active_version_id'),
    createdBy: p.uuid().fieldName('created_by'),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
    updatedAt: p.datetime().fieldName('updated_at').onCreate(() => new Date()).onUpdate(() => new Date()),
    deleted: p.boolean().default(false),
  },
});
/** A row of `hangar_templates`. */
export type Template = InferEntity<typeof TemplateSchema>;

/** One version of a template: an archive, and what its import job found in it. */
export const TemplateVersionSchema = defineEntity({
  name: 'HangarTemplateVersion',
  tableName: 'hangar_template_versions',
  properties: {
    id: p.uuid().primary(),
    templateId: p.uuid().fieldName('template_id').nullable(),
    organizationId: p.uuid().fieldName('organization_id'),
    name: p.string(),
    message: p.string(),
    readme: p.text(),
    fileHash: p.string().fieldName('file_hash'),
    provisioner: p.string(),
    jobId: p.uuid().fieldName('job_id'),
    /** The resources a start would create, each marked persistent or not (from the import's two plans). */
    resources: p.json<ProvisionedResource[]>().default([] as never),
    createdBy: p.uuid().fieldName('created_by'),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
    updatedAt: p.datetime().fieldName('updated_at').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
/** A row of `hangar_template_versions`. */
export type TemplateVersion = InferEntity<typeof TemplateVersionSchema>;

/** A workspace parameter a version declares, in declaration order. */
export const TemplateVersionParameterSchema = defineEntity({
  name: 'HangarTemplateVersionParameter',
  tableName: 'hangar_template_version_parameters',
  properties: {
    templateVersionId: p.uuid().primary().fieldName('template_version_id'),
    name: p.string().primary(),
    position: p.integer(),
    spec: p.json<TemplateParameter>(),
  },
  primaryKeys: ['templateVersionId', 'name'],
});
/** A row of `hangar_template_version_parameters`. */
export type TemplateVersionParameter = InferEntity<typeof TemplateVersionParameterSchema>;

/** A template variable of a version, with the value an admin set. */
export const TemplateVersionVariableSchema = defineEntity({
  name: 'HangarTemplateVersionVariable',
  tableName: 'hangar_template_version_variables',
  properties: {
    templateVersionId: p.uuid().primary().fieldName('template_version_id'),
    name: p.string().primary(),
    description: p.text(),
    type: p.string(),
    defaultValue: p.text().fieldName('default_value').nullable(),
    required: p.boolean(),
    sensitive: p.boolean(),
    /** The admin's value; absent means the default applies. */
    value: p.text().nullable(),
  },
  primaryKeys: ['templateVersionId', 'name'],
});
/** A row of `hangar_template_version_variables`. */
export type TemplateVersionVariable = InferEntity<typeof TemplateVersionVariableSchema>;
