import type { FilterQuery } from '@mikro-orm/core';
import type { RbacObject } from './subject.js';

/**
 * Which objects of one type a subject may see, as data: everything, the objects of some
 * organizations, the objects they own, or the objects they own within some organizations.
 * Turn it into a query with {@link listFilterWhere} or {@link listFilterSql}, so the
 * database returns only what the subject may see (and counts and pages stay right).
 */
export interface ListFilter {
  /** The subject the filter was made for. */
  readonly subjectId: string;
  /** A site-wide permission: no restriction at all. */
  readonly all: boolean;
  /** Every object in these organizations. */
  readonly organizationIds: readonly string[];
  /** Every object the subject owns, wherever it is. */
  readonly owned: boolean;
  /** Objects the subject owns within these organizations. */
  readonly ownedInOrganizationIds: readonly string[];
}

/** Entity properties (for {@link listFilterWhere}) or columns (for {@link listFilterSql}) of a listed type. */
export interface ListFilterFields {
  /** The property holding the owner's user id; omit when the type has no owner. */
  readonly owner?: string;
  /** The property holding the organization id; omit when the type has none. */
  readonly organization?: string;
  /** The primary key property, used to match nothing (default `id`). */
  readonly id?: string;
}

/**
 * A MikroORM `where` for a list filter. Combine it with the request's own conditions in
 * `$and`; when nothing is visible it matches no row.
 *
 * @example
 * ```ts
 * const filter = authorizer.listFilter(subject, 'read', 'workspace');
 * const where = listFilterWhere(filter, { owner: 'ownerId', organization: 'organizationId' });
 * const rows = await em.find(Workspace, { $and: [where, { deleted: false }] });
 * ```
 */
export function listFilterWhere<T = any>(filter: ListFilter, fields: ListFilterFields): FilterQuery<T> {
  if (filter.all) return {} as FilterQuery<T>;
  const clauses: Record<string, unknown>[] = [];
  if (fields.organization && filter.organizationIds.length) clauses.push({ [fields.organization]: { $in: [...filter.organizationIds] } });
  if (fields.owner && filter.owned) clauses.push({ [fields.owner]: filter.subjectId });
  if (fields.owner && fields.organization && filter.ownedInOrganizationIds.length) {
    clauses.push({ [fields.owner]: filter.subjectId, [fields.organization]: { $in: [...filter.ownedInOrganizationIds] } });
  }
  if (clauses.length === 0) return { [fields.id ?? 'id']: { $in: [] } } as FilterQuery<T>;
  return (clauses.length === 1 ? clauses[0] : { $or: clauses }) as FilterQuery<T>;
}

/**
 * The same filter as a SQL condition with `?` bindings, for raw queries through MikroORM's
 * connection. Column names are trusted: pass constants, never input.
 */
export function listFilterSql(filter: ListFilter, columns: ListFilterFields): { sql: string; params: unknown[] } {
  if (filter.all) return { sql: 'true', params: [] };
  const parts: string[] = [];
  const params: unknown[] = [];
  if (columns.organization && filter.organizationIds.length) {
    parts.push(`${columns.organization} = any(?::uuid[])`);
    params.push(pgArrayLiteral(filter.organizationIds));
  }
  if (columns.owner && filter.owned) {
    parts.push(`${columns.owner} = ?`);
    params.push(filter.subjectId);
  }
  if (columns.owner && columns.organization && filter.ownedInOrganizationIds.length) {
    parts.push(`(${columns.owner} = ? and ${columns.organization} = any(?::uuid[]))`);
    params.push(filter.subjectId, pgArrayLiteral(filter.ownedInOrganizationIds));
  }
  return parts.length ? { sql: `(${parts.join(' or ')})`, params } : { sql: 'false', params: [] };
}

/**
 * A PostgreSQL array literal (`{"a","b"}`) for a `?` binding: knex expands JavaScript arrays
 * in raw bindings into comma lists, so arrays travel as literals and are cast in SQL.
 */
export function pgArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Whether one object passes the filter (for lists built in memory). */
export function listFilterMatches(filter: ListFilter, object: Pick<RbacObject, 'ownerId' | 'organizationId'>): boolean {
  if (filter.all) return true;
  const org = object.organizationId ?? undefined;
  const mine = object.ownerId === filter.subjectId;
  if (org && filter.organizationIds.includes(org)) return true;
  if (filter.owned && mine) return true;
  return Boolean(org && mine && filter.ownedInOrganizationIds.includes(org));
}
