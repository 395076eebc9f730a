import { rbacActions as a, rbacResources as r } from './rbac-resources.js';
import { memberRole, organizationMemberRole } from './subject.js';

/** Actions allowed on one resource type; `'*'` matches every type or every action. */
export interface Permission {
  readonly resource: string;
  readonly actions: readonly string[] | '*';
}

/**
 * A role. A site role's `site` permissions apply to every object; an organization role's
 * `organization` permissions apply to objects of the organization it is held in. `owned`
 * permissions apply to objects the subject owns (for organization roles: owns in that
 * organization).
 */
export interface RoleDefinition {
  readonly name: string;
  readonly displayName: string;
  readonly scope: 'site' | 'organization';
  /** Implicit roles are held by everyone in their scope and cannot be assigned. */
  readonly implicit?: boolean;
  readonly site?: readonly Permission[];
  readonly organization?: readonly Permission[];
  readonly owned?: readonly Permission[];
}

/** Roles by name. */
export type RoleTable = Readonly<Record<string, RoleDefinition>>;

const all = '*' as const;
const p = (resource: string, actions: readonly string[] | '*'): Permission => ({ resource, actions });

/** The built-in site and organization roles (the same set as Coder's). */
export function builtInRoles(): RoleTable {
  const roles: RoleDefinition[] = [
    { name: 'owner', displayName: 'Owner', scope: 'site', site: [p(all, all)] },
    {
      name: 'user-admin',
      displayName: 'User Admin',
      scope: 'site',
      site: [
        p(r.user, all),
        p(r.apiKey, [a.read, a.delete]),
        p(r.organization, [a.read]),
        p(r.organizationMember, all),
        p(r.assignRole, [a.read, a.assign]),
        p(r.assignOrgRole, [a.read, a.assign]),
      ],
    },
    {
      name: 'template-admin',
      displayName: 'Template Admin',
      scope: 'site',
      site: [
        p(r.template, all),
        p(r.file, all),
        p(r.provisionerDaemon, all),
        p(r.workspace, [a.read]),
        p(r.user, [a.read]),
        p(r.organization, [a.read]),
        p(r.organizationMember, [a.read]),
      ],
    },
    {
      name: 'auditor',
      displayName: 'Auditor',
      scope: 'site',
      site: [p(r.auditLog, [a.read]), p(r.user, [a.read]), p(r.organization, [a.read]), p(r.organizationMember, [a.read]), p(r.deploymentConfig, [a.read])],
    },
    {
      name: memberRole,
      displayName: 'Member',
      scope: 'site',
      implicit: true,
      site: [p(r.assignRole, [a.read])],
      owned: [p(r.user, [a.read, a.update]), p(r.apiKey, all), p(r.workspace, all)],
    },
    {
      name: 'organization-admin',
      displayName: 'Organization Admin',
      scope: 'organization',
      organization: [
        p(r.organization, [a.read, a.update]),
        p(r.organizationMember, all),
        p(r.assignOrgRole, [a.read, a.assign]),
        p(r.template, all),
        p(r.file, all),
        p(r.workspace, all),
        p(r.provisionerDaemon, all),
        p(r.auditLog, [a.read]),
      ],
    },
    {
      name: organizationMemberRole,
      displayName: 'Organization Member',
      scope: 'organization',
      implicit: true,
      organization: [p(r.organization, [a.read]), p(r.organizationMember, [a.read]), p(r.assignOrgRole, [a.read]), p(r.template, [a.read, a.use])],
      owned: [p(r.workspace, all)],
    },
    {
      name: 'organization-template-admin',
      displayName: 'Organization Template Admin',
      scope: 'organization',
      organization: [p(r.template, all), p(r.file, all), p(r.provisionerDaemon, all), p(r.workspace, [a.read]), p(r.organizationMember, [a.read])],
    },
    {
      name: 'organization-auditor',
      displayName: 'Organization Auditor',
      scope: 'organization',
      organization: [p(r.auditLog, [a.read]), p(r.organizationMember, [a.read])],
    },
  ];
  return Object.fromEntries(roles.map((role) => [role.name, role]));
}

/**
 * A copy of a role table with more permissions granted to one role, for `resolveRoles` taps.
 *
 * @example
 * ```ts
 * rbacHooks.resolveRoles.tap('templates', (roles) =>
 *   grantPermissions(roles, 'member', { owned: [{ resource: 'template_favourite', actions: '*' }] }));
 * ```
 */
export function grantPermissions(
  table: RoleTable,
  roleName: string,
  grant: Pick<RoleDefinition, 'site' | 'organization' | 'owned'>,
): RoleTable {
  const role = table[roleName];
  if (!role) throw new Error(`grant permissions: role "${roleName}" is not defined`);
  return {
    ...table,
    [roleName]: {
      ...role,
      site: [...(role.site ?? []), ...(grant.site ?? [])],
      organization: [...(role.organization ?? []), ...(grant.organization ?? [])],
      owned: [...(role.owned ?? []), ...(grant.owned ?? [])],
    },
  };
}

/** Whether a list of permissions allows an action on a resource type. */
export function permits(permissions: readonly Permission[] | undefined, action: string, resource: string): boolean {
  if (!permissions) return false;
  return permissions.some(
    (perm) => (perm.resource === '*' || perm.resource === resource) && (perm.actions === '*' || perm.actions.includes(action)),
  );
}
