import { Type } from '@sinclair/typebox';
import type { ApiKeyRecord } from './api-key-entity.js';

/** An API key as the API shows it: never its secret or hash. */
export const ApiKeySchemaWire = Type.Object({
  id: Type.String(),
  user_id: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('session'), Type.Literal('token')]),
  login_type: Type.String(),
  token_name: Type.Union([Type.String(), Type.Null()]),
  scope: Type.String(),
  lifetime_seconds: Type.Integer(),
  expires_at: Type.String({ format: 'date-time' }),
  last_used: Type.String({ format: 'date-time' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

/** The body of `POST /api/v2/users/:user/keys/tokens`. */
export const CreateTokenBodySchema = Type.Object({
  token_name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9_.-]+$' }),
  lifetime_seconds: Type.Optional(Type.Integer({ minimum: 60, description: 'Defaults to the server default; bounded by the server maximum.' })),
});

/** The response of creating a token: the key itself, shown this once. */
export const CreatedTokenSchema = Type.Object({
  key: Type.String({ description: '`<id>-<secret>`; only its hash is stored, so it cannot be shown again.' }),
  token: ApiKeySchemaWire,
});

/** The `:user` and `:keyid` path parameters. */
export const ApiKeyParamsSchema = Type.Object({
  user: Type.String({ minLength: 1, maxLength: 36, pattern: '^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$' }),
  keyid: Type.String({ minLength: 10, maxLength: 10, pattern: '^[A-Za-z0-9]{10}$' }),
});

/** An API key as the API returns it. */
export function toApiKeyResponse(key: ApiKeyRecord) {
  return {
    id: key.id,
    user_id: key.userId,
    kind: key.kind,
    login_type: key.loginType,
    token_name: key.tokenName,
    scope: key.scope,
    lifetime_seconds: key.lifetimeSeconds,
    expires_at: new Date(key.expiresAt).toISOString(),
    last_used: new Date(key.lastUsed).toISOString(),
    created_at: new Date(key.createdAt).toISOString(),
    updated_at: new Date(key.updatedAt).toISOString(),
  };
}

/** The fields of an API key the audit log tracks; the hash only as "changed". */
export const apiKeyAuditFields = {
  id: 'track',
  user_id: 'track',
  kind: 'track',
  login_type: 'track',
  token_name: 'track',
  scope: 'track',
  lifetime_seconds: 'track',
  expires_at: 'track',
  hashed_secret: 'secret',
} as const;

/** An API key in the shape {@link apiKeyAuditFields} describes. */
export function apiKeyAuditView(key: ApiKeyRecord): Record<string, unknown> {
  return {
    id: key.id,
    user_id: key.userId,
    kind: key.kind,
    login_type: key.loginType,
    token_name: key.tokenName,
    scope: key.scope,
    lifetime_seconds: key.lifetimeSeconds,
    expires_at: key.expiresAt,
    hashed_secret: 'present',
  };
}
