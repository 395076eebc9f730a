import type { FastifyReply, FastifyRequest } from 'fastify';
import { HangarError } from '../errors/hangar-error.js';
import type { AccessGuard } from '../http/access-guard.js';
import { isVerifiedAccess, type RouteDefinition } from '../http/route.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { Authorizer } from '../rbac/authorizer.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { IdentityHooks } from './identity-hooks.js';
import type { ResolvedIdentityOptions } from './identity-options.js';
import type {} from './request-auth.js';
import { csrfHeaderName, csrfTokenMatches, readCookie, sessionCookieName, sessionCookies } from './session-cookie.js';
import type { UserService } from './user-service.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the guard works with. */
export interface IdentityAccessGuardDeps {
  readonly hooks: IdentityHooks;
  readonly users: UserService;
  readonly authorizer: Authorizer;
  readonly limiter: RateLimiter;
  readonly options: ResolvedIdentityOptions;
}

/**
 * The real access guard. For every route it: recognises the caller through the
 * `authenticate` strategies and refuses suspended or deleted users; counts the request
 * against the rate limit of the route's group; lets public routes through; demands a
 * subject; demands a CSRF token for mutations authenticated by the cookie alone; and checks
 * `{ action, resource }` rules with the authoriser. A route that authenticates its caller
 * itself (`{ verify }`) is only rate-limited and then handed to its verifier.

 */
export class IdentityAccessGuard implements AccessGuard {
  constructor(private readonly deps: IdentityAccessGuardDeps) {}

  /** Runs every step for one request; `reply` receives rate-limit headers and renewed cookies. */
  async check(request: FastifyRequest, reply: FastifyReply | undefined, route: RouteDefinition): Promise<void> {
    if (isVerifiedAccess(route.access)) {
      // The caller is not a user (a provisioner daemon, an agent): the route authenticates it.
      this.limit(request, reply, route);
      return route.access.verify(request);
    }
    let failure: unknown;
    try {
      await this.authenticate(request, reply);
    } catch (error) {
      failure = error;
    }
    this.limit(request, reply, route);
    if (route.access === 'public') return;
    if (failure) throw failure;
    const subject = request.subject;
    if (!subject) throw new HangarError('HANGAR_ERR_UNAUTHENTICATED');
    if (request.authentication?.viaCookie && !safeMethods.has(request.method)) this.checkCsrf(request);
    const rule = route.access;
    if (typeof rule === 'object' && !this.deps.authorizer.canAny(subject, rule.action, rule.resource)) {
      throw new HangarError('HANGAR_ERR_FORBIDDEN', {}, { detail: `${rule.action} on ${rule.resource} is not permitted` });
    }
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply | undefined): Promise<void> {
    const result = await this.deps.hooks.authenticate.promise(request);
    if (!result) return;
    const em = request.scope.resolve(entityManagerToken);
    const user = await this.deps.users.findById(em, result.userId);
    // A deleted user's keys are gone too, but a plugin strategy may still name them.
    if (!user) throw new HangarError('HANGAR_ERR_IDENTITY_TOKEN_INVALID', {}, { detail: 'the account no longer exists' });
    if (user.status !== 'active') throw new HangarError('HANGAR_ERR_IDENTITY_USER_SUSPENDED');
    request.subject = await this.deps.users.subjectFor(em, user);
    request.authentication = {
      strategy: result.strategy,
      userId: user.id,
      viaCookie: result.viaCookie ?? false,
      ...(result.apiKeyId ? { apiKeyId: result.apiKeyId } : {}),
    };
    await this.deps.users.touchLastSeen(em, user);
    if (result.sessionRefreshed && result.viaCookie && reply) {
      const token = readCookie(request.headers.cookie, sessionCookieName);
      if (token) reply.header('set-cookie', sessionCookies(token, { maxAgeSeconds: this.deps.options.sessionLifetimeSeconds, secure: this.deps.options.secureCookies }));
    }
  }

  private limit(request: FastifyRequest, reply: FastifyReply | undefined, route: RouteDefinition): void {
    if (route.rateLimit === false) return;
    const group = route.rateLimit ?? 'api';
    // Logins are anonymous by nature: count them per address whoever is signed in.
    const key = group !== 'login' && request.subject ? `user:${request.subject.id}` : `ip:${request.ip}`;
    const decision = this.deps.limiter.consume(group, key);
    if (!decision) return;
    reply?.header('x-ratelimit-limit', decision.limit).header('x-ratelimit-remaining', decision.remaining).header('x-ratelimit-reset', decision.retryAfterSeconds);
    if (!decision.allowed) {
      throw new HangarError('HANGAR_ERR_RATE_LIMITED', { retryAfter: decision.retryAfterSeconds }, { headers: { 'Retry-After': String(decision.retryAfterSeconds) } });
    }
  }

  private checkCsrf(request: FastifyRequest): void {
    const token = readCookie(request.headers.cookie, sessionCookieName);
    const presented = request.headers[csrfHeaderName];
    if (!token || !csrfTokenMatches(token, typeof presented === 'string' ? presented : undefined)) throw new HangarError('HANGAR_ERR_IDENTITY_CSRF');
  }
}
