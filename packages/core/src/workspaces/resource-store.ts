import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { HangarError } from '../errors/hangar-error.js';
import type { ProvisionedAgent, ProvisionedResource } from '../provisioning/resource-tree.js';
import {
  type WorkspaceAgent,
  WorkspaceAgentSchema,
  type WorkspaceApp,
  WorkspaceAppSchema,
  type WorkspaceResource,
  WorkspaceResourceSchema,
} from './resource-entities.js';
import { query } from './sql.js';

/** A stored resource with its agents and their apps. */
export interface ResourceTree {
  readonly resource: WorkspaceResource;
  readonly agents: readonly { readonly agent: WorkspaceAgent; readonly apps: readonly WorkspaceApp[] }[];
}

/** SHA-256 of an agent token: the only form in which Hangar keeps it. */
export function hashAgentToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

const resourceKey = (r: Pick<ProvisionedResource, 'modulePath' | 'type' | 'name'>) => `${r.modulePath ?? ''}|${r.type}|${r.name}`;

/**
 * Stores what a build produced: resources in the provisioner's order (marked persistent
 * when the version's import found them to survive a stop), their agents with auth tokens
 * hashed, and the agents' apps. Agent names and app slugs must be unique (per build and per
 * agent) so they can address a workspace's parts; a clash fails the build with a clear error.
 */
export async function storeBuildResources(
  em: EntityManager,
  build: { readonly id: string; readonly workspaceId: string },
  resources: readonly ProvisionedResource[],
  versionResources: readonly ProvisionedResource[],
): Promise<void> {
  assertUniqueNames(resources);
  const persistent = new Set(versionResources.filter((r) => r.persistent).map(resourceKey));
  const now = new Date();
  const resourceRows: WorkspaceResource[] = [];
  const agentRows: WorkspaceAgent[] = [];
  const appRows: WorkspaceApp[] = [];
  resources.forEach((resource, position) => {
    const resourceId = randomUUID();
    resourceRows.push({
      id: resourceId,
      buildId: build.id,
      position,
      name: resource.name,
      type: resource.type,
      modulePath: resource.modulePath ?? '',
      persistent: resource.persistent ?? persistent.has(resourceKey(resource)),
      hide: resource.hide ?? false,
      icon: resource.icon ?? '',
      dailyCost: Math.max(0, Math.round(resource.dailyCost ?? 0)),
      metadata: resource.metadata.map((m) => ({ key: m.key, value: m.value, sensitive: m.sensitive })),
      createdAt: now,
    });
    resource.agents.forEach((agent, agentPosition) => {
      const agentId = randomUUID();
      agentRows.push(agentRow(agent, { id: agentId, resourceId, buildId: build.id, workspaceId: build.workspaceId, position: agentPosition, createdAt: now }));
      agent.apps.forEach((app, appPosition) => {
        appRows.push({
          id: randomUUID(),
          agentId,
          position: appPosition,
          slug: app.slug,
          displayName: app.displayName,
          url: app.url ?? null,
          command: app.command ?? null,
          icon: app.icon ?? '',
          subdomain: app.subdomain,
          shareLevel: app.shareLevel,
          external: app.external,
          hidden: app.hidden ?? false,
          healthcheck: app.healthcheck ? { ...app.healthcheck } : null,
          createdAt: now,
        });
      });
    });
  });
  if (resourceRows.length) await em.insertMany(WorkspaceResourceSchema, resourceRows);
  if (agentRows.length) await em.insertMany(WorkspaceAgentSchema, agentRows);
  if (appRows.length) await em.insertMany(WorkspaceAppSchema, appRows);
}

function agentRow(agent: ProvisionedAgent, ids: Pick<WorkspaceAgent, 'id' | 'resourceId' | 'buildId' | 'workspaceId' | 'position' | 'createdAt'>): WorkspaceAgent {
  return {
    ...ids,
    name: agent.name,
    os: agent.os,
    arch: agent.arch,
    directory: agent.directory ?? '',
    authTokenHash: agent.authToken ? hashAgentToken(agent.authToken) : null,
    env: { ...agent.env },
    scripts: agent.scripts.map((s) => ({ ...s })),
    metadata: agent.metadata.map((m) => ({ ...m })),
    displayApps: { ...agent.displayApps },
    connectionTimeoutSeconds: agent.connectionTimeoutSeconds,
    troubleshootingUrl: agent.troubleshootingUrl ?? '',
  };
}

function assertUniqueNames(resources: readonly ProvisionedResource[]): void {
  const agents = new Set<string>();
  for (const agent of resources.flatMap((r) => r.agents)) {
    if (agents.has(agent.name)) throw buildResultInvalid(`two agents are named "${agent.name}"`);
    agents.add(agent.name);
    const slugs = new Set<string>();
    for (const app of agent.apps) {
      if (slugs.has(app.slug)) throw buildResultInvalid(`agent "${agent.name}" has two apps with the slug "${app.slug}"`);
      slugs.add(app.slug);
    }
  }
}

function buildResultInvalid(reason: string): HangarError {
  return new HangarError('HANGAR_ERR_PROVISIONER_JOB_FAILED', { reason: `the build's resources are not valid: ${reason}` });
}

/** The stored resources of each build given, in order, with agents and apps, by build id. */
export async function loadBuildResources(em: EntityManager, buildIds: readonly string[]): Promise<Map<string, ResourceTree[]>> {
  const result = new Map<string, ResourceTree[]>(buildIds.map((id) => [id, []]));
  if (!buildIds.length) return result;
  const ids = [...buildIds];
  const resources = await em.find(WorkspaceResourceSchema, { buildId: { $in: ids } }, { orderBy: { buildId: 'asc', position: 'asc' } });
  if (!resources.length) return result;
  const agents = await em.find(WorkspaceAgentSchema, { buildId: { $in: ids } }, { orderBy: { position: 'asc' } });
  const apps = agents.length
    ? await em.find(WorkspaceAppSchema, { agentId: { $in: agents.map((a) => a.id) } }, { orderBy: { position: 'asc' } })
    : [];
  const appsByAgent = groupBy(apps, (app) => app.agentId);
  const agentsByResource = groupBy(agents, (agent) => agent.resourceId);
  for (const resource of resources) {
    result.get(resource.buildId)!.push({
      resource,
      agents: (agentsByResource.get(resource.id) ?? []).map((agent) => ({ agent, apps: appsByAgent.get(agent.id) ?? [] })),
    });
  }
  return result;
}

/**
 * The newest agent with this token (found by its hash), or null. A token may repeat across a
 * workspace's builds (the provisioner keeps it in its state); the latest agent is the live one.
 */
export async function agentIdForToken(em: EntityManager, token: string): Promise<string | null> {
  const rows = await query<{ id: string }>(
    em,
    'select id from hangar_workspace_agents where auth_token_hash = ? order by created_at desc limit 1',
    [hashAgentToken(token)],
  );
  return rows[0]?.id ?? null;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(key(item));
    if (list) list.push(item);
    else map.set(key(item), [item]);
  }
  return map;
}
