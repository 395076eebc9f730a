import type { FastifyReply, FastifyRequest } from 'fastify';
import { HangarError } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import { isVerifiedAccess, type RouteDefinition } from './route.js';

/**
 * Decides whether a request may reach a route's handler; throws a `HangarError` (401/403)
 * to refuse. It runs in the route's `onRequest` stage, before the body is read or validated,
 * so an anonymous caller gets 401 rather than a schema error. The identity subsystem
 * provides the real one; without it every non-public route is refused, so a server never
 * runs open by accident.
 */
export interface AccessGuard {
  /** Checks one request; `reply` may receive headers (rate limits, renewed cookies). */
  check(request: FastifyRequest, reply: FastifyReply, route: RouteDefinition): Promise<void>;
}

/** Token of the server's {@link AccessGuard}. */
export const accessGuardToken = createToken<AccessGuard>('core.accessGuard');

/** The guard used when no identity subsystem is installed: only public routes pass. */
export const publicOnlyGuard: AccessGuard = {
  async check(request, _reply, route) {
    if (isVerifiedAccess(route.access)) return route.access.verify(request);
    if (route.access !== 'public') throw new HangarError('HANGAR_ERR_UNAUTHENTICATED');
  },
};
