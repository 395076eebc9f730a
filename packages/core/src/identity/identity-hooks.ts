import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyRequest } from 'fastify';
import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import { createToken } from '../kernel/token.js';
import type { Subject } from '../rbac/subject.js';
import type { PasswordContext } from './password-policy.js';
import type { UserRecord, UserStatus } from './user-entity.js';

/** What an authentication strategy answers when it recognises the caller. */
export interface AuthenticationResult {
  /** The user the request acts as. The guard loads it and refuses suspended or deleted users. */
  readonly userId: string;
  /** The strategy's name, recorded on the request. */
  readonly strategy: string;
  /** The API key used, if any (logout deletes it). */
  readonly apiKeyId?: string;
  /** True when the credential came from the session cookie alone: mutations then need a CSRF token. */
  readonly viaCookie?: boolean;
  /** True when the session's expiry was just extended (the guard then renews the cookie). */
  readonly sessionRefreshed?: boolean;
}

/** A password login about to be checked. */
export interface LoginAttempt {
  readonly email: string;
  readonly ip: string;
  readonly method: string;
}

/** A user who just signed in. */
export interface LoginEvent {
  readonly user: UserRecord;
  /** `password`, or the plugin method that issued the session. */
  readonly method: string;
  readonly apiKeyId: string;
  readonly ip: string;
}

/** A session that just ended by logout. */
export interface LogoutEvent {
  readonly userId: string;
  readonly apiKeyId?: string;
  readonly ip: string;
}

/** A user being created, inside the creating transaction. */
export interface UserCreatedEvent {
  readonly user: UserRecord;
  /** The transaction's EntityManager: write with it so everything commits together. */
  readonly em: EntityManager;
  /** Whether this is the first user of the deployment (the owner). */
  readonly firstUser: boolean;
  /** Organizations the user was added to; taps that add memberships push their ids. */
  readonly organizationIds: string[];
}

/** A user suspended, activated or deleted. */
export interface UserStatusEvent {
  readonly user: UserRecord;
  readonly status: UserStatus | 'deleted';
}

/** What `resolveSubject` taps receive besides the subject. */
export interface SubjectContext {
  readonly user: UserRecord;
  /** An EntityManager to read with. */
  readonly em: EntityManager;
}

/** Creates the identity subsystem's hooks. */
export function createIdentityHooks() {
  return Object.freeze({
    /** For each request to a route: recognise the caller. Return a result to choose it, nothing to let the next strategy try; throw to refuse. */
    authenticate: new AsyncSeriesBailHook<[FastifyRequest], AuthenticationResult | undefined>(['request']),
    /** Transform the subject built for a user (organization memberships, extra roles) and return it. */
    resolveSubject: new AsyncSeriesWaterfallHook<[Subject, SubjectContext]>(['subject', 'context']),
    /** Before a password login is checked: return a reason to refuse it. */
    beforeLogin: new AsyncSeriesBailHook<[LoginAttempt], string | void>(['attempt']),
    /** A user signed in and received a session (by password or through a plugin). */
    loggedIn: new AsyncParallelHook<[LoginEvent]>(['login']),
    /** A session ended by logout. */
    loggedOut: new AsyncParallelHook<[LogoutEvent]>(['logout']),
    /** Inside the transaction creating a user (the first one too): add what belongs with it; throwing rolls the creation back. */
    afterUserCreated: new AsyncSeriesHook<[UserCreatedEvent]>(['event']),
    /** Check a new password beyond the built-in policy: return a reason to refuse it. */
    validatePassword: new AsyncSeriesBailHook<[string, PasswordContext], string | void>(['password', 'context']),
    /** A user was suspended, activated or deleted; their sessions and tokens are already gone. */
    userStatusChanged: new AsyncParallelHook<[UserStatusEvent]>(['event']),
  });
}

/** The identity subsystem's hooks. */
export type IdentityHooks = ReturnType<typeof createIdentityHooks>;

/** Token of the identity subsystem's hooks. */
export const identityHooksToken = createToken<IdentityHooks>('identity.hooks');
