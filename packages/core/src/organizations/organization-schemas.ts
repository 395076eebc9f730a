import { Type } from '@sinclair/typebox';
import type { OrganizationRecord } from './organization-entities.js';

/** Organization names: like usernames, letters and digits in dash-separated groups. */
export const OrganizationNameSchema = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$' });

/** The `:organization` path parameter: an id, a name, or `default`. */
export const OrganizationParamsSchema = Type.Object({ organization: Type.String({ minLength: 1, maxLength: 36, pattern: '^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$' }) });

/** `:organization` and `:user`. */
export const MemberParamsSchema = Type.Object({
  organization: OrganizationParamsSchema.properties.organization,
  user: Type.String({ minLength: 1, maxLength: 36, pattern: '^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$' }),
});

/** An organization as the API shows it. */
export const OrganizationSchemaWire = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  display_name: Type.String(),
  description: Type.String(),
  icon: Type.String(),
  is_default: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

/** An organization role as the API shows it. */
export const OrganizationRoleRefSchema = Type.Object({ name: Type.String(), display_name: Type.String(), organization_id: Type.String({ format: 'uuid' }) });

/** A member as the API shows it. */
export const OrganizationMemberSchemaWire = Type.Object({
  organization_id: Type.String({ format: 'uuid' }),
  user_id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(OrganizationRoleRefSchema, { description: 'Organization roles besides the implicit organization-member.' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

/** Create body. */
export const CreateOrganizationBody = Type.Object({
  name: OrganizationNameSchema,
  display_name: Type.Optional(Type.String({ maxLength: 128 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  icon: Type.Optional(Type.String({ maxLength: 2048 })),
});

/** Update body; absent fields stay. */
export const UpdateOrganizationBody = Type.Partial(CreateOrganizationBody);

/** An organization as the API returns it. */
export function toOrganizationResponse(org: OrganizationRecord) {
  return {
    id: org.id,
    name: org.name,
    display_name: org.displayName,
    description: org.description,
    icon: org.icon,
    is_default: org.isDefault,
    created_at: new Date(org.createdAt).toISOString(),
    updated_at: new Date(org.updatedAt).toISOString(),
  };
}

/** Tracked fields of organizations in the audit log. */
export const organizationAuditFields = { id: 'track', name: 'track', display_name: 'track', description: 'track', icon: 'track', is_default: 'track' } as const;
/** Tracked fields of memberships in the audit log. */
export const memberAuditFields = { organization_id: 'track', user_id: 'track', roles: 'track' } as const;
