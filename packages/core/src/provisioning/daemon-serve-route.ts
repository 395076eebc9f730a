import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { isHangarError } from '../errors/hangar-error.js';
import type { PluginContext } from '../kernel/plugin.js';
import type { DaemonStore } from './daemon-store.js';
import { daemonServePath, type DaemonEvent, type DaemonRequest, type DaemonResponse, keyRevokedCloseCode, parseDaemonRequest, provisionerKeyHeader } from './daemon-wire.js';
import type { JobQueue } from './job-queue.js';
import { defaultJobTags } from './job-queue.js';
import { encodeWire } from './job-protocol.js';
import type { ProvisionerKeyRecord, ProvisionerKeyService } from './provisioner-keys.js';

/** What the serve route works with. */
export interface DaemonServeDeps {
  readonly queue: () => JobQueue;
  readonly daemons: () => DaemonStore;
  readonly keys: () => ProvisionerKeyService;
  readonly heartbeatIntervalMs: number;
}

const ServeQuery = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'The daemon\'s name, unique in its organization.' }),
  provisioners: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*$', description: 'Comma-separated provisioner names the daemon runs.' }),
  version: Type.Optional(Type.String({ maxLength: 64 })),
});

/**
 * `GET /api/v2/provisionerdaemons/serve`: the WebSocket external daemons connect to. The
 * `Hangar-Provisioner-Key` header authenticates the daemon; its organization and tags come
 * from the key. The socket then carries the job protocol of `daemon-wire.ts`.
 */
export function registerDaemonServeRoute(ctx: PluginContext, deps: DaemonServeDeps): void {
  const verifiedKeys = new WeakMap<FastifyRequest, ProvisionerKeyRecord>();
  ctx.route({
    method: 'GET',
    url: daemonServePath,
    websocket: true,
    rateLimit: false,
    summary: 'Connect an external provisioner daemon (WebSocket; provisioner key in the Hangar-Provisioner-Key header).',
    tags: ['provisionerdaemons'],
    access: {
      verify: async (request) => {
        const presented = request.headers[provisionerKeyHeader];
        verifiedKeys.set(request, await deps.keys().verify(typeof presented === 'string' ? presented : undefined));
      },
    },
    schema: { querystring: ServeQuery },
    handler: (async (socket: WebSocket, request: FastifyRequest<{ Querystring: { name: string; provisioners: string; version?: string } }>) => {
      const key = verifiedKeys.get(request)!;
      await serveDaemon(socket, request.query, key, deps, ctx).catch((error) => {
        ctx.logger.error({ err: error, daemon: request.query.name }, 'serving an external daemon failed');
        socket.close(1011, 'the server could not register the daemon');
      });
    }) as never,
  });
}

async function serveDaemon(
  socket: WebSocket,
  query: { name: string; provisioners: string; version?: string },
  key: ProvisionerKeyRecord,
  deps: DaemonServeDeps,
  ctx: PluginContext,
): Promise<void> {
  const logger = ctx.logger.child({ daemon: query.name, keyId: key.id });
  // Hold messages that arrive while the daemon is being registered.
  const early: string[] = [];
  const onEarly = (data: Buffer) => void early.push(data.toString());
  socket.on('message', onEarly);
  const queue = deps.queue();
  const identity = await deps.daemons().register({
    name: query.name,
    organizationId: key.organizationId,
    tags: Object.keys(key.tags).length ? key.tags : defaultJobTags,
    provisioners: [...new Set(query.provisioners.split(','))],
    version: query.version ?? '',
    keyId: key.id,
  });
  await queue.listen();
  const send = (message: DaemonResponse | DaemonEvent) => {
    if (socket.readyState === socket.OPEN) socket.send(encodeWire(message));
  };
  // Jobs this connection took or reported on: cancel requests for them are forwarded.
  const jobs = new Set<string>();
  let acquiring: AbortController | undefined;
  const stopCancel = queue.onCancel((jobId) => jobs.has(jobId) && send({ event: 'cancel', job_id: jobId }));
  const stopKeyWatch = await deps.keys().onDeleted((keyId) => keyId === key.id && socket.close(keyRevokedCloseCode, 'the provisioner key was deleted'));
  socket.on('close', () => {
    acquiring?.abort();
    stopCancel();
    stopKeyWatch();
    logger.info('external provisioner daemon disconnected');
  });
  logger.info({ daemonId: identity.id, tags: identity.tags }, 'external provisioner daemon connected');

  const handle = async (request: DaemonRequest): Promise<DaemonResponse['result']> => {
    switch (request.method) {
      case 'acquire': {
        if (acquiring) throw Object.assign(new Error('an acquire is already waiting'), { code: 'HANGAR_ERR_PROVISIONER_DAEMON_PROTOCOL' });
        acquiring = new AbortController();
        try {
          const job = await queue.acquireNext(identity, acquiring.signal);
          if (job && socket.readyState !== socket.OPEN) {
            // The daemon left while the job was being prepared: hand it back to the hang detector's care.
            await queue.fail(job.id, { message: 'The daemon disconnected as it was given the job.', code: 'HANGAR_ERR_PROVISIONER_DAEMON_DISCONNECTED' }, identity.id).catch(() => undefined);
            return { job: null };
          }
          if (job) jobs.add(job.id);
          return { job: job ?? null };
        } finally {
          acquiring = undefined;
        }
      }
      case 'cancel_acquire':
        acquiring?.abort();
        return {};
      case 'heartbeat':
        jobs.add(request.job_id);
        return queue.heartbeat(request.job_id, identity.id);
      case 'logs':
        await queue.appendLogs(request.job_id, request.logs, identity.id);
        return {};
      case 'complete':
        await queue.complete(request.job_id, request.result, identity.id);
        jobs.delete(request.job_id);
        return {};
      case 'fail':
        await queue.fail(request.job_id, request.failure, identity.id);
        jobs.delete(request.job_id);
        return {};
    }
  };
  const onMessage = (text: string) => {
    let request: DaemonRequest;
    try {
      request = parseDaemonRequest(text);
    } catch (error) {
      const id = safeId(text);
      send({ id, error: { code: isHangarError(error) ? error.code : 'HANGAR_ERR_PROVISIONER_DAEMON_PROTOCOL', message: (error as Error).message } });
      return;
    }
    handle(request).then(
      (result) => send({ id: request.id, result: result ?? {} }),
      (error) => {
        if (!isHangarError(error)) logger.error({ err: error, method: request.method }, 'a daemon request failed');
        send({ id: request.id, error: { code: (error as { code?: string }).code ?? 'HANGAR_ERR_INTERNAL', message: isHangarError(error) ? error.message : 'The request failed on the server.' } });
      },
    );
  };
  socket.off('message', onEarly);
  socket.on('message', (data: Buffer) => onMessage(data.toString()));
  send({
    event: 'welcome',
    daemon_id: identity.id,
    name: identity.name,
    organization_id: key.organizationId,
    tags: identity.tags,
    heartbeat_interval_ms: deps.heartbeatIntervalMs,
  });
  for (const text of early) onMessage(text);
}

function safeId(text: string): number {
  const match = /"id"\s*:\s*(\d{1,15})/.exec(text);
  return match ? Number(match[1]) : 0;
}
