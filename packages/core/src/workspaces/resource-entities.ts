import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { AgentMetadataProbe, AgentScript, DisplayApps, ResourceMetadataItem } from '../provisioning/resource-tree.js';

/** A resource a build produced (a VM, a container, a volume), in the provisioner's order. */
export const WorkspaceResourceSchema = defineEntity({
  name: 'HangarWorkspaceResource',
  tableName: 'hangar_workspace_resources',
  properties: {
    id: p.uuid().primary(),
    buildId: p.uuid().fieldName('build_id'),
    position: p.integer(),
    name: p.string(),
    type: p.string(),
    modulePath: p.string().fieldName('module_path'),
    persistent: p.boolean(),
    hide: p.boolean(),
    icon: p.string(),
    dailyCost: p.integer().fieldName('daily_cost'),
    metadata: p.json<ResourceMetadataItem[]>(),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
  },
});
/** A row of `hangar_workspace_resources`. */
export type WorkspaceResource = InferEntity<typeof WorkspaceResourceSchema>;

/**
 * An agent that runs inside a resource. Its auth token is kept only as a SHA-256 hash
 * (`auth_token_hash`), which is what the agent API looks it up by.
 */
export const WorkspaceAgentSchema = defineEntity({
  name: 'HangarWorkspaceAgent',
  tableName: 'hangar_workspace_agents',
  properties: {
    id: p.uuid().primary(),
    resourceId: p.uuid().fieldName('resource_id'),
    buildId: p.uuid().fieldName('build_id'),
    workspaceId: p.uuid().fieldName('workspace_id'),
    position: p.integer(),
    name: p.string(),
    os: p.string(),
    arch: p.string(),
    directory: p.string(),
    authTokenHash: p.blob().fieldName('auth_token_hash').nullable(),
    env: p.json<Record<string, string>>(),
    scripts: p.json<AgentScript[]>(),
    metadata: p.json<AgentMetadataProbe[]>(),
    displayApps: p.json<DisplayApps>().fieldName('display_apps'),
    connectionTimeoutSeconds: p.integer().fieldName('connection_timeout_seconds'),
    troubleshootingUrl: p.string().fieldName('troubleshooting_url'),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
  },
});
/** A row of `hangar_workspace_agents`. */
export type WorkspaceAgent = InferEntity<typeof WorkspaceAgentSchema>;

/** An app an agent serves, or an external link. */
export const WorkspaceAppSchema = defineEntity({
  name: 'HangarWorkspaceApp',
  tableName: 'hangar_workspace_apps',
  properties: {
    id: p.uuid().primary(),
    agentId: p.uuid().fieldName('agent_id'),
    position: p.integer(),
    slug: p.string(),
    displayName: p.string().fieldName('display_name'),
    url: p.string().nullable(),
    command: p.string().nullable(),
    icon: p.string(),
    subdomain: p.boolean(),
    shareLevel: p.string().fieldName('share_level'),
    external: p.boolean(),
    hidden: p.boolean(),
    healthcheck: p.json<{ url: string; intervalSeconds: number; threshold: number }>().nullable(),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
  },
});
/** A row of `hangar_workspace_apps`. */
export type WorkspaceApp = InferEntity<typeof WorkspaceAppSchema>;
