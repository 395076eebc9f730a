import { randomUUID } from 'node:crypto';
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { auditDiff } from '../audit/audit-diff.js';
import type { AuditContext, AuditDraft, AuditService } from '../audit/audit-service.js';
import { HangarError, invalidField } from '../errors/hangar-error.js';
import { escapeLike } from '../identity/user-service.js';
import { createToken } from '../kernel/token.js';
import { type ListFilter, listFilterSql, listFilterWhere, pgArrayLiteral } from '../rbac/list-filter.js';
import { organizationMemberRole, type SubjectMembership } from '../rbac/subject.js';
import { type OrganizationMemberRecord, OrganizationMemberSchema, type OrganizationRecord, OrganizationSchema } from './organization-entities.js';
import type { OrganizationHooks } from './organization-hooks.js';
import { memberAuditFields, organizationAuditFields } from './organization-schemas.js';

/** A member with the user's public fields. */
export interface OrganizationMember extends OrganizationMemberRecord {
  readonly username: string;
  readonly email: string;
  readonly name: string;
}

/** Fields of an organization that can be set. */
export interface OrganizationInput {
  readonly name?: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly icon?: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const defaultName = 'default';

/** Organizations and memberships; every change is audited in its own transaction. */
export class OrganizationService {
  constructor(
    private readonly hooks: OrganizationHooks,
    private readonly audit: AuditService,
  ) {}

  /** An organization by id, name, or `default`; `null` when there is none. */
  async find(em: EntityManager, param: string): Promise<OrganizationRecord | null> {
    if (uuidPattern.test(param)) return em.findOne(OrganizationSchema, { id: param }, { refresh: true });
    const byName = await em.findOne(OrganizationSchema, { name: { $ilike: escapeLike(param) } }, { refresh: true });
    return byName ?? (param === defaultName ? em.findOne(OrganizationSchema, { isDefault: true }, { refresh: true }) : null);
  }

  /** The default organization, created (once, whoever races) when missing. */
  async ensureDefault(tx: EntityManager): Promise<OrganizationRecord> {
    const now = new Date();
    const inserted = await tx.execute<{ id: string }[]>(
      `insert into hangar_organizations (id, name, display_name, description, icon, is_default, created_at, updated_at)
       values (?, ?, 'Default', 'The organization every user joins.', '', true, ?, ?)
       on conflict do nothing returning id`,
      [randomUUID(), defaultName, now, now],
    );
    const organization = (await tx.findOne(OrganizationSchema, { isDefault: true }, { refresh: true }))!;
    if (inserted.length > 0) await this.hooks.afterOrganizationCreated.promise({ organization, em: tx });
    return organization;
  }

  /** Organizations visible through the filter, by name. */
  list(em: EntityManager, filter: ListFilter): Promise<OrganizationRecord[]> {
    return em.find(OrganizationSchema, listFilterWhere(filter, { organization: 'id' }), { orderBy: { name: 'asc' }, refresh: true });
  }

  /** The organizations a user belongs to. */
  async listForUser(em: EntityManager, userId: string): Promise<OrganizationRecord[]> {
    const ids = (await em.find(OrganizationMemberSchema, { userId }, { refresh: true })).map((m) => m.organizationId);
    return ids.length ? em.find(OrganizationSchema, { id: { $in: ids } }, { orderBy: { name: 'asc' }, refresh: true }) : [];
  }

  /** A user's memberships as the authoriser needs them (`organization-member` always included). */
  async memberships(em: EntityManager, userId: string): Promise<SubjectMembership[]> {
    const rows = await em.find(OrganizationMemberSchema, { userId }, { refresh: true });
    return rows.map((row) => ({ organizationId: row.organizationId, roles: [organizationMemberRole, ...row.roles] }));
  }

  /** Creates an organization; its creator joins it as `organization-admin`. */
  async create(em: EntityManager, context: AuditContext, input: OrganizationInput & { name: string }, creatorId: string): Promise<OrganizationRecord> {
    if (input.name.toLowerCase() === defaultName) throw invalidField('name', 'is reserved');
    return this.audit.transaction(em, context, async (tx, record) => {
      await this.assertNameFree(tx, input.name);
      const now = new Date();
      const organization: OrganizationRecord = {
        id: randomUUID(),
        name: input.name,
        displayName: input.displayName ?? input.name,
        description: input.description ?? '',
        icon: input.icon ?? '',
        isDefault: false,
        createdAt: now,
        updatedAt: now,
      };
      await tx.insert(OrganizationSchema, organization).catch((error) => rethrowNameTaken(error, input.name));
      await tx.insert(OrganizationMemberSchema, { organizationId: organization.id, userId: creatorId, roles: ['organization-admin'], createdAt: now, updatedAt: now });
      await this.hooks.afterOrganizationCreated.promise({ organization, em: tx });
      record(organizationDraft('create', organization, undefined, organization, 201));
      return organization;
    });
  }

