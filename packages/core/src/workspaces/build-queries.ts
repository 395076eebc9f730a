import type { EntityManager } from '@mikro-orm/core';
import type { JobStatus } from '../provisioning/job-entities.js';
import type { WorkspaceTransition } from '../provisioning/provisioner.js';
import { pgArrayLiteral } from '../rbac/list-filter.js';
import { query, toDate, toDateOrNull } from './sql.js';
import { type WorkspaceStatus, workspaceStatus } from './workspace-status.js';

/** A build joined with its workspace, version, initiator and job: everything its view needs. */
export interface BuildRecord {
  readonly id: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly workspaceDeleted: boolean;
  readonly ownerId: string;
  readonly ownerName: string;
  readonly organizationId: string;
  readonly templateId: string;
  readonly templateVersionId: string;
  readonly templateVersionName: string;
  readonly buildNumber: number;
  readonly transition: WorkspaceTransition;
  readonly initiatorId: string | null;
  readonly initiatorName: string;
  readonly reason: string;
  readonly status: WorkspaceStatus;
  readonly job: BuildJobRecord;
}

/** The job fields a build shows. */
export interface BuildJobRecord {
  readonly id: string;
  readonly status: JobStatus;
  readonly error: string | null;
  readonly errorCode: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  readonly canceledAt: Date | null;
  readonly workerId: string | null;
  readonly queuePosition: number;
  readonly queueSize: number;
}

// Queue position counts the pending jobs of the same provisioner ahead in acquisition order
// (oldest first), this one included, as the job queue does.
const buildSelect = `
  select b.id, b.created_at, b.updated_at, b.workspace_id, w.name as workspace_name, w.deleted as workspace_deleted,
         w.owner_id, ou.username as owner_name, w.organization_id, w.template_id,
         b.template_version_id, v.name as template_version_name, b.build_number, b.transition,
         b.initiator_id, coalesce(iu.username, '') as initiator_name, b.reason,
         j.id as job_id, j.status as job_status, j.error as job_error, j.error_code as job_error_code,
         j.created_at as job_created_at, j.started_at as job_started_at, j.completed_at as job_completed_at,
         j.canceled_at as job_canceled_at, j.worker_id as job_worker_id,
         case when j.status = 'pending' then (select count(*) from hangar_provisioner_jobs q
           where q.status = 'pending' and q.provisioner = j.provisioner and (q.created_at, q.id) <= (j.created_at, j.id)) else 0 end as queue_position,
         case when j.status = 'pending' then (select count(*) from hangar_provisioner_jobs q
           where q.status = 'pending' and q.provisioner = j.provisioner) else 0 end as queue_size
    from hangar_workspace_builds b
    join hangar_workspaces w on w.id = b.workspace_id
    join hangar_users ou on ou.id = w.owner_id
    join hangar_template_versions v on v.id = b.template_version_id
    join hangar_provisioner_jobs j on j.id = b.job_id
    left join hangar_users iu on iu.id = b.initiator_id`;

/** Builds matching a condition on `b` (builds), `w` (workspaces) or `j` (jobs), in the given order. */
export async function selectBuilds(em: EntityManager, where: string, bindings: readonly unknown[], tail = 'order by b.build_number desc'): Promise<BuildRecord[]> {
  const rows = await query(em, `${buildSelect} where ${where} ${tail}`, bindings);
  return rows.map(buildFromRow);
}

/** One build by id, or null. */
export async function findBuild(em: EntityManager, id: string): Promise<BuildRecord | null> {
  return (await selectBuilds(em, 'b.id = ?', [id]))[0] ?? null;
}

/** The latest build of each workspace given, by workspace id. */
export async function latestBuilds(em: EntityManager, workspaceIds: readonly string[]): Promise<Map<string, BuildRecord>> {
  if (!workspaceIds.length) return new Map();
  const builds = await selectBuilds(
    em,
    `b.workspace_id = any(?::uuid[]) and b.build_number = (select max(x.build_number) from hangar_workspace_builds x where x.workspace_id = b.workspace_id)`,
    [pgArrayLiteral(workspaceIds)],
  );
  return new Map(builds.map((build) => [build.workspaceId, build]));
}

/** The parameter values a build ran with, by name. */
export async function buildParameterValues(em: EntityManager, buildId: string): Promise<Record<string, string>> {
  const rows = await query<{ name: string; value: string }>(em, 'select name, value from hangar_workspace_build_parameters where build_id = ? order by name', [buildId]);
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}

function buildFromRow(row: Record<string, unknown>): BuildRecord {
  const transition = row.transition as WorkspaceTransition;
  const jobStatus = row.job_status as JobStatus;
  return {
    id: row.id as string,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    workspaceId: row.workspace_id as string,
    workspaceName: row.workspace_name as string,
    workspaceDeleted: Boolean(row.workspace_deleted),
    ownerId: row.owner_id as string,
    ownerName: row.owner_name as string,
    organizationId: row.organization_id as string,
    templateId: row.template_id as string,
    templateVersionId: row.template_version_id as string,
    templateVersionName: row.template_version_name as string,
    buildNumber: Number(row.build_number),
    transition,
    initiatorId: (row.initiator_id as string | null) ?? null,
    initiatorName: row.initiator_name as string,
    reason: row.reason as string,
    status: workspaceStatus(transition, jobStatus),
    job: {
      id: row.job_id as string,
      status: jobStatus,
      error: (row.job_error as string | null) ?? null,
      errorCode: (row.job_error_code as string | null) ?? null,
      createdAt: toDate(row.job_created_at),
      startedAt: toDateOrNull(row.job_started_at),
      completedAt: toDateOrNull(row.job_completed_at),
      canceledAt: toDateOrNull(row.job_canceled_at),
      workerId: (row.job_worker_id as string | null) ?? null,
      queuePosition: Number(row.queue_position ?? 0),
      queueSize: Number(row.queue_size ?? 0),
    },
  };
}
