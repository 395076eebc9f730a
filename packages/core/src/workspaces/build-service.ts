import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditContext, AuditDraft, AuditService } from '../audit/audit-service.js';
import { HangarError } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import type { Logger } from '../logging/logger.js';
import type { JobQueue } from '../provisioning/job-queue.js';
import type { WorkspaceTransition } from '../provisioning/provisioner.js';
import { type BuildRecord, buildParameterValues, selectBuilds } from './build-queries.js';
import { assertResolvedValues, type ParameterValueInput, resolveParameterValues } from './parameter-resolver.js';
import { query } from './sql.js';
import { findVersion, versionParameters, type VersionInfo } from './template-lookups.js';
import { type BuildReason, WorkspaceBuildParameterSchema, WorkspaceBuildSchema } from './workspace-entities.js';
import type { WorkspaceHooks, WorkspaceStatusEvent } from './workspace-hooks.js';
import { jobActive } from './workspace-status.js';

/** The job kind of a workspace build. */
export const buildJobKind = 'workspace_build';

/** What a caller asks of a new build. */
export interface BuildRequest {
  readonly transition: WorkspaceTransition;
  /** Build this version (of the workspace's template); default: the previous build's, or the template's active one. */
  readonly templateVersionId?: string;
  readonly parameters?: readonly ParameterValueInput[];
  /** With `delete`: skip the provisioner; the build ends at once and the workspace is deleted. */
  readonly orphan?: boolean;
  readonly initiatorId: string;
  readonly reason?: BuildReason;
}

/** The workspace a build is queued for (its row locked by the caller's transaction). */
export interface BuildTarget {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly organizationId: string;
  readonly templateId: string;
  readonly templateActiveVersionId: string;
  readonly deleted: boolean;
}

/** A build that was queued; announce it once its transaction committed. */
export interface QueuedBuild {
  readonly buildId: string;
  readonly jobId: string;
  readonly orphaned: boolean;
  readonly event: WorkspaceStatusEvent;
}

/**
 * Queues workspace builds: checks the workspace may take one, picks and checks the template
 * version, resolves and checks parameter values, and writes the build, its parameters, its
 * provisioner job and its audit entries in the caller's transaction, so all of it commits
 * or none does.
 */
export class BuildService {
  constructor(
    private readonly hooks: WorkspaceHooks,
    private readonly jobs: () => JobQueue,
    private readonly audit: () => AuditService,
    private readonly logger: Logger,
  ) {}

  /** Creates a build of an existing workspace in an audited transaction, then announces it. */
  async create(em: EntityManager, context: AuditContext, workspaceId: string, request: BuildRequest): Promise<QueuedBuild> {
    const queued = await this.audit().transaction(em, context, async (tx, record) => {
      const target = await lockWorkspace(tx, workspaceId);
      return this.queue(tx, target, request, record);
    });
    await this.announce(queued);
    return queued;
  }

