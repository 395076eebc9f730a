import { EntitySchema } from '@mikro-orm/core';

/** A user's account state. */
export type UserStatus = 'active' | 'suspended';

/** A row of `hangar_users`. Deleted users stay as rows (`deleted`) so history keeps its references. */
export interface UserRecord {
  id: string;
  /** Lower-cased. Unique among users not deleted. */
  email: string;
  /** Unique among users not deleted, case-insensitively. */
  username: string;
  name: string;
  avatarUrl: string;
  /** An scrypt hash; `null` for users who cannot sign in with a password. */
  hashedPassword: string | null;
  /** `password`, `none`, or the name of the strategy that manages the account. */
  loginType: string;
  status: UserStatus;
  /** Site roles besides the implicit `member`. */
  rbacRoles: string[];
  createdAt: Date;
  updatedAt: Date;
  lastSeenAt: Date | null;
  deleted: boolean;
}

/** The `hangar_users` table. */
export const UserSchema = new EntitySchema<UserRecord>({
  name: 'HangarUser',
  tableName: 'hangar_users',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'string', columnType: 'text' },
    username: { type: 'string', columnType: 'text' },
    name: { type: 'string', columnType: 'text' },
    avatarUrl: { type: 'string', columnType: 'text' },
    hashedPassword: { type: 'string', columnType: 'text', nullable: true },
    loginType: { type: 'string', columnType: 'text' },
    status: { type: 'string', columnType: 'text' },
    rbacRoles: { type: 'string[]', columnType: 'text[]' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    lastSeenAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    deleted: { type: 'boolean' },
  },
});