  /** Changes an organization's fields. */
  async update(em: EntityManager, context: AuditContext, organization: OrganizationRecord, input: OrganizationInput): Promise<OrganizationRecord> {
    if (input.name !== undefined && input.name.toLowerCase() === defaultName && !organization.isDefault) throw invalidField('name', 'is reserved');
    return this.audit.transaction(em, context, async (tx, record) => {
      if (input.name !== undefined && input.name.toLowerCase() !== organization.name.toLowerCase()) await this.assertNameFree(tx, input.name);
      const changes: Partial<OrganizationRecord> = { updatedAt: new Date() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.displayName !== undefined) changes.displayName = input.displayName;
      if (input.description !== undefined) changes.description = input.description;
      if (input.icon !== undefined) changes.icon = input.icon;
      const updated = { ...organization, ...changes };
      await tx.nativeUpdate(OrganizationSchema, { id: organization.id }, changes).catch((error) => rethrowNameTaken(error, input.name ?? ''));
      record(organizationDraft('write', updated, organization, updated, 200));
      return updated;
    });
  }

  /** Deletes an organization and its memberships; the default one is refused. */
  async delete(em: EntityManager, context: AuditContext, organization: OrganizationRecord): Promise<void> {
    if (organization.isDefault) throw new HangarError('HANGAR_ERR_ORG_DEFAULT_PROTECTED');
    await this.audit.transaction(em, context, async (tx, record) => {
      await tx.nativeDelete(OrganizationSchema, { id: organization.id });
      record(organizationDraft('delete', organization, organization, undefined, 204));
    });
  }

  /** Members visible through the filter (owner = the member's user), by username, with the total. */
  async listMembers(
    em: EntityManager,
    organizationId: string,
    filter: ListFilter,
    page: { limit: number; offset: number },
  ): Promise<{ members: OrganizationMember[]; count: number }> {
    const visible = listFilterSql(filter, { owner: 'm.user_id', organization: 'm.organization_id' });
    const from = `from hangar_organization_members m join hangar_users u on u.id = m.user_id where m.organization_id = ? and not u.deleted and ${visible.sql}`;
    const rows = await em.execute<Record<string, unknown>[]>(
      `select m.organization_id, m.user_id, m.roles, m.created_at, m.updated_at, u.username, u.email, u.name, count(*) over () as total
       ${from} order by u.username, m.user_id limit ? offset ?`,
      [organizationId, ...visible.params, page.limit, page.offset],
    );
    const count = rows.length ? Number(rows[0]!.total) : Number((await em.execute<{ n: string }[]>(`select count(*) as n ${from}`, [organizationId, ...visible.params]))[0]!.n);
    return { members: rows.map(toMember), count };
  }

  /** One membership with the user's fields, or `null`. */
  async getMember(em: EntityManager, organizationId: string, userId: string): Promise<OrganizationMember | null> {
    const rows = await em.execute<Record<string, unknown>[]>(
      `select m.organization_id, m.user_id, m.roles, m.created_at, m.updated_at, u.username, u.email, u.name
       from hangar_organization_members m join hangar_users u on u.id = m.user_id
       where m.organization_id = ? and m.user_id = ? and not u.deleted`,
      [organizationId, userId],
    );
    return rows.length ? toMember(rows[0]!) : null;
  }

