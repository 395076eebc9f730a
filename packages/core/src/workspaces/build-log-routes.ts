import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PluginContext } from '../kernel/plugin.js';
import type { ProvisionerJobLog } from '../provisioning/job-entities.js';
import type { Unsubscribe } from '../provisioning/job-log-stream.js';
import { type JobQueue, jobQueueToken } from '../provisioning/job-queue.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { buildFor, workspaceScope } from './workspace-access.js';
import { BuildLogSchema, BuildParams } from './workspace-schemas.js';

const cursorPattern = /^\d{1,19}$/;
/** How often an idle stream sends a comment, so proxies keep it open. */
const keepAliveMs = 15_000;

/** A stored log line as the API shows it. */
export function logView(line: ProvisionerJobLog) {
  // Lines that came through pubsub carry `createdAt` as the JSON string, not a Date.
  const createdAt = new Date(line.createdAt as Date | string).toISOString();
  return { id: Number(line.id), created_at: createdAt, log_level: line.level, stage: line.stage, output: line.output };
}

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
      querystring: Type.Object({
        after: Type.Optional(Type.String({ pattern: '^\\d{1,19}$', description: 'Only lines with a larger id.' })),
        follow: Type.Boolean({ default: false }),
      }),
      response: { 200: Type.Array(BuildLogSchema) },
    },
    async handler(request, reply) {
      const scope = workspaceScope(ctx, request);
      const build = await buildFor(scope, request.params.build, rbacActions.read);
      const queue = ctx.resolve(jobQueueToken);
      const lastEventId = request.headers['last-event-id'];
      const cursor = typeof lastEventId === 'string' && cursorPattern.test(lastEventId) ? lastEventId : (request.query.after ?? '0');
      if (!request.query.follow) return (await queue.listLogs(build.job.id, cursor)).map(logView);
      await streamLogs(request, reply, queue, build.job.id, cursor);
      return reply;
    },
  });
}

async function streamLogs(request: FastifyRequest, reply: FastifyReply, queue: JobQueue, jobId: string, cursor: string): Promise<void> {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  response.write('retry: 1000\n\n');
  let closed = false;
  let unsubscribe: Unsubscribe | undefined;
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs);
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    void unsubscribe?.().catch(() => undefined);
    response.end();
  };
  // The response closes when the client goes away (or the server shuts down).
  response.on('close', finish);
  try {
    unsubscribe = await queue.subscribeLogs(jobId, cursor, (event) => {
      if (closed) return;
      if (event.type === 'logs') {
        response.write(event.logs.map((line) => `id: ${line.id}\nevent: log\ndata: ${JSON.stringify(logView(line))}\n\n`).join(''));
        return;
      }
      response.write(`event: end\ndata: ${JSON.stringify({ status: event.status })}\n\n`);
      finish();
    });
    // The stream may have ended (or the client left) before the subscription was returned.
    if (closed) await unsubscribe();
  } catch (error) {
    request.log.error({ err: error, jobId }, 'following a build log failed');
    finish();
  }
}
