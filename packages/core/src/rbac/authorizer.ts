import { HangarError } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import type { ListFilter } from './list-filter.js';
import { builtInRoles, permits, type RoleDefinition, type RoleTable } from './role-definitions.js';
import type { RbacHooks } from './rbac-hooks.js';
import { rbacActions, rbacResources } from './rbac-resources.js';
import type { RbacObject, Subject, SubjectMembership } from './subject.js';

/** Options of {@link Authorizer.authorize}. */
export interface AuthorizeOptions {
  /** Answer 404 instead of 403, so a refused reader does not learn the object exists. */
  readonly hide?: boolean;
  /** The resource name for a 404 message (default: the object's type). */
  readonly resourceName?: string;
}

/**
 * The one authorisation service: `can(subject, action, object)` for single objects,
 * `canAny` for route-level rules, and `listFilter` so list queries return only what the
 * subject may see. Role permissions come from the built-in table, transformed once by
 * `rbacHooks.resolveRoles`.
 */
export class Authorizer {
  private table?: RoleTable;

  constructor(private readonly hooks: RbacHooks) {}

  /** The resolved role table (built-in roles after every `resolveRoles` tap). */
  roles(): RoleTable {
    this.table ??= Object.freeze(this.hooks.resolveRoles.call(builtInRoles()));
    return this.table;
  }

  /** One role's definition, or `undefined` when there is none by that name. */
  role(name: string): RoleDefinition | undefined {
    return Object.hasOwn(this.roles(), name) ? this.roles()[name] : undefined;
  }

  /** Whether the subject may do the action on the object. */
  can(subject: Subject, action: string, object: RbacObject): boolean {
    const mine = Boolean(object.ownerId) && object.ownerId === subject.id;
    for (const role of this.siteRoles(subject)) {
      if (permits(role.site, action, object.type)) return true;
      if (mine && permits(role.owned, action, object.type)) return true;
    }
    if (!object.organizationId) return false;
    const membership = subject.organizations.find((m) => m.organizationId === object.organizationId);
    if (!membership) return false;
    for (const role of this.organizationRoles(membership)) {
      if (permits(role.organization, action, object.type)) return true;
      if (mine && permits(role.owned, action, object.type)) return true;
    }
    return false;
  }

  /**
   * Whether the subject may do the action on at least one object of the type: site-wide,
   * in one of their organizations, or on what they own. Route rules `{ action, resource }`
   * are checked this way; handlers then check the object itself or filter the list.
   */
  canAny(subject: Subject, action: string, resource: string): boolean {
    const filter = this.listFilter(subject, action, resource);
    return filter.all || filter.owned || filter.organizationIds.length > 0 || filter.ownedInOrganizationIds.length > 0;
  }

  /**
   * Throws unless the subject may do the action: `HANGAR_ERR_FORBIDDEN` (403), or
   * `HANGAR_ERR_NOT_FOUND` (404) with `hide`.
   */
  authorize(subject: Subject, action: string, object: RbacObject, options: AuthorizeOptions = {}): void {
    if (this.can(subject, action, object)) return;
    this.hooks.denied.call(subject, action, object);
    if (options.hide) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: options.resourceName ?? object.type.replace(/_/g, ' ') });
    throw new HangarError('HANGAR_ERR_FORBIDDEN', {}, { detail: `${action} on ${object.type}${object.id ? ` ${object.id}` : ''} is not permitted` });
  }

  /** Which objects of a type the subject may do the action on; see {@link ListFilter}. */
  listFilter(subject: Subject, action: string, resource: string): ListFilter {
    let all = false;
    let owned = false;
    const organizationIds: string[] = [];
    const ownedInOrganizationIds: string[] = [];
    for (const role of this.siteRoles(subject)) {
      all ||= permits(role.site, action, resource);
      owned ||= permits(role.owned, action, resource);
    }
    for (const membership of subject.organizations) {
      const roles = this.organizationRoles(membership);
      if (roles.some((role) => permits(role.organization, action, resource))) organizationIds.push(membership.organizationId);
      else if (roles.some((role) => permits(role.owned, action, resource))) ownedInOrganizationIds.push(membership.organizationId);
    }
    // Owning anywhere subsumes owning within some organizations.
    return Object.freeze({ subjectId: subject.id, all, owned, organizationIds, ownedInOrganizationIds: owned ? [] : ownedInOrganizationIds });
  }

  /** The items the subject may do the action on (for lists built in memory). */
  filter<T>(subject: Subject, action: string, items: readonly T[], toObject: (item: T) => RbacObject): T[] {
    return items.filter((item) => this.can(subject, action, toObject(item)));
  }

  /**
   * Whether the subject may give or take a role: site roles need `assign` on `assign_role`
   * (and only owners hand out `owner`), organization roles need `assign` on
   * `assign_org_role` in that organization. Implicit roles are never assignable.
   */
  canAssign(subject: Subject, roleName: string, organizationId?: string): boolean {
    const role = this.role(roleName);
    if (!role || role.implicit) return false;
    if (role.scope === 'site') {
      if (organizationId) return false;
      if (!this.can(subject, rbacActions.assign, { type: rbacResources.assignRole })) return false;
      return roleName !== 'owner' || subject.roles.includes('owner');
    }
    return Boolean(organizationId) && this.can(subject, rbacActions.assign, { type: rbacResources.assignOrgRole, organizationId: organizationId! });
  }

  /**
   * Checks a requested role list: every name must be a role of the scope (400
   * `HANGAR_ERR_RBAC_ROLE_UNKNOWN` naming the field) and every change must be assignable
   * by the subject (403 `HANGAR_ERR_RBAC_ROLE_NOT_ASSIGNABLE`).
   */
  assertRoleChange(subject: Subject, current: readonly string[], requested: readonly string[], scope: 'site' | 'organization', organizationId?: string, field = 'roles'): void {
    requested.forEach((name, index) => {
      const role = this.role(name);
      if (!role || role.scope !== scope || role.implicit) {
        throw new HangarError('HANGAR_ERR_RBAC_ROLE_UNKNOWN', { role: name }, { validations: [{ field: `${field}.${index}`, detail: `is not an assignable ${scope} role` }] });
      }
    });
    const changed = [...requested.filter((r) => !current.includes(r)), ...current.filter((r) => !requested.includes(r))];
    for (const name of changed) {
      if (!this.canAssign(subject, name, organizationId)) throw new HangarError('HANGAR_ERR_RBAC_ROLE_NOT_ASSIGNABLE', { role: name });
    }
  }

  private siteRoles(subject: Subject): RoleDefinition[] {
    return subject.roles.map((name) => this.role(name)).filter((role): role is RoleDefinition => role?.scope === 'site');
  }

  private organizationRoles(membership: SubjectMembership): RoleDefinition[] {
    return membership.roles.map((name) => this.role(name)).filter((role): role is RoleDefinition => role?.scope === 'organization');
  }
}

/** Token of the server's {@link Authorizer}. */
export const authorizerToken = createToken<Authorizer>('rbac.authorizer');
