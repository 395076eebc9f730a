import type { FastifyRequest } from 'fastify';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { ApiKeyService } from './api-key-service.js';
import { parseApiKey } from './api-key-secret.js';
import type { IdentityHooks } from './identity-hooks.js';
import { readCookie, sessionCookieName, sessionHeaderName } from './session-cookie.js';

/** Where a request carried its session token. */
export interface PresentedToken {
  readonly token: string;
  /** `session-token` (the `Hangar-Session-Token` header), `bearer`, or `cookie`. */
  readonly strategy: 'session-token' | 'bearer' | 'cookie';
}

/**
 * The session token a request presents, in order of precedence: the `Hangar-Session-Token`
 * header, an `Authorization: Bearer` key of Hangar's format (other bearer credentials are
 * left to plugin strategies), then the `hangar_session_token` cookie.
 */
export function presentedToken(request: FastifyRequest): PresentedToken | undefined {
  const header = request.headers[sessionHeaderName];
  if (typeof header === 'string' && header.length > 0) return { token: header, strategy: 'session-token' };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer && parseApiKey(bearer)) return { token: bearer, strategy: 'bearer' };
  const cookie = readCookie(request.headers.cookie, sessionCookieName);
  if (cookie) return { token: cookie, strategy: 'cookie' };
  return undefined;
}

/**
 * Taps the built-in strategy into `authenticate`: a presented API key is verified (a bad
 * one is refused with 401 rather than passed on), its use recorded and a session's expiry
 * slid forward.
 */
export function tapSessionTokenStrategy(hooks: IdentityHooks, apiKeys: () => ApiKeyService): void {
  hooks.authenticate.tapPromise('session-token', async (request) => {
    const presented = presentedToken(request);
    if (!presented) return undefined;
    const em = request.scope.resolve(entityManagerToken);
    const key = await apiKeys().verify(em, presented.token);
    const sessionRefreshed = await apiKeys().touch(em, key, request.ip || null);
    return { userId: key.userId, strategy: presented.strategy, apiKeyId: key.id, viaCookie: presented.strategy === 'cookie', sessionRefreshed };
  });
}
