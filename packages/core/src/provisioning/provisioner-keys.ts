import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Database } from '../database/database.js';
import { HangarError, invalidField } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import type { PubSub } from '../pubsub/pubsub.js';
import type { ProvisionerTags } from './job-entities.js';
import { jsonParam, notifyOn, type Row, sqlOn } from './sql-on.js';

/** A provisioner key as stored (its secret only as a SHA-256 hash). */
export interface ProvisionerKeyRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  /** The tags every daemon using this key carries. */
  readonly tags: ProvisionerTags;
  readonly createdAt: Date;
  readonly createdBy: string | null;
}

/** Input of {@link ProvisionerKeyService.create}. */
export interface NewProvisionerKey {
  readonly organizationId: string;
  readonly name: string;
  readonly tags?: ProvisionerTags;
  readonly createdBy?: string | null;
}

/** Pubsub channel announcing a deleted key (its connected daemons are disconnected). */
export const keyDeletedChannel = 'provisioner.keys.deleted';

const keyNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/i;
const uuidLength = 36;

/**
 * Provisioner keys: per-organization credentials for external daemons, with the tags
 * those daemons get. A key reads `<id>-<secret>` (256 random bits of secret) and is shown
 * once; only the secret's SHA-256 is stored.
 */
export class ProvisionerKeyService {
  private readonly deletedListeners = new Set<(keyId: string) => void>();
  private subscribed?: Promise<unknown>;

  constructor(
    private readonly database: () => Database,
    private readonly pubsub: () => PubSub,
  ) {}

  /** Creates a key in the caller's transaction; returns it with the full key string (show it once). */
  async create(em: EntityManager, input: NewProvisionerKey): Promise<{ key: ProvisionerKeyRecord; secret: string }> {
    if (!keyNamePattern.test(input.name)) throw invalidField('name', 'must be 1 to 64 letters, digits or dashes, not starting or ending with a dash');
    const sql = sqlOn(em);
    const taken = await sql('select 1 from hangar_provisioner_keys where organization_id = ? and lower(name) = lower(?)', [input.organizationId, input.name]);
    if (taken.length) throw new HangarError('HANGAR_ERR_PROVISIONER_KEY_EXISTS', { name: input.name });
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const rows = await sql(
      `insert into hangar_provisioner_keys (id, organization_id, name, hashed_secret, tags, created_by)
       values (?, ?, ?, ?, ?::jsonb, ?) returning *`,
      [id, input.organizationId, input.name, hash(secret), jsonParam(input.tags ?? {}), input.createdBy ?? null],
    );
    return { key: keyFromRow(rows[0]!), secret: `${id}-${secret}` };
  }

  /** An organization's keys, by name. */
  async list(organizationId: string): Promise<ProvisionerKeyRecord[]> {
    const rows = await this.database().execute<Row[]>('select * from hangar_provisioner_keys where organization_id = ? order by lower(name)', [organizationId]);
    return rows.map(keyFromRow);
  }

  /** Deletes a key by name in the caller's transaction; daemons using it are disconnected on commit. */
  async delete(em: EntityManager, organizationId: string, name: string): Promise<ProvisionerKeyRecord | undefined> {
    const rows = await sqlOn(em)('delete from hangar_provisioner_keys where organization_id = ? and lower(name) = lower(?) returning *', [organizationId, name]);
    if (!rows[0]) return undefined;
    const key = keyFromRow(rows[0]);
    await notifyOn(em, keyDeletedChannel, key.id);
    return key;
  }

  /** The key a presented `<id>-<secret>` string belongs to; throws 401 `HANGAR_ERR_PROVISIONER_KEY_INVALID` otherwise. */
  async verify(presented: string | undefined): Promise<ProvisionerKeyRecord> {
    const invalid = new HangarError('HANGAR_ERR_PROVISIONER_KEY_INVALID');
    if (!presented || presented.length < uuidLength + 2 || presented[uuidLength] !== '-') throw invalid;
    const id = presented.slice(0, uuidLength);
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw invalid;
    const rows = await this.database().execute<Row[]>('select * from hangar_provisioner_keys where id = ?', [id]);
    const stored = rows[0]?.hashed_secret as Buffer | undefined;
    const given = hash(presented.slice(uuidLength + 1));
    if (!stored || stored.length !== given.length || !timingSafeEqual(stored, given)) throw invalid;
    return keyFromRow(rows[0]!);
  }

  /** Hears of deleted keys on every replica; returns a function that stops listening. */
  async onDeleted(listener: (keyId: string) => void): Promise<() => void> {
    this.subscribed ??= this.pubsub().subscribe(keyDeletedChannel, (keyId) => {
      for (const each of [...this.deletedListeners]) each(keyId);
    });
    await this.subscribed;
    this.deletedListeners.add(listener);
    return () => void this.deletedListeners.delete(listener);
  }
}

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function keyFromRow(row: Row): ProvisionerKeyRecord {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    name: row.name as string,
    tags: (row.tags ?? {}) as ProvisionerTags,
    createdAt: new Date(row.created_at as string),
    createdBy: (row.created_by as string | null) ?? null,
  };
}

/** Token of the server's {@link ProvisionerKeyService}. */
export const provisionerKeysToken = createToken<ProvisionerKeyService>('core.provisionerKeys');
