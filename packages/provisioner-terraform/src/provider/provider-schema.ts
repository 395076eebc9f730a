import { externalAuthDataSource } from './data-sources/external-auth.js';
import { parameterDataSource } from './data-sources/parameter.js';
import { provisionerDataSource } from './data-sources/provisioner.js';
import { workspaceOwnerDataSource } from './data-sources/workspace-owner.js';
import { workspaceTagsDataSource } from './data-sources/workspace-tags.js';
import { workspaceDataSource } from './data-sources/workspace.js';
import type { Flavour } from './flavour.js';
import { agentResource } from './resources/agent.js';
import { appResource } from './resources/app.js';
import { envResource } from './resources/env.js';
import { metadataResource } from './resources/metadata.js';
import { scriptResource } from './resources/script.js';
import type { BlockSpec, DataSourceDef, ResourceDef } from './schema/schema-types.js';

/** Every managed resource type, unprefixed. One table serves both flavours. */
export const RESOURCES: readonly ResourceDef[] = [agentResource, appResource, scriptResource, envResource, metadataResource];

/** Every data source type, unprefixed. */
export const DATA_SOURCES: readonly DataSourceDef[] = [
  workspaceDataSource,
  workspaceOwnerDataSource,
  parameterDataSource,
  provisionerDataSource,
  externalAuthDataSource,
  workspaceTagsDataSource,
];

/** The `provider "hangar" { ... }` block. */
export const PROVIDER_CONFIG: BlockSpec = {
  description: 'Hangar provider. Everything it reports comes from the build; the block is optional.',
  attributes: {
    url: { type: 'string', optional: true, description: 'Overrides the access URL the agent uses to reach the server.' },
    feature_use_managed_variables: {
      type: 'bool',
      optional: true,
      only: 'coder',
      deprecated: 'always on; kept so older Coder templates still parse.',
      description: 'Accepted and ignored.',
    },
  },
};

/**
 * Prefixes the table's type names for the flavours served: `agent` becomes `hangar_agent` and/or
 * `coder_agent`, each remembering which flavour's attributes it has.
 */
export function servedTypes<T extends { name: string }>(
  defs: readonly T[],
  flavours: readonly Flavour[],
): Map<string, { def: T; flavour: Flavour }> {
  return new Map(flavours.flatMap((flavour) => defs.map((def) => [`${flavour}_${def.name}`, { def, flavour }] as const)));
}
