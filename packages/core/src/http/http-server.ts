import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { HangarError } from '../errors/hangar-error.js';
import type { ServiceContainer } from '../kernel/container.js';
import type { HttpHooks } from '../kernel/kernel-hooks.js';
import type { Logger } from '../logging/logger.js';
import { type AccessGuard, accessGuardToken, publicOnlyGuard } from './access-guard.js';
import { sendError, toHangarError } from './error-handler.js';
import { isVerifiedAccess, type RouteDefinition } from './route.js';
import { rejectUnknownFields } from './strict-schema.js';
import { installValidators } from './validator.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's own child container (request-scoped services live here). */
    scope: ServiceContainer;
  }
  interface FastifyContextConfig {
    /** The Hangar route definition this fastify route was made from. */
    hangarRoute?: RouteDefinition;
  }
}

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  readonly logger: Logger;
  readonly container: ServiceContainer;
  readonly hooks: HttpHooks;
  readonly version: string;
  /** Largest accepted body in bytes, unless a route sets its own. */
  readonly bodyLimit?: number;
}

/**
 * Builds the fastify instance: request ids, strict ajv validation, the error renderer, the
 * OpenAPI generator and WebSocket support. Routes are added with {@link addRoutes}.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: (request) => validRequestId(request.headers['x-request-id']) ?? randomUUID(),
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  installValidators(app as unknown as FastifyInstance);
  app.decorateRequest('scope', null as unknown as ServiceContainer);
  app.addHook('onRequest', async (request, reply) => {
    request.scope = options.container.createChild();
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler((error, request, reply) => {
    const hangarError = toHangarError(error);
    options.hooks.errorSent.call(hangarError, request);
    return sendError(request, reply, hangarError);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new HangarError('HANGAR_ERR_ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0] });
    options.hooks.errorSent.call(error, request);
    return sendError(request, reply, error);
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Hangar API', version: options.version, description: 'The Hangar HTTP API.' },
      components: {
        securitySchemes: {
          sessionToken: { type: 'apiKey', in: 'header', name: 'Hangar-Session-Token' },
          bearer: { type: 'http', scheme: 'bearer' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'hangar_session_token' },
        },
      },
    },
  });
  await app.register(websocket, { options: { maxPayload: 16 * 1024 * 1024 } });
  await options.hooks.configure.promise(app);
  return app as unknown as FastifyInstance;
}

/** Adds declared routes to fastify, each behind the access guard. */
export function addRoutes(app: FastifyInstance, routes: readonly RouteDefinition[], container: ServiceContainer): void {
  const guard = (): AccessGuard => container.tryResolve(accessGuardToken) ?? publicOnlyGuard;
  for (const route of routes) {
    if (!route.access) throw new HangarError('HANGAR_ERR_ROUTE_ACCESS_UNDECLARED', { method: route.method, url: route.url });
    const schema = route.schema ?? {};
    app.route({
      method: route.method,
      url: route.url,
      bodyLimit: route.bodyLimit,
      config: { hangarRoute: route },
      schema: {
        ...(schema.body ? { body: rejectUnknownFields(schema.body) } : {}),
        ...(schema.querystring ? { querystring: rejectUnknownFields(schema.querystring) } : {}),
        ...(schema.params ? { params: schema.params } : {}),
        ...(schema.headers ? { headers: schema.headers } : {}),
        ...(schema.response ? { response: schema.response } : {}),
        summary: route.summary,
        description: route.description,
        tags: route.tags ?? [defaultTag(route.url)],
        ...(route.access === 'public' || isVerifiedAccess(route.access) ? {} : { security: [{ sessionToken: [] }, { bearer: [] }, { sessionCookie: [] }] }),
      },
      onRequest: async (request, reply) => guard().check(request, reply, route),
      ...(route.websocket
        ? { websocket: true, handler: route.handler as never, wsHandler: route.handler as never }
        : { handler: route.handler as never }),
    });
  }
}

function defaultTag(url: string): string {
  return /^\/api\/v2\/([^/]+)/.exec(url)?.[1] ?? 'general';
}

function validRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{8,128}$/.test(value) ? value : undefined;
}
