import type { Static } from '@sinclair/typebox';
import type { BuildRecord } from './build-queries.js';
import type { ResourceTree } from './resource-store.js';
import type { BuildSchema, ResourceSchema, WorkspaceWireSchema } from './workspace-schemas.js';

/** A workspace row joined with its owner and template, as list and get queries return it. */
export interface WorkspaceRecord {
  readonly id: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly name: string;
  readonly ownerId: string;
  readonly ownerName: string;
  readonly organizationId: string;
  readonly templateId: string;
  readonly templateName: string;
  readonly templateDisplayName: string;
  readonly templateIcon: string;
  readonly templateActiveVersionId: string;
  readonly deleted: boolean;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A build as the API shows it, with its job, queue position and resources. */
export function buildView(build: BuildRecord, resources: readonly ResourceTree[]): Static<typeof BuildSchema> {
  const views = resources.map(workspaceResourceView);
  return {
    id: build.id,
    created_at: build.createdAt.toISOString(),
    updated_at: build.updatedAt.toISOString(),
    workspace_id: build.workspaceId,
    workspace_name: build.workspaceName,
    workspace_owner_id: build.ownerId,
    workspace_owner_name: build.ownerName,
    template_version_id: build.templateVersionId,
    template_version_name: build.templateVersionName,
    build_number: build.buildNumber,
    transition: build.transition,
    initiator_id: build.initiatorId,
    initiator_name: build.initiatorName,
    reason: build.reason,
    status: build.status,
    job: {
      id: build.job.id,
      status: build.job.status,
      error: build.job.error,
      error_code: build.job.errorCode,
      created_at: build.job.createdAt.toISOString(),
      started_at: iso(build.job.startedAt),
      completed_at: iso(build.job.completedAt),
      canceled_at: iso(build.job.canceledAt),
      worker_id: build.job.workerId,
      queue_position: build.job.queuePosition,
      queue_size: build.job.queueSize,
    },
    resources: views,
    daily_cost: views.reduce((sum, r) => sum + r.daily_cost, 0),
  };
}

/** A stored resource as the API shows it; sensitive metadata values are blanked. */
export function workspaceResourceView({ resource, agents }: ResourceTree): Static<typeof ResourceSchema> {
  return {
    id: resource.id,
    build_id: resource.buildId,
    created_at: resource.createdAt.toISOString(),
    name: resource.name,
    type: resource.type,
    module_path: resource.modulePath,
    persistent: resource.persistent,
    hide: resource.hide,
    icon: resource.icon,
    daily_cost: resource.dailyCost,
    metadata: resource.metadata.map((m) => ({ key: m.key, value: m.sensitive ? null : m.value, sensitive: m.sensitive })),
    agents: agents.map(({ agent, apps }) => ({
      id: agent.id,
      name: agent.name,
      operating_system: agent.os,
      architecture: agent.arch,
      directory: agent.directory,
      environment_variables: agent.env,
      connection_timeout_seconds: agent.connectionTimeoutSeconds,
      troubleshooting_url: agent.troubleshootingUrl,
      created_at: agent.createdAt.toISOString(),
      scripts: agent.scripts.map((s) => ({
        display_name: s.displayName,
        icon: s.icon ?? '',
        script: s.script,
        cron: s.cron ?? '',
        run_on_start: s.runOnStart,
        run_on_stop: s.runOnStop,
        start_blocks_login: s.startBlocksLogin,
        timeout_seconds: s.timeoutSeconds,
      })),
      metadata: agent.metadata.map((m) => ({ key: m.key, display_name: m.displayName, script: m.script, interval: m.intervalSeconds, timeout: m.timeoutSeconds })),
      display_apps: displayAppNames(agent.displayApps),
      apps: apps.map((app) => ({
        id: app.id,
        slug: app.slug,
        display_name: app.displayName,
        url: app.url ?? '',
        command: app.command ?? '',
        icon: app.icon,
        subdomain: app.subdomain,
        sharing_level: app.shareLevel,
        external: app.external,
        hidden: app.hidden,
        healthcheck: app.healthcheck ? { url: app.healthcheck.url, interval: app.healthcheck.intervalSeconds, threshold: app.healthcheck.threshold } : null,
      })),
    })),
  };
}

/** A workspace as the API shows it, with its latest build. */
export function workspaceView(workspace: WorkspaceRecord, latest: BuildRecord, resources: readonly ResourceTree[]): Static<typeof WorkspaceWireSchema> {
  return {
    id: workspace.id,
    created_at: workspace.createdAt.toISOString(),
    updated_at: workspace.updatedAt.toISOString(),
    name: workspace.name,
    owner_id: workspace.ownerId,
    owner_name: workspace.ownerName,
    organization_id: workspace.organizationId,
    template_id: workspace.templateId,
    template_name: workspace.templateName,
    template_display_name: workspace.templateDisplayName,
    template_icon: workspace.templateIcon,
    template_active_version_id: workspace.templateActiveVersionId,
    outdated: latest.templateVersionId !== workspace.templateActiveVersionId,
    deleted: workspace.deleted,
    latest_build: buildView(latest, resources),
  };
}

// Coder's names for the built-in apps.
const displayAppKeys = [
  ['vscode', 'vscode'],
  ['vscodeInsiders', 'vscode_insiders'],
  ['webTerminal', 'web_terminal'],
  ['sshHelper', 'ssh_helper'],
  ['portForwardingHelper', 'port_forwarding_helper'],
] as const;

function displayAppNames(apps: Partial<Record<(typeof displayAppKeys)[number][0], boolean>>): string[] {
  return displayAppKeys.filter(([key]) => apps[key]).map(([, name]) => name);
}
