import { Type } from '@sinclair/typebox';
import type { PluginContext } from '../kernel/plugin.js';
import { JobLogQuerySchema, JobLogSchema, sendJobLogs } from '../provisioning/job-log-http.js';
import { jobQueueToken } from '../provisioning/job-queue.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { buildFor, workspaceScope } from './workspace-access.js';
import { BuildParams } from './workspace-schemas.js';

/**
 * `GET /api/v2/workspacebuilds/:build/logs`: the stored lines after `after` as JSON, or with
 * `follow=true` a Server-Sent Events stream: each line an `event: log` whose `id:` is the
 * line's id, then one `event: end` with the job's final status. A client that reconnects
 * with `Last-Event-ID` (EventSource does it by itself) gets what it missed and nothing twice.
 */
export function registerBuildLogRoutes(ctx: PluginContext): void {
  ctx.route({
    method: 'GET',
    url: '/api/v2/workspacebuilds/:build/logs',
    access: { action: rbacActions.read, resource: rbacResources.workspace },
    summary: "A build's log; `follow=true` streams it live as Server-Sent Events (`Last-Event-ID` resumes).",
    schema: {
      params: BuildParams,
      querystring: JobLogQuerySchema,
      response: { 200: Type.Array(JobLogSchema) },
    },
    async handler(request, reply) {
      const scope = workspaceScope(ctx, request);
      const build = await buildFor(scope, request.params.build, rbacActions.read);
      return sendJobLogs(request, reply, ctx.resolve(jobQueueToken), build.job.id, request.query);
    },
  });
}
