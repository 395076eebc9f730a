import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';

/**
 * Who may call a route. Every route says it; a route without it fails boot.
 * - `'public'`: anyone, signed in or not.
 * - `'authenticated'`: any signed-in subject; the handler checks the rest.
 * - `{ action, resource }`: the authoriser must allow the action on that resource type
 *   (object-level checks happen in the handler, e.g. "is this my workspace").
 * - `{ verify }`: the caller is not a user (a provisioner daemon, a workspace agent) and the
 *   route authenticates it itself; every access guard calls `verify`, which throws to refuse.
 */
export type RouteAccess = 'public' | 'authenticated' | AccessRule | VerifiedAccess;

/** A route that authenticates its caller itself (provisioner key, agent token). */
export interface VerifiedAccess {
  /** Throws a `HangarError` (401/403) to refuse the request; may remember who called for the handler. */
  readonly verify: (request: FastifyRequest) => Promise<void>;
}

/** Whether a route authenticates its caller itself. */
export function isVerifiedAccess(access: RouteAccess): access is VerifiedAccess {
  return typeof access === 'object' && typeof (access as Partial<VerifiedAccess>).verify === 'function';
}

/** A permission a route requires, checked before its handler runs. */
export interface AccessRule {
  readonly action: string;
  readonly resource: string;
}

/** The JSON schemas of a route; each also types the handler's request. */
export interface RouteSchema {
  readonly body?: TSchema;
  readonly querystring?: TSchema;
  readonly params?: TSchema;
  readonly headers?: TSchema;
  readonly response?: Readonly<Record<number, TSchema>>;
}

type StaticOr<S, Fallback> = S extends TSchema ? Static<S> : Fallback;

/** The request a handler receives, typed from its route's schema. */
export type HangarRequest<S extends RouteSchema = RouteSchema> = FastifyRequest<{
  Body: StaticOr<S['body'], unknown>;
  Querystring: StaticOr<S['querystring'], unknown>;
  Params: StaticOr<S['params'], unknown>;
  Headers: StaticOr<S['headers'], unknown>;
}>;

/**
 * An HTTP route as a plugin declares it. Its schemas validate input (unknown fields are
 * rejected) and feed the OpenAPI document.
 *
 * @example
 * ```ts
 * ctx.route({
 *   method: 'GET', url: '/api/v2/hello/:name', access: 'public',
 *   schema: { params: Type.Object({ name: Type.String() }) },
 *   handler: async (request) => ({ hello: request.params.name }),
 * });
 * ```
 */
export interface RouteDefinition<S extends RouteSchema = any> {
  readonly method: HTTPMethods | HTTPMethods[];
  readonly url: string;
  readonly access: RouteAccess;
  /** One line for the OpenAPI document. */
  readonly summary?: string;
  readonly description?: string;
  /** OpenAPI tags; the first segment after `/api/v2` when omitted. */
  readonly tags?: string[];
  readonly schema?: S;
  /** Largest accepted body in bytes (default: the server's limit). */
  readonly bodyLimit?: number;
  /** Serve a WebSocket on this route (GET only); the handler receives the socket first. */
  readonly websocket?: boolean;
  /** Rate-limit group; routes of one group share a budget (identity's limiter reads it). */
  readonly rateLimit?: string | false;
  handler(request: HangarRequest<S>, reply: FastifyReply): unknown;
}