  /** Queues a build inside the caller's transaction; the caller announces it after commit. */
  async queue(tx: EntityManager, target: BuildTarget, request: BuildRequest, record: (draft: AuditDraft) => void): Promise<QueuedBuild> {
    if (target.deleted) throw new HangarError('HANGAR_ERR_WORKSPACE_DELETED', { name: target.name });
    if (request.orphan && request.transition !== 'delete') {
      throw new HangarError('HANGAR_ERR_WORKSPACE_ORPHAN_INVALID', {}, { validations: [{ field: 'orphan', detail: 'is only allowed with transition "delete"' }] });
    }
    const previous = (await selectBuilds(tx, 'b.workspace_id = ?', [target.id], 'order by b.build_number desc limit 1'))[0];
    if (previous) assertNoActiveBuild(target, previous, request.transition);

    const version = await this.pickVersion(tx, target, previous, request.templateVersionId);
    const specs = await versionParameters(tx, version.id);
    const previousValues = previous ? await buildParameterValues(tx, previous.id) : undefined;
    const resolved = resolveParameterValues({
      parameters: specs,
      requested: request.parameters ?? [],
      ...(previousValues ? { previous: previousValues } : {}),
      transition: request.transition,
      versionName: version.name,
    });
    const values = await this.hooks.resolveParameters.promise(resolved, {
      workspace: { id: target.id, name: target.name, ownerId: target.ownerId, organizationId: target.organizationId, templateId: target.templateId },
      transition: request.transition,
      templateVersionId: version.id,
      parameters: specs,
      ...(previousValues ? { previous: previousValues } : {}),
      initiatorId: request.initiatorId,
    });
    assertResolvedValues(specs, values, request.transition);

    const buildId = randomUUID();
    const buildNumber = (previous?.buildNumber ?? 0) + 1;
    const job = await this.jobs().enqueue(tx, {
      kind: buildJobKind,
      provisioner: version.provisioner,
      organizationId: target.organizationId,
      initiatorId: request.initiatorId,
      fileHash: version.fileHash,
      tags: version.tags,
      input: { workspace_build_id: buildId },
      // An orphan delete skips the provisioner: its job is done as soon as it is recorded.
      ...(request.orphan ? { completed: true } : {}),
    });
    await tx.insert(WorkspaceBuildSchema, {
      id: buildId,
      workspaceId: target.id,
      templateVersionId: version.id,
      buildNumber,
      transition: request.transition,
      initiatorId: request.initiatorId,
      jobId: job.id,
      reason: request.reason ?? 'initiator',
      state: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const rows = Object.entries(values).map(([name, value]) => ({ buildId, name, value }));
    if (rows.length) await tx.insertMany(WorkspaceBuildParameterSchema, rows);
    if (request.orphan) await query(tx, 'update hangar_workspaces set deleted = true, updated_at = now() where id = ?', [target.id]);

    const orphaned = Boolean(request.orphan);
    record({
      action: request.transition,
      resourceType: 'workspace_build',
      resourceId: buildId,
      resourceTarget: `${target.name} #${buildNumber}`,
      organizationId: target.organizationId,
      statusCode: 201,
      additionalFields: { workspace_id: target.id, workspace_name: target.name, build_number: buildNumber, template_version_id: version.id, orphan: orphaned },
    });
    if (request.transition === 'delete') {
      record({ action: 'delete', resourceType: 'workspace', resourceId: target.id, resourceTarget: target.name, organizationId: target.organizationId, additionalFields: { build_number: buildNumber, orphan: orphaned } });
    }
    return {
      buildId,
      jobId: job.id,
      orphaned,
      event: {
        workspaceId: target.id,
        workspaceName: target.name,
        ownerId: target.ownerId,
        organizationId: target.organizationId,
        buildId,
        buildNumber,
        transition: request.transition,
        ...(previous ? { oldStatus: previous.status } : {}),
        newStatus: orphaned ? 'deleted' : 'pending',
      },
    };
  }

  /** After commit: notes an orphan deletion in the build log and fires `workspaceStatusChanged`. */
  async announce(queued: QueuedBuild): Promise<void> {
    if (queued.orphaned) {
      const output = 'The workspace was deleted without running the provisioner (orphan): its infrastructure, if any, was left as it is.';
      await this.jobs().appendLogs(queued.jobId, [{ level: 'warn', stage: 'Orphaning workspace', output }]).catch((error) =>
        this.logger.warn({ err: error, buildId: queued.buildId }, 'writing the orphan note to the build log failed'),
      );
    }
    await this.hooks.workspaceStatusChanged.promise(queued.event).catch((error) =>
      this.logger.error({ err: error, workspaceId: queued.event.workspaceId }, 'a workspaceStatusChanged tap failed'),
    );
  }

  /** Cancels a build's job: a pending one ends at once, a running one is told to stop. */
  async cancel(build: BuildRecord): Promise<void> {
    if (!jobActive(build.job.status) || build.job.status === 'canceling') {
      throw new HangarError('HANGAR_ERR_WORKSPACE_BUILD_NOT_CANCELABLE', { number: build.buildNumber, status: build.job.status });
    }
    try {
      await this.jobs().cancel(build.job.id);
    } catch (error) {
      // The job ended between the read and the cancel.
      if ((error as HangarError).code === 'HANGAR_ERR_PROVISIONER_JOB_STATE') {
        throw new HangarError('HANGAR_ERR_WORKSPACE_BUILD_NOT_CANCELABLE', { number: build.buildNumber, status: (error as HangarError).params.status });
      }
      throw error;
    }
  }

  private async pickVersion(tx: EntityManager, target: BuildTarget, previous: BuildRecord | undefined, requested: string | undefined): Promise<VersionInfo> {
    const id = requested ?? previous?.templateVersionId ?? target.templateActiveVersionId;
    const version = await findVersion(tx, id);
    if (!version) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template version' }, { validations: [{ field: 'template_version_id', detail: 'no template version has this id' }] });
    if (version.templateId !== target.templateId) {
      throw new HangarError('HANGAR_ERR_WORKSPACE_TEMPLATE_MISMATCH', { version: version.name, template: target.templateId }, {
        validations: [{ field: 'template_version_id', detail: 'belongs to another template' }],
      });
    }
    if (version.importStatus !== 'succeeded') throw new HangarError('HANGAR_ERR_WORKSPACE_VERSION_NOT_READY', { version: version.name, status: version.importStatus });
    return version;
  }
}

/** Reads a workspace for a build and locks its row, so two builds of it cannot race. */
export async function lockWorkspace(tx: EntityManager, workspaceId: string): Promise<BuildTarget> {
  const rows = await query(
    tx,
    `select w.id, w.name, w.owner_id, w.organization_id, w.template_id, w.deleted, t.active_version_id
       from hangar_workspaces w join hangar_templates t on t.id = w.template_id
      where w.id = ? for update of w`,
    [workspaceId],
  );
  const row = rows[0];
  if (!row) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace' });
  return {
    id: row.id as string,
    name: row.name as string,
    ownerId: row.owner_id as string,
    organizationId: row.organization_id as string,
    templateId: row.template_id as string,
    templateActiveVersionId: row.active_version_id as string,
    deleted: Boolean(row.deleted),
  };
}

function assertNoActiveBuild(target: BuildTarget, previous: BuildRecord, transition: WorkspaceTransition): void {
  if (!jobActive(previous.job.status)) return;
  if (previous.transition === 'delete' && transition !== 'delete') throw new HangarError('HANGAR_ERR_WORKSPACE_BEING_DELETED', { name: target.name });
  throw new HangarError('HANGAR_ERR_WORKSPACE_BUILD_ACTIVE', { name: target.name, number: previous.buildNumber, status: previous.job.status });
}

/** Token of the server's {@link BuildService}. */
export const buildServiceToken = createToken<BuildService>('workspaces.builds');
