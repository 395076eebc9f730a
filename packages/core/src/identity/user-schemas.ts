import { Type } from '@sinclair/typebox';
import type { UserRecord } from './user-entity.js';

/** Usernames: letters and digits in dash-separated groups, up to 32 characters (as Coder's). */
export const UsernameSchema = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$' });
/** An email address. */
export const EmailSchema = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/** A password as sent; strength is checked in code. */
export const PasswordSchema = Type.String({ minLength: 1, maxLength: 256 });
/** A display name. */
export const DisplayNameSchema = Type.String({ maxLength: 128 });
/** A role name. */
export const RoleNameSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' });

/** The `:user` path parameter: `me`, a username or a user id. */
export const UserParamsSchema = Type.Object({ user: Type.String({ minLength: 1, maxLength: 36, pattern: '^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$' }) });

/** A role as the API shows it. */
export const RoleRefSchema = Type.Object({ name: Type.String(), display_name: Type.String() });

/** A user as the API shows it (never with a password hash). */
export const UserSchemaWire = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  email: Type.String(),
  name: Type.String(),
  avatar_url: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  login_type: Type.String({ description: '`password`, `none`, or the strategy that manages the account.' }),
  roles: Type.Array(RoleRefSchema, { description: 'Site roles besides the implicit member.' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  last_seen_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** A page of users. */
export const UserPageSchema = Type.Object({ users: Type.Array(UserSchemaWire), count: Type.Integer({ description: 'Users matching the search, over all pages.' }) });

/** A plain confirmation. */
export const MessageSchema = Type.Object({ message: Type.String() });

/** A user as the API returns it; `displayName` names roles. */
export function toUserResponse(user: UserRecord, displayName: (role: string) => string) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name: user.name,
    avatar_url: user.avatarUrl,
    status: user.status,
    login_type: user.loginType,
    roles: user.rbacRoles.map((name) => ({ name, display_name: displayName(name) })),
    created_at: new Date(user.createdAt).toISOString(),
    updated_at: new Date(user.updatedAt).toISOString(),
    last_seen_at: user.lastSeenAt ? new Date(user.lastSeenAt).toISOString() : null,
  };
}

/** The fields of a user the audit log tracks (wire names); the password hash only as "changed". */
export const userAuditFields = {
  id: 'track',
  email: 'track',
  username: 'track',
  name: 'track',
  avatar_url: 'track',
  status: 'track',
  login_type: 'track',
  roles: 'track',
  deleted: 'track',
  hashed_password: 'secret',
} as const;

/** A user in the shape {@link userAuditFields} describes. */
export function userAuditView(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    avatar_url: user.avatarUrl,
    status: user.status,
    login_type: user.loginType,
    roles: [...user.rbacRoles],
    deleted: user.deleted,
    hashed_password: user.hashedPassword,
  };
}
