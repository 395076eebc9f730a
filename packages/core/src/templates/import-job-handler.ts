import type { EntityManager } from '@mikro-orm/postgresql';
import { HangarError } from '../errors/hangar-error.js';
import type { ProvisionedResource, TemplateParameter, TemplateVariable } from '../provisioning/resource-tree.js';
import {
  TemplateVersionParameterSchema,
  TemplateVersionSchema,
  TemplateVersionVariableSchema,
} from './template-entities.js';

/** What an import job's input holds. */
export interface ImportJobInput {
  readonly template_version_id: string;
  readonly variable_values: Readonly<Record<string, string>>;
}

/** What the daemon reports when an import succeeds. */
export interface ImportResult {
  readonly variables: readonly TemplateVariable[];
  readonly readme?: string;
  readonly parameters: readonly TemplateParameter[];
  readonly startResources: readonly ProvisionedResource[];
  readonly stopResources: readonly ProvisionedResource[];
}

/** A resource's identity across two plans of the same template. */
const resourceKey = (resource: ProvisionedResource) => `${resource.modulePath ?? ''}|${resource.type}|${resource.name}`;

/**
 * Marks each resource of the start plan persistent when the stop plan keeps it too — how
 * Hangar (like Coder) learns which resources survive a stop, e.g. a home volume.
 */
export function markPersistent(start: readonly ProvisionedResource[], stop: readonly ProvisionedResource[]): ProvisionedResource[] {
  const kept = new Set(stop.map(resourceKey));
  return start.map((resource) => ({ ...resource, persistent: kept.has(resourceKey(resource)) }));
}

/**
 * Stores what an import found: readme, parameters in declaration order, variables with the
 * values the admin gave, and the start resources marked persistent. A required variable
 * without a value fails the import with a coded error.
 */
export async function storeImportResult(tx: EntityManager, input: ImportJobInput, result: ImportResult): Promise<void> {
  const missing = result.variables.filter((v) => v.required && v.defaultValue === undefined && input.variable_values[v.name] === undefined);
  if (missing.length) {
    throw new HangarError('HANGAR_ERR_TEMPLATE_VARIABLES_MISSING', { names: missing.map((v) => `"${v.name}"`).join(', ') });
  }
  const version = await tx.findOneOrFail(TemplateVersionSchema, { id: input.template_version_id });
  version.readme = result.readme ?? '';
  version.resources = markPersistent(result.startResources, result.stopResources);
  result.parameters.forEach((spec, position) => {
    tx.create(TemplateVersionParameterSchema, { templateVersionId: version.id, name: spec.name, position, spec });
  });
  for (const variable of result.variables) {
    tx.create(TemplateVersionVariableSchema, {
      templateVersionId: version.id,
      name: variable.name,
      description: variable.description ?? '',
      type: variable.type,
      defaultValue: variable.defaultValue ?? null,
      required: variable.required,
      sensitive: variable.sensitive,
      value: input.variable_values[variable.name] ?? null,
    });
  }
  await tx.flush();
}
