import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditDraft, AuditService } from '../audit/audit-service.js';
import { HangarError } from '../errors/hangar-error.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import { createToken } from '../kernel/token.js';
import type { ApiKeyRecord } from './api-key-entity.js';
import type { ApiKeyService } from './api-key-service.js';
import type { IdentityHooks } from './identity-hooks.js';
import type { ResolvedIdentityOptions } from './identity-options.js';
import { dummyPasswordHash, verifyPassword } from './password-hasher.js';
import { clearedSessionCookies, sessionCookies } from './session-cookie.js';
import type { UserRecord } from './user-entity.js';
import type { UserService } from './user-service.js';

/** A session just issued. */
export interface IssuedSession {
  /** The session token `<id>-<secret>`; also set as the session cookie. */
  readonly token: string;
  readonly key: ApiKeyRecord;
}

/**
 * Signing in and out. Password login lives here; plugins that verify users another way
 * (OIDC, SAML, a trusted proxy) call {@link LoginService.issueSession} once they know who
 * the user is, and get the same cookies, audit entry and `loggedIn` hook.
 */
export class LoginService {
  constructor(
    private readonly hooks: IdentityHooks,
    private readonly audit: AuditService,
    private readonly users: UserService,
    private readonly apiKeys: ApiKeyService,
    private readonly options: ResolvedIdentityOptions,
  ) {}

  /**
   * Checks an email and password and issues a session. Wrong email and wrong password give
   * the same 401 after the same work (a dummy hash is checked when there is no account); every
   * refusal is audited without the password.
   */
  async passwordLogin(request: FastifyRequest, reply: FastifyReply, credentials: { email: string; password: string }): Promise<IssuedSession> {
    const em = request.scope.resolve(entityManagerToken);
    const context = this.audit.contextOf(request);
    const email = credentials.email.toLowerCase();
    const refusal = await this.hooks.beforeLogin.promise({ email, ip: request.ip, method: 'password' });
    if (refusal) {
      await this.audit.record(em, context, refusedLogin('', email, 403, refusal));
      throw new HangarError('HANGAR_ERR_IDENTITY_LOGIN_REFUSED', { reason: refusal });
    }
    const user = await this.users.findByEmail(em, email);
    const hash = user?.hashedPassword ?? (await dummyPasswordHash(this.options.scryptCost));
    const matches = await verifyPassword(credentials.password, hash);
    if (!user || !user.hashedPassword || !matches) {
      await this.audit.record(em, context, refusedLogin(user?.id ?? '', email, 401, user ? 'wrong password' : 'no such account'));
      throw new HangarError('HANGAR_ERR_IDENTITY_LOGIN_FAILED');
    }
    if (user.status !== 'active') {
      await this.audit.record(em, context, refusedLogin(user.id, user.username, 401, 'suspended'));
      throw new HangarError('HANGAR_ERR_IDENTITY_USER_SUSPENDED');
    }
    return this.issueSession(request, reply, user, 'password');
  }

  /**
   * Issues a login session for a user already verified by `method`: stores the key, sets the
   * session and CSRF cookies, writes a `login` audit entry and fires `loggedIn`.
   */
  async issueSession(request: FastifyRequest, reply: FastifyReply, user: UserRecord, method: string): Promise<IssuedSession> {
    if (user.deleted || user.status !== 'active') throw new HangarError('HANGAR_ERR_IDENTITY_USER_SUSPENDED');
    const em = request.scope.resolve(entityManagerToken);
    const issued = await this.audit.transaction(em, this.audit.contextOf(request), async (tx, record) => {
      const created = await this.apiKeys.createSession(tx, user, { loginType: method, ip: request.ip || null });
      await this.users.touchLastSeen(tx, user);
      record({
        action: 'login',
        resourceType: 'api_key',
        resourceId: created.key.id,
        resourceTarget: user.username,
        statusCode: 201,
        actor: { id: user.id, username: user.username },
        additionalFields: { method },
      });
      return created;
    });
    reply.header('set-cookie', sessionCookies(issued.token, { maxAgeSeconds: this.options.sessionLifetimeSeconds, secure: this.options.secureCookies }));
    await this.hooks.loggedIn.promise({ user, method, apiKeyId: issued.key.id, ip: request.ip });
    return issued;
  }

  /** Ends the request's session: deletes its key, clears the cookies, audits and fires `loggedOut`. */
  async logout(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const subject = request.subject;
    const apiKeyId = request.authentication?.apiKeyId;
    if (subject) {
      const em = request.scope.resolve(entityManagerToken);
      await this.audit.transaction(em, this.audit.contextOf(request), async (tx, record) => {
        if (apiKeyId) await this.apiKeys.delete(tx, apiKeyId);
        const strategy = request.authentication?.strategy ?? '';
        record({ action: 'logout', resourceType: 'api_key', resourceId: apiKeyId ?? '', resourceTarget: subject.username, additionalFields: { strategy } });
      });
    }
    reply.header('set-cookie', clearedSessionCookies(this.options.secureCookies));
    if (subject) await this.hooks.loggedOut.promise({ userId: subject.id, ...(apiKeyId ? { apiKeyId } : {}), ip: request.ip });
  }
}

// A refused password login: no actor, the attempted account as target, never the password.
function refusedLogin(userId: string, target: string, statusCode: number, reason: string): AuditDraft {
  return { action: 'login', resourceType: 'user', resourceId: userId, resourceTarget: target, statusCode, additionalFields: { method: 'password', reason } };
}

/** Token of the server's {@link LoginService}. */
export const loginServiceToken = createToken<LoginService>('identity.login');
