import type { Database } from '../database/database.js';
import type { Logger } from '../logging/logger.js';
import type { ProvisionerJob } from '../provisioning/job-entities.js';
import type { JobOutcome } from '../provisioning/job-protocol.js';
import type { ProvisioningHooks } from '../provisioning/provisioning-hooks.js';
import { type BuildRecord, findBuild } from './build-queries.js';
import { buildJobKind } from './build-service.js';
import type { WorkspaceHooks, WorkspaceStatusEvent } from './workspace-hooks.js';
import { type WorkspaceStatus, workspaceStatus } from './workspace-status.js';

/** What {@link tapBuildStatusEvents} needs. */
export interface BuildStatusEventsOptions {
  readonly name: string;
  readonly provisioningHooks: ProvisioningHooks;
  readonly workspaceHooks: WorkspaceHooks;
  readonly database: () => Database;
  readonly logger: Logger;
}

/**
 * Turns the job queue's `jobStarted` and `jobCompleted` (both after commit) into
 * `workspaceStatusChanged` events for workspace builds: pending → starting/stopping/deleting
 * when a daemon takes the job, then → running/stopped/deleted/failed/canceled when it ends.
 */
export function tapBuildStatusEvents(options: BuildStatusEventsOptions): void {
  const { provisioningHooks, workspaceHooks, logger } = options;
  const fire = async (job: ProvisionerJob, status: (build: BuildRecord) => { oldStatus: WorkspaceStatus; newStatus: WorkspaceStatus }) => {
    if (job.kind !== buildJobKind || !workspaceHooks.workspaceStatusChanged.isUsed()) return;
    const buildId = job.input.workspace_build_id;
    const build = typeof buildId === 'string' ? await findBuild(options.database().fork(), buildId) : null;
    if (!build) return;
    const event: WorkspaceStatusEvent = {
      workspaceId: build.workspaceId,
      workspaceName: build.workspaceName,
      ownerId: build.ownerId,
      organizationId: build.organizationId,
      buildId: build.id,
      buildNumber: build.buildNumber,
      transition: build.transition,
      ...status(build),
    };
    await workspaceHooks.workspaceStatusChanged.promise(event).catch((error) => logger.error({ err: error, workspaceId: event.workspaceId }, 'a workspaceStatusChanged tap failed'));
  };

  provisioningHooks.jobStarted.tapPromise(options.name, (job) =>
    fire(job, (build) => ({ oldStatus: 'pending', newStatus: workspaceStatus(build.transition, 'running') })),
  );
  provisioningHooks.jobCompleted.tapPromise(options.name, (job: ProvisionerJob, outcome: JobOutcome) =>
    fire(job, (build) => ({
      oldStatus: !job.startedAt ? 'pending' : job.canceledAt ? 'canceling' : workspaceStatus(build.transition, 'running'),
      newStatus: workspaceStatus(build.transition, outcome.status),
    })),
  );
}
