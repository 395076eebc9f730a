import { randomUUID } from 'node:crypto';
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { AuditContext, AuditService } from '../audit/audit-service.js';
import { auditDiff } from '../audit/audit-diff.js';
import { HangarError, invalidField } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import { type ListFilter, listFilterWhere } from '../rbac/list-filter.js';
import { memberRole, type Subject } from '../rbac/subject.js';
import type { ApiKeyService } from './api-key-service.js';
import type { IdentityHooks } from './identity-hooks.js';
import type { ResolvedIdentityOptions } from './identity-options.js';
import { hashPassword } from './password-hasher.js';
import { type PasswordContext, passwordWeakness } from './password-policy.js';
import { type UserRecord, UserSchema, type UserStatus } from './user-entity.js';
import { parseUserSearch } from './user-search.js';
import { userAuditFields, userAuditView } from './user-schemas.js';

/** What creating a user needs. */
export interface CreateUserInput {
  readonly email: string;
  readonly username: string;
  readonly name?: string;
  /** Required for `loginType: 'password'` (the default). */
  readonly password?: string;
  /** `password`, `none`, or a strategy's name for accounts a plugin manages. */
  readonly loginType?: string;
  /** Site roles besides `member`. The caller checks they may be assigned. */
  readonly roles?: readonly string[];
}

/** Changes to a profile; absent fields stay. */
export interface ProfilePatch {
  readonly username?: string;
  readonly name?: string;
  readonly avatarUrl?: string;
}

// Names that would shadow a path under /api/v2/users.
const reservedUsernames = new Set(['me', 'first', 'login', 'logout', 'roles', 'authmethods', 'keys']);
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const firstUserLock = 'hangar:first-user';

/** Users: lookup, search, creation (the first one too), profile, password, status, roles. */
export class UserService {
  constructor(
    private readonly hooks: IdentityHooks,
    private readonly audit: AuditService,
    private readonly apiKeys: ApiKeyService,
    private readonly options: ResolvedIdentityOptions,
  ) {}

  /** A user who is not deleted, by id. */
  findById(em: EntityManager, id: string): Promise<UserRecord | null> {
    return uuidPattern.test(id) ? em.findOne(UserSchema, { id, deleted: false }, { refresh: true }) : Promise.resolve(null);
  }

  /** A user who is not deleted, by email (case-insensitive). */
  findByEmail(em: EntityManager, email: string): Promise<UserRecord | null> {
    return em.findOne(UserSchema, { email: email.toLowerCase(), deleted: false }, { refresh: true });
  }

  /** A user who is not deleted, by username (case-insensitive). */
  findByUsername(em: EntityManager, username: string): Promise<UserRecord | null> {
    return em.findOne(UserSchema, { username: { $ilike: escapeLike(username) }, deleted: false }, { refresh: true });
  }

