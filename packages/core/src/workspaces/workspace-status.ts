import type { JobStatus } from '../provisioning/job-entities.js';
import type { WorkspaceTransition } from '../provisioning/provisioner.js';

/** A workspace's status: derived from its latest build's transition and that build's job. */
export type WorkspaceStatus =
  | 'pending'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'canceling'
  | 'canceled'
  | 'deleting'
  | 'deleted';

/** Every workspace status (the values `status:` accepts in a search). */
export const workspaceStatuses: readonly WorkspaceStatus[] = [
  'pending', 'starting', 'running', 'stopping', 'stopped', 'failed', 'canceling', 'canceled', 'deleting', 'deleted',
];

const whileRunning: Record<WorkspaceTransition, WorkspaceStatus> = { start: 'starting', stop: 'stopping', delete: 'deleting' };
const whenSucceeded: Record<WorkspaceTransition, WorkspaceStatus> = { start: 'running', stop: 'stopped', delete: 'deleted' };

/**
 * The workspace status for a build's transition and job status, as Coder derives it: a
 * queued job is `pending` whatever it will do; a running one is `starting`, `stopping` or
 * `deleting`; a finished one is `running`, `stopped` or `deleted`, or the job's own
 * `failed`, `canceling`, `canceled`.
 *
 * @example
 * ```ts
 * workspaceStatus('stop', 'succeeded'); // 'stopped'
 * ```
 */
export function workspaceStatus(transition: WorkspaceTransition, job: JobStatus): WorkspaceStatus {
  switch (job) {
    case 'pending':
      return 'pending';
    case 'running':
      return whileRunning[transition];
    case 'succeeded':
      return whenSucceeded[transition];
    default:
      return job;
  }
}

/** Whether a job is still queued or working (a new build must wait for it). */
export function jobActive(status: JobStatus): boolean {
  return status === 'pending' || status === 'running' || status === 'canceling';
}

/**
 * The SQL expression deriving the workspace status from a build's `transition` column and a
 * job's `status` column, for filtering lists in the database. Column names are trusted.
 */
export function workspaceStatusSql(transition: string, jobStatus: string): string {
  return `(case ${jobStatus}
     when 'pending' then 'pending'
     when 'running' then (case ${transition} when 'start' then 'starting' when 'stop' then 'stopping' else 'deleting' end)
     when 'succeeded' then (case ${transition} when 'start' then 'running' when 'stop' then 'stopped' else 'deleted' end)
     else ${jobStatus} end)`;
}
