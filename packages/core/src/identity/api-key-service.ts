import type { EntityManager } from '@mikro-orm/postgresql';
import { HangarError } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import { type ApiKeyKind, type ApiKeyRecord, ApiKeySchema } from './api-key-entity.js';
import { apiKeySecretMatches, generateApiKey, parseApiKey } from './api-key-secret.js';
import type { ResolvedIdentityOptions } from './identity-options.js';
import type { UserRecord } from './user-entity.js';

/** A key just created: its record and the full key, which exists only in this response. */
export interface CreatedApiKey {
  readonly key: ApiKeyRecord;
  readonly token: string;
}

// Writing last_used on every request would turn reads into writes; once a minute is enough.
const touchIntervalMs = 60_000;

/**
 * Sessions and named tokens: creation (only the SHA-256 of the secret is stored),
 * verification in constant time, sliding session expiry, listing and revocation.
 */
export class ApiKeyService {
  constructor(private readonly options: ResolvedIdentityOptions) {}

  /** Creates a login session for a user. */
  async createSession(tx: EntityManager, user: UserRecord, options: { loginType: string; ip: string | null }): Promise<CreatedApiKey> {
    return this.insert(tx, user.id, 'session', options.loginType, null, this.options.sessionLifetimeSeconds, options.ip);
  }

  /**
   * Creates a named token. Its lifetime defaults to the server default and may not pass the
   * maximum (400 naming `lifetime_seconds`); the name is unique per user (409).
   */
  async createToken(tx: EntityManager, user: UserRecord, options: { name: string; lifetimeSeconds?: number; ip: string | null }): Promise<CreatedApiKey> {
    const lifetime = options.lifetimeSeconds ?? this.options.defaultTokenLifetimeSeconds;
    if (lifetime > this.options.maxTokenLifetimeSeconds) {
      throw new HangarError('HANGAR_ERR_IDENTITY_TOKEN_LIFETIME', { max: this.options.maxTokenLifetimeSeconds }, {
        validations: [{ field: 'lifetime_seconds', detail: `must be at most ${this.options.maxTokenLifetimeSeconds}` }],
      });
    }
    const taken = await tx.count(ApiKeySchema, { userId: user.id, tokenName: options.name });
    if (taken > 0) throw new HangarError('HANGAR_ERR_IDENTITY_TOKEN_NAME_TAKEN', { name: options.name }, { validations: [{ field: 'token_name', detail: 'is taken' }] });
    return this.insert(tx, user.id, 'token', 'token', options.name, lifetime, options.ip);
  }

  /**
   * The key a presented `<id>-<secret>` names, if the secret matches and it has not expired;
   * otherwise 401 `HANGAR_ERR_IDENTITY_TOKEN_INVALID` or `HANGAR_ERR_IDENTITY_TOKEN_EXPIRED`.
   */
  async verify(em: EntityManager, presented: string): Promise<ApiKeyRecord> {
    const parsed = parseApiKey(presented);
    if (!parsed) throw new HangarError('HANGAR_ERR_IDENTITY_TOKEN_INVALID', {}, { detail: 'the token is not of the form <id>-<secret>' });
    const key = await em.findOne(ApiKeySchema, { id: parsed.id }, { refresh: true });
    if (!key || !apiKeySecretMatches(parsed.secret, key.hashedSecret)) {
      throw new HangarError('HANGAR_ERR_IDENTITY_TOKEN_INVALID', {}, { detail: 'no such key, or it was revoked' });
    }
    if (new Date(key.expiresAt).getTime() <= Date.now()) throw new HangarError('HANGAR_ERR_IDENTITY_TOKEN_EXPIRED');
    return key;
  }

  /**
   * Records use of a key at most once a minute and, for sessions, slides the expiry forward
   * (unless refresh is disabled). Returns whether the expiry moved.
   */
  async touch(em: EntityManager, key: ApiKeyRecord, ip: string | null): Promise<boolean> {
    const now = new Date();
    if (now.getTime() - new Date(key.lastUsed).getTime() < touchIntervalMs) return false;
    const slide = key.kind === 'session' && !this.options.disableSessionExpiryRefresh;
    const expiresAt = slide ? new Date(now.getTime() + key.lifetimeSeconds * 1000) : key.expiresAt;
    await em.nativeUpdate(ApiKeySchema, { id: key.id }, { lastUsed: now, expiresAt, updatedAt: now, ...(ip ? { ipAddress: ip } : {}) });
    Object.assign(key, { lastUsed: now, expiresAt, updatedAt: now });
    return slide;
  }

  /** A user's named tokens, newest first. */
  listTokens(em: EntityManager, userId: string): Promise<ApiKeyRecord[]> {
    return em.find(ApiKeySchema, { userId, kind: 'token' }, { orderBy: { createdAt: 'desc', id: 'asc' }, refresh: true });
  }

  /** One of a user's keys (session or token), or `null`. */
  get(em: EntityManager, userId: string, keyId: string): Promise<ApiKeyRecord | null> {
    return em.findOne(ApiKeySchema, { id: keyId, userId }, { refresh: true });
  }

  /** Deletes one key. */
  async delete(tx: EntityManager, keyId: string): Promise<void> {
    await tx.nativeDelete(ApiKeySchema, { id: keyId });
  }

  /** Deletes a user's keys (of one kind, or all), except one; returns how many. */
  revokeAll(tx: EntityManager, userId: string, options: { kind?: ApiKeyKind; exceptId?: string } = {}): Promise<number> {
    return tx.nativeDelete(ApiKeySchema, {
      userId,
      ...(options.kind ? { kind: options.kind } : {}),
      ...(options.exceptId ? { id: { $ne: options.exceptId } } : {}),
    });
  }

  private async insert(
    tx: EntityManager,
    userId: string,
    kind: ApiKeyKind,
    loginType: string,
    tokenName: string | null,
    lifetimeSeconds: number,
    ip: string | null,
  ): Promise<CreatedApiKey> {
    const generated = generateApiKey();
    const now = new Date();
    const key: ApiKeyRecord = {
      id: generated.id,
      hashedSecret: generated.hashedSecret,
      userId,
      kind,
      loginType,
      tokenName,
      scope: 'all',
      lifetimeSeconds,
      expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
      lastUsed: now,
      ipAddress: ip,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(ApiKeySchema, key);
    return { key, token: generated.token };
  }
}

/** Token of the server's {@link ApiKeyService}. */
export const apiKeyServiceToken = createToken<ApiKeyService>('identity.apiKeys');