  /** Adds a user to an organization (409 when already a member). */
  async addMember(em: EntityManager, context: AuditContext | null, organization: OrganizationRecord, userId: string, roles: readonly string[] = []): Promise<void> {
    const write = async (tx: EntityManager) => {
      const now = new Date();
      const inserted = await tx.execute<unknown[]>(
        `insert into hangar_organization_members (organization_id, user_id, roles, created_at, updated_at) values (?, ?, ?, ?, ?) on conflict do nothing returning user_id`,
        [organization.id, userId, pgArrayLiteral(roles), now, now],
      );
      if (inserted.length === 0) throw new HangarError('HANGAR_ERR_ORG_MEMBER_EXISTS');
    };
    if (!context) return write(em);
    await this.audit.transaction(em, context, async (tx, record) => {
      await write(tx);
      const added = { organizationId: organization.id, userId, roles: [...roles], createdAt: new Date(), updatedAt: new Date() };
      record(memberDraft('create', organization, userId, organization.name, undefined, added, 201));
    });
    await this.hooks.memberAdded.promise({ organizationId: organization.id, userId, roles });
  }

  /** Removes a member. */
  async removeMember(em: EntityManager, context: AuditContext, organization: OrganizationRecord, member: OrganizationMember): Promise<void> {
    await this.audit.transaction(em, context, async (tx, record) => {
      await tx.nativeDelete(OrganizationMemberSchema, { organizationId: organization.id, userId: member.userId });
      record(memberDraft('delete', organization, member.userId, `${member.username}@${organization.name}`, member, undefined, 204));
    });
    await this.hooks.memberRemoved.promise({ organizationId: organization.id, userId: member.userId, roles: member.roles });
  }

  /** Replaces a member's organization roles (the caller has checked they may). */
  async setMemberRoles(
    em: EntityManager,
    context: AuditContext,
    organization: OrganizationRecord,
    member: OrganizationMember,
    roles: readonly string[],
  ): Promise<OrganizationMember> {
    const sorted = [...new Set(roles)].sort();
    const updated: OrganizationMember = { ...member, roles: sorted, updatedAt: new Date() };
    await this.audit.transaction(em, context, async (tx, record) => {
      await tx.nativeUpdate(OrganizationMemberSchema, { organizationId: organization.id, userId: member.userId }, { roles: sorted, updatedAt: updated.updatedAt });
      record(memberDraft('write', organization, member.userId, `${member.username}@${organization.name}`, member, updated, 200));
    });
    return updated;
  }

  private async assertNameFree(tx: EntityManager, name: string): Promise<void> {
    if ((await tx.count(OrganizationSchema, { name: { $ilike: escapeLike(name) } })) > 0) throw nameTaken(name);
  }
}

function organizationDraft(action: string, org: OrganizationRecord, before: OrganizationRecord | undefined, after: OrganizationRecord | undefined, statusCode: number): AuditDraft {
  const diff = auditDiff(organizationAuditFields, before && view(before), after && view(after));
  return { action, resourceType: 'organization', resourceId: org.id, resourceTarget: org.name, organizationId: org.id, diff, statusCode };
}

function memberDraft(
  action: string,
  org: OrganizationRecord,
  userId: string,
  target: string,
  before: OrganizationMemberRecord | undefined,
  after: OrganizationMemberRecord | undefined,
  statusCode: number,
): AuditDraft {
  const diff = auditDiff(memberAuditFields, before && memberView(before), after && memberView(after));
  return { action, resourceType: 'organization_member', resourceId: userId, resourceTarget: target, organizationId: org.id, diff, statusCode };
}

function view(org: OrganizationRecord): Record<string, unknown> {
  return { id: org.id, name: org.name, display_name: org.displayName, description: org.description, icon: org.icon, is_default: org.isDefault };
}

function memberView(member: OrganizationMemberRecord): Record<string, unknown> {
  return { organization_id: member.organizationId, user_id: member.userId, roles: [...member.roles] };
}

function toMember(row: Record<string, unknown>): OrganizationMember {
  return {
    organizationId: String(row.organization_id),
    userId: String(row.user_id),
    roles: (row.roles as string[]) ?? [],
    createdAt: new Date(row.created_at as string),
    updatedAt: new Date(row.updated_at as string),
    username: String(row.username),
    email: String(row.email),
    name: String(row.name),
  };
}

function nameTaken(name: string): HangarError {
  return new HangarError('HANGAR_ERR_ORG_NAME_TAKEN', { name }, { validations: [{ field: 'name', detail: 'is taken' }] });
}

function rethrowNameTaken(error: unknown, name: string): never {
  if (error instanceof UniqueConstraintViolationException) throw nameTaken(name);
  throw error;
}

/** Token of the server's {@link OrganizationService}. */
export const organizationServiceToken = createToken<OrganizationService>('organizations.service');
