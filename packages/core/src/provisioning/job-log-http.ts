import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProvisionerJobLog } from './job-entities.js';
import type { Unsubscribe } from './job-log-stream.js';
import type { JobQueue } from './job-queue.js';

const cursorPattern = /^\d{1,19}$/;
/** How often an idle stream sends a comment, so proxies keep it open. */
const keepAliveMs = 15_000;

/** A stored log line as the API shows it. */
export function logView(line: ProvisionerJobLog) {
  return { id: Number(line.id), created_at: line.createdAt.toISOString(), log_level: line.level, stage: line.stage, output: line.output };
}

/** A log line as the API shows it (builds and imports alike). */
export const JobLogSchema = Type.Object({
  id: Type.Integer({ description: 'Grows with every line: the cursor for `after` and `Last-Event-ID`.' }),
  created_at: Type.String({ format: 'date-time' }),
  log_level: Type.String(),
  stage: Type.String(),
  output: Type.String(),
});

/** The query string of a job-log route. */
export const JobLogQuerySchema = Type.Object({
  after: Type.Optional(Type.String({ pattern: '^\\d{1,19}$', description: 'Only lines with a larger id.' })),
  follow: Type.Boolean({ default: false, description: 'Stream live as Server-Sent Events.' }),
});

/** What a job-log route was asked for. */
export interface JobLogQuery {
  /** Only lines with a larger id. */
  readonly after?: string;
  /** Stream live instead of answering once. */
  readonly follow: boolean;
}

/**
 * Answers a job-log request (a build's or an import's): the stored lines after the cursor as
 * JSON, or with `follow` a Server-Sent Events stream: each line an `event: log` whose `id:` is
 * the line's id, then one `event: end` with the job's final status. A client that reconnects
 * with `Last-Event-ID` (EventSource does it by itself) gets what it missed and nothing twice.
 */
export async function sendJobLogs(request: FastifyRequest, reply: FastifyReply, queue: JobQueue, jobId: string, query: JobLogQuery) {
  const lastEventId = request.headers['last-event-id'];
  const cursor = typeof lastEventId === 'string' && cursorPattern.test(lastEventId) ? lastEventId : (query.after ?? '0');
  if (!query.follow) return (await queue.listLogs(jobId, cursor)).map(logView);
  await streamLogs(request, reply, queue, jobId, cursor);
  return reply;
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
    request.log.error({ err: error, jobId }, 'following a job log failed');
    finish();
  }
}
