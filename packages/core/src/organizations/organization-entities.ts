import { EntitySchema } from '@mikro-orm/core';

/** A row of `hangar_organizations`. */
export interface OrganizationRecord {
  id: string;
  /** Unique, case-insensitively. */
  name: string;
  displayName: string;
  description: string;
  icon: string;
  /** Exactly one organization is the default: every new user joins it. */
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of `hangar_organization_members`. */
export interface OrganizationMemberRecord {
  organizationId: string;
  userId: string;
  /** Organization roles besides the implicit `organization-member`. */
  roles: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The `hangar_organizations` table. */
export const OrganizationSchema = new EntitySchema<OrganizationRecord>({
  name: 'HangarOrganization',
  tableName: 'hangar_organizations',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', columnType: 'text' },
    displayName: { type: 'string', columnType: 'text' },
    description: { type: 'string', columnType: 'text' },
    icon: { type: 'string', columnType: 'text' },
    isDefault: { type: 'boolean' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** The `hangar_organization_members` table. */
export const OrganizationMemberSchema = new EntitySchema<OrganizationMemberRecord>({
  name: 'HangarOrganizationMember',
  tableName: 'hangar_organization_members',
  properties: {
    organizationId: { type: 'uuid', primary: true },
    userId: { type: 'uuid', primary: true },
    roles: { type: 'string[]', columnType: 'text[]' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
