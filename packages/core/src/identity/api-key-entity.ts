import { EntitySchema } from '@mikro-orm/core';

/** `session` keys come from signing in and slide; `token` keys are named and long-lived. */
export type ApiKeyKind = 'session' | 'token';

/** A row of `hangar_api_keys`. Only the SHA-256 of the secret is kept. */
export interface ApiKeyRecord {
  /** The 10-character id: the part of the key before the dash. */
  id: string;
  /** SHA-256 of the secret part. */
  hashedSecret: Buffer;
  userId: string;
  kind: ApiKeyKind;
  /** How the key was obtained: `password`, `token`, or a strategy's name. */
  loginType: string;
  /** The name of a `token` key, unique per user. */
  tokenName: string | null;
  scope: string;
  lifetimeSeconds: number;
  expiresAt: Date;
  lastUsed: Date;
  ipAddress: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The `hangar_api_keys` table. */
export const ApiKeySchema = new EntitySchema<ApiKeyRecord>({
  name: 'HangarApiKey',
  tableName: 'hangar_api_keys',
  properties: {
    id: { type: 'string', columnType: 'text', primary: true },
    hashedSecret: { type: 'blob', columnType: 'bytea' },
    userId: { type: 'uuid' },
    kind: { type: 'string', columnType: 'text' },
    loginType: { type: 'string', columnType: 'text' },
    tokenName: { type: 'string', columnType: 'text', nullable: true },
    scope: { type: 'string', columnType: 'text' },
    lifetimeSeconds: { type: 'integer' },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    lastUsed: { type: 'Date', columnType: 'timestamptz' },
    ipAddress: { type: 'string', columnType: 'inet', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
