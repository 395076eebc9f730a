import type { EntityManager } from '@mikro-orm/core';
import { escapeLike } from '../identity/user-service.js';
import { type ListFilter, listFilterSql } from '../rbac/list-filter.js';
import { query, toDate } from './sql.js';
import type { WorkspaceSearch } from './workspace-search.js';
import { workspaceStatusSql } from './workspace-status.js';
import type { WorkspaceRecord } from './workspace-views.js';

const workspaceSelect = `
  select w.id, w.created_at, w.updated_at, w.name, w.owner_id, u.username as owner_name, w.organization_id,
         w.template_id, t.name as template_name, t.display_name as template_display_name, t.icon as template_icon,
         t.active_version_id as template_active_version_id, w.deleted
    from hangar_workspaces w
    join hangar_users u on u.id = w.owner_id
    join hangar_templates t on t.id = w.template_id`;

// The latest build's transition and job status, for status filters and ordering.
const latestJoin = `
    join lateral (
      select b.transition, j.status as job_status from hangar_workspace_builds b
        join hangar_provisioner_jobs j on j.id = b.job_id
       where b.workspace_id = w.id order by b.build_number desc limit 1
    ) latest on true`;

/** A workspace by id (deleted ones too), or null. */
export async function findWorkspace(em: EntityManager, id: string): Promise<WorkspaceRecord | null> {
  const rows = await query(em, `${workspaceSelect} where w.id = ?`, [id]);
  return rows[0] ? workspaceFromRow(rows[0]) : null;
}

/** A live workspace by owner and name, or null. */
export async function findWorkspaceByName(em: EntityManager, ownerId: string, name: string): Promise<WorkspaceRecord | null> {
  const rows = await query(em, `${workspaceSelect} where w.owner_id = ? and w.name = ? and not w.deleted`, [ownerId, name.toLowerCase()]);
  return rows[0] ? workspaceFromRow(rows[0]) : null;
}

/** What {@link listWorkspaces} needs besides the search. */
export interface WorkspaceListOptions {
  /** What the caller may read (from the authoriser). */
  readonly filter: ListFilter;
  /** The caller's id, for `owner:me`. */
  readonly subjectId: string;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Workspaces matching a search and visible through the filter: running ones first, then by
 * owner and name (as Coder orders them), with the total over all pages.
 */
export async function listWorkspaces(em: EntityManager, search: WorkspaceSearch, options: WorkspaceListOptions): Promise<{ workspaces: WorkspaceRecord[]; count: number }> {
  const visible = listFilterSql(options.filter, { owner: 'w.owner_id', organization: 'w.organization_id' });
  const conditions = [visible.sql, search.deleted ? 'w.deleted' : 'not w.deleted'];
  const bindings: unknown[] = [...visible.params];
  if (search.owner) {
    if (search.owner === 'me') {
      conditions.push('w.owner_id = ?');
      bindings.push(options.subjectId);
    } else {
      conditions.push('(lower(u.username) = lower(?) or u.id::text = ?)');
      bindings.push(search.owner, search.owner);
    }
  }
  if (search.template) {
    conditions.push('(lower(t.name) = lower(?) or t.id::text = ?)');
    bindings.push(search.template, search.template);
  }
  for (const part of search.name) {
    conditions.push('w.name like ?');
    bindings.push(`%${escapeLike(part.toLowerCase())}%`);
  }
  const status = workspaceStatusSql('latest.transition', 'latest.job_status');
  if (search.status) {
    conditions.push(`${status} = ?`);
    bindings.push(search.status);
  }
  const where = conditions.join(' and ');
  const rows = await query(
    em,
    `${workspaceSelect} ${latestJoin} where ${where}
     order by (${status} = 'running') desc, lower(u.username), w.name, w.id limit ? offset ?`,
    [...bindings, options.limit, options.offset],
  );
  const counted = await query<{ n: string }>(em, `select count(*) as n from hangar_workspaces w join hangar_users u on u.id = w.owner_id join hangar_templates t on t.id = w.template_id ${latestJoin} where ${where}`, bindings);
  return { workspaces: rows.map(workspaceFromRow), count: Number(counted[0]?.n ?? 0) };
}

function workspaceFromRow(row: Record<string, unknown>): WorkspaceRecord {
  return {
    id: row.id as string,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    name: row.name as string,
    ownerId: row.owner_id as string,
    ownerName: row.owner_name as string,
    organizationId: row.organization_id as string,
    templateId: row.template_id as string,
    templateName: row.template_name as string,
    templateDisplayName: (row.template_display_name as string) ?? '',
    templateIcon: (row.template_icon as string) ?? '',
    templateActiveVersionId: row.template_active_version_id as string,
    deleted: Boolean(row.deleted),
  };
}
