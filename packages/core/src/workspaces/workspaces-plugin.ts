import { auditServiceToken } from '../audit/audit-service.js';
import { fileServiceToken } from '../files/file-service.js';
import { databaseToken } from '../kernel/kernel-tokens.js';
import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { jobKindRegistryToken } from '../provisioning/job-kinds.js';
import { jobQueueToken } from '../provisioning/job-queue.js';
import { provisioningHooksToken } from '../provisioning/provisioning-hooks.js';
import { registerBuildLogRoutes } from './build-log-routes.js';
import { createBuildJobHandler } from './build-job-handler.js';
import { registerBuildRoutes } from './build-routes.js';
import { BuildService, buildServiceToken } from './build-service.js';
import { tapBuildStatusEvents } from './build-status-events.js';
import { WorkspaceAgentSchema, WorkspaceAppSchema, WorkspaceResourceSchema } from './resource-entities.js';
import { WorkspaceBuildParameterSchema, WorkspaceBuildSchema, WorkspaceSchema } from './workspace-entities.js';
import './workspace-errors.js';
import { createWorkspaceHooks, workspaceHooksToken } from './workspace-hooks.js';
import { workspaceMigrations } from './workspace-migrations.js';
import { registerWorkspaceRoutes } from './workspace-routes.js';
import { workspaceAuditFields, WorkspaceService, workspaceServiceToken } from './workspace-service.js';

/**
 * Workspaces and their builds: the workspace and build routes (with live build logs), the
 * `workspace_build` job kind, parameter resolution and validation, and the workspace hooks
 * under {@link workspaceHooksToken} (`resolveParameters`, `workspaceStatusChanged`).
 */
export const workspacesPlugin = (): HangarPlugin =>
  definePlugin({
    name: 'workspaces',
    dependencies: ['identity', 'rbac', 'audit', 'organizations', 'files', 'provisioning', 'templates'],
    register(ctx) {
      const hooks = createWorkspaceHooks();
      ctx.entities(WorkspaceSchema, WorkspaceBuildSchema, WorkspaceBuildParameterSchema, WorkspaceResourceSchema, WorkspaceAgentSchema, WorkspaceAppSchema);
      ctx.migrations(...workspaceMigrations);
      ctx.provide(workspaceHooksToken, () => hooks);
      ctx.provide(buildServiceToken, (c) => new BuildService(hooks, () => c.resolve(jobQueueToken), () => c.resolve(auditServiceToken), ctx.logger));
      ctx.provide(workspaceServiceToken, (c) => new WorkspaceService(() => c.resolve(buildServiceToken), () => c.resolve(auditServiceToken)));
      ctx.resolve(jobKindRegistryToken).register(createBuildJobHandler({ accessUrl: () => ctx.config.accessUrl, files: () => ctx.resolve(fileServiceToken) }));

      ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => {
        ctx.resolve(auditServiceToken).trackFields('workspace', workspaceAuditFields);
        tapBuildStatusEvents({
          name: ctx.name,
          provisioningHooks: ctx.resolve(provisioningHooksToken),
          workspaceHooks: hooks,
          database: () => ctx.resolve(databaseToken),
          logger: ctx.logger,
        });
      });

      registerWorkspaceRoutes(ctx);
      registerBuildRoutes(ctx);
      registerBuildLogRoutes(ctx);
    },
  });