  /** Resolves a `:user` parameter (`me`, an id or a username); 404 when there is none. */
  async resolve(em: EntityManager, param: string, subject: Subject | undefined): Promise<UserRecord> {
    const user =
      param === 'me'
        ? subject && (await this.findById(em, subject.id))
        : uuidPattern.test(param)
          ? await this.findById(em, param)
          : await this.findByUsername(em, param);
    if (!user) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'user' });
    return user;
  }

  /** Whether the first user has been created. */
  async hasFirstUser(em: EntityManager): Promise<boolean> {
    return (await em.count(UserSchema, {})) > 0;
  }

  /** Users matching a search (`words status:active role:owner login_type:password`), visible through the filter. */
  async list(em: EntityManager, search: { q?: string; limit: number; offset: number }, filter: ListFilter): Promise<{ users: UserRecord[]; count: number }> {
    const parsed = parseUserSearch(search.q ?? '');
    const conditions: Record<string, unknown>[] = [listFilterWhere(filter, { owner: 'id' }) as Record<string, unknown>, { deleted: false }];
    for (const word of parsed.words) {
      const like = `%${escapeLike(word)}%`;
      conditions.push({ $or: [{ username: { $ilike: like } }, { email: { $ilike: like } }, { name: { $ilike: like } }] });
    }
    if (parsed.status) conditions.push({ status: parsed.status });
    if (parsed.loginType) conditions.push({ loginType: parsed.loginType });
    if (parsed.role && parsed.role !== memberRole) conditions.push({ rbacRoles: { $contains: [parsed.role] } });
    const [users, count] = await em.findAndCount(UserSchema, { $and: conditions } as never, {
      orderBy: { username: 'asc', id: 'asc' },
      limit: search.limit,
      offset: search.offset,
      refresh: true,
    });
    return { users, count };
  }

  /** Throws 400 `HANGAR_ERR_IDENTITY_PASSWORD_WEAK` naming `field` when the password fails the policy or a `validatePassword` tap. */
  async checkPassword(password: string, context: PasswordContext, field = 'password'): Promise<void> {
    const reason = passwordWeakness(password, context, this.options.passwordPolicy) ?? (await this.hooks.validatePassword.promise(password, context)) ?? undefined;
    if (reason) throw new HangarError('HANGAR_ERR_IDENTITY_PASSWORD_WEAK', { reason }, { validations: [{ field, detail: reason }] });
  }

  /**
   * Creates the first user as `owner`, once: concurrent attempts serialise on an advisory
   * lock and all but one get 409 `HANGAR_ERR_IDENTITY_FIRST_USER_EXISTS`.
   */
  async createFirstUser(em: EntityManager, context: AuditContext, input: CreateUserInput): Promise<{ user: UserRecord; organizationIds: string[] }> {
    await this.prepareInput(input);
    return this.audit.transaction(em, context, async (tx, record) => {
      await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [firstUserLock]);
      if ((await tx.count(UserSchema, {})) > 0) throw new HangarError('HANGAR_ERR_IDENTITY_FIRST_USER_EXISTS');
      const { user, organizationIds } = await this.insert(tx, { ...input, roles: ['owner'] }, true);
      record({
        action: 'register',
        resourceType: 'user',
        resourceId: user.id,
        resourceTarget: user.username,
        diff: auditDiff(userAuditFields, undefined, userAuditView(user)),
        statusCode: 201,
        actor: { id: user.id, username: user.username },
      });
      return { user, organizationIds };
    });
  }

  /** Creates a user (the caller has checked permissions and roles). */
  async create(em: EntityManager, context: AuditContext, input: CreateUserInput): Promise<UserRecord> {
    await this.prepareInput(input);
    return this.audit.transaction(em, context, async (tx, record) => {
      const { user } = await this.insert(tx, input, false);
      const diff = auditDiff(userAuditFields, undefined, userAuditView(user));
      record({ action: 'create', resourceType: 'user', resourceId: user.id, resourceTarget: user.username, diff, statusCode: 201 });
      return user;
    });
  }

  /** Changes username, name or avatar. */
  async updateProfile(em: EntityManager, context: AuditContext, user: UserRecord, patch: ProfilePatch): Promise<UserRecord> {
    if (patch.username !== undefined) assertUsernameAllowed(patch.username);
    return this.mutate(em, context, user, { ...pick(patch), updatedAt: new Date() });
  }

  /**
   * Sets a new password (policy-checked) and ends the user's other sessions; named tokens
   * stay. `keepApiKeyId` is the session making the change, which stays signed in.
   */
  async changePassword(em: EntityManager, context: AuditContext, user: UserRecord, password: string, keepApiKeyId?: string): Promise<void> {
    await this.checkPassword(password, { username: user.username, email: user.email });
    const hashedPassword = await hashPassword(password, this.options.scryptCost);
    await this.mutate(em, context, user, { hashedPassword, loginType: 'password', updatedAt: new Date() }, (tx) =>
      this.apiKeys.revokeAll(tx, user.id, { kind: 'session', exceptId: keepApiKeyId }),
    );
  }

  /** Suspends or activates a user. Suspending deletes every session and token of theirs in the same transaction. */
  async setStatus(em: EntityManager, context: AuditContext, user: UserRecord, status: UserStatus): Promise<UserRecord> {
    const updated = await this.mutate(em, context, user, { status, updatedAt: new Date() }, async (tx) => {
      if (status === 'suspended') await this.apiKeys.revokeAll(tx, user.id);
    });
    await this.hooks.userStatusChanged.promise({ user: updated, status });
    return updated;
  }

  /** Deletes a user: the row stays (marked deleted, password removed); every key of theirs goes at once. */
  async delete(em: EntityManager, context: AuditContext, user: UserRecord): Promise<void> {
    const updated = await this.mutate(em, context, user, { deleted: true, hashedPassword: null, updatedAt: new Date() }, (tx) => this.apiKeys.revokeAll(tx, user.id), 'delete');
    await this.hooks.userStatusChanged.promise({ user: updated, status: 'deleted' });
  }

  /** Replaces a user's site roles (the caller has checked they may). */
  setRoles(em: EntityManager, context: AuditContext, user: UserRecord, roles: readonly string[]): Promise<UserRecord> {
    return this.mutate(em, context, user, { rbacRoles: [...new Set(roles)].sort(), updatedAt: new Date() });
  }

  /** The authorisation subject of a user, after every `resolveSubject` tap. */
  subjectFor(em: EntityManager, user: UserRecord): Promise<Subject> {
    const base: Subject = { id: user.id, username: user.username, roles: [memberRole, ...user.rbacRoles], organizations: [] };
    return this.hooks.resolveSubject.promise(base, { user, em });
  }

  /** Records that a user was active, at most once a minute. */
  async touchLastSeen(em: EntityManager, user: UserRecord): Promise<void> {
    const now = new Date();
    if (user.lastSeenAt && now.getTime() - new Date(user.lastSeenAt).getTime() < 60_000) return;
    await em.nativeUpdate(UserSchema, { id: user.id }, { lastSeenAt: now });
    user.lastSeenAt = now;
  }

  private async prepareInput(input: CreateUserInput): Promise<void> {
    assertUsernameAllowed(input.username);
    const loginType = input.loginType ?? 'password';
    if (loginType === 'password') {
      if (input.password === undefined) throw invalidField('password', 'is required when login_type is password');
      await this.checkPassword(input.password, { username: input.username, email: input.email });
    } else if (input.password !== undefined) {
      throw invalidField('password', `must not be set when login_type is ${loginType}`);
    }
  }

  private async insert(tx: EntityManager, input: CreateUserInput, firstUser: boolean): Promise<{ user: UserRecord; organizationIds: string[] }> {
    const loginType = input.loginType ?? 'password';
    const email = input.email.toLowerCase();
    if (await this.findByEmail(tx, email)) throw taken('email');
    if (await this.findByUsername(tx, input.username)) throw taken('username');
    const now = new Date();
    const user: UserRecord = {
      id: randomUUID(),
      email,
      username: input.username,
      name: input.name ?? '',
      avatarUrl: '',
      hashedPassword: loginType === 'password' ? await hashPassword(input.password!, this.options.scryptCost) : null,
      loginType,
      status: 'active',
      rbacRoles: [...new Set(input.roles ?? [])].sort(),
      createdAt: now,
      updatedAt: now,
      lastSeenAt: null,
      deleted: false,
    };
    await tx.insert(UserSchema, user).catch(rethrowUniqueViolation);
    const event = { user, em: tx, firstUser, organizationIds: [] as string[] };
    await this.hooks.afterUserCreated.promise(event);
    return { user, organizationIds: event.organizationIds };
  }

  // Updates a user under a row lock, runs `also` in the same transaction and records the diff.
  private async mutate(
    em: EntityManager,
    context: AuditContext,
    user: UserRecord,
    changes: Partial<UserRecord>,
    also?: (tx: EntityManager) => Promise<unknown>,
    action: 'write' | 'delete' = 'write',
  ): Promise<UserRecord> {
    return this.audit.transaction(em, context, async (tx, record) => {
      await tx.execute('select 1 from hangar_users where id = ? for update', [user.id]);
      const current = (await tx.findOne(UserSchema, { id: user.id, deleted: false }, { refresh: true })) ?? notFound();
      if (changes.username !== undefined && changes.username.toLowerCase() !== current.username.toLowerCase() && (await this.findByUsername(tx, changes.username))) {
        throw taken('username');
      }
      const updated: UserRecord = { ...current, ...changes };
      await tx.nativeUpdate(UserSchema, { id: user.id }, changes).catch(rethrowUniqueViolation);
      await also?.(tx);
      record({
        action,
        resourceType: 'user',
        resourceId: user.id,
        resourceTarget: current.username,
        diff: auditDiff(userAuditFields, userAuditView(current), userAuditView(updated)),
        statusCode: action === 'delete' ? 204 : 200,
      });
      return updated;
    });
  }
}

function pick(patch: ProfilePatch): Partial<UserRecord> {
  const changes: Partial<UserRecord> = {};
  if (patch.username !== undefined) changes.username = patch.username;
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.avatarUrl !== undefined) changes.avatarUrl = patch.avatarUrl;
  return changes;
}

function assertUsernameAllowed(username: string): void {
  if (reservedUsernames.has(username.toLowerCase())) throw invalidField('username', 'is reserved');
}

function taken(field: 'email' | 'username'): HangarError {
  return new HangarError('HANGAR_ERR_IDENTITY_USER_EXISTS', { field }, { validations: [{ field, detail: 'is taken' }] });
}

function notFound(): never {
  throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'user' });
}

// Two requests racing past the existence check meet the unique index; answer as the check would.
function rethrowUniqueViolation(error: unknown): never {
  if (error instanceof UniqueConstraintViolationException) throw taken(String(error.message).includes('username') ? 'username' : 'email');
  throw error;
}

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Token of the server's {@link UserService}. */
export const userServiceToken = createToken<UserService>('identity.users');
