import type { EntityManager } from '@mikro-orm/core';
import { HangarError } from '../errors/hangar-error.js';
import type { FileService } from '../files/file-service.js';
import type { ProvisionerJob } from '../provisioning/job-entities.js';
import type { JobFailureInfo, JobKindHandler, PreparedJob } from '../provisioning/job-kinds.js';
import type { JobResult } from '../provisioning/job-protocol.js';
import type { BuildContext } from '../provisioning/provisioner.js';
import { type BuildRecord, buildParameterValues, findBuild } from './build-queries.js';
import { buildJobKind } from './build-service.js';
import { storeBuildResources } from './resource-store.js';
import { query } from './sql.js';
import { findTemplate, findVersion, versionVariableValues } from './template-lookups.js';

/** Where the handler finds the server's access URL. */
export interface BuildJobHandlerOptions {
  readonly accessUrl: () => string;
  /** Where template archives are stored. */
  readonly files: () => FileService;
}

/**
 * The `workspace_build` job kind: `prepare` builds the {@link BuildContext} (workspace,
 * owner, access URL, parameter values, template variables, the previous build's state);
 * `complete` stores the new state and the resources, agents and apps, and deletes the
 * workspace after a successful delete; `failed` (hung and canceled jobs too) keeps the
 * state a failed apply left, or else the previous build's, so nothing is lost.
 */
export function createBuildJobHandler(options: BuildJobHandlerOptions): JobKindHandler {
  return {
    kind: buildJobKind,

    async prepare(job: ProvisionerJob, em: EntityManager): Promise<PreparedJob> {
      const build = await buildOfJob(em, job);
      const context = await buildContext(em, build, options.accessUrl());
      const archive = await templateArchive(options.files(), em, job.fileHash);
      return { archive, payload: { type: 'build', context } };
    },

    async complete(job: ProvisionerJob, result: JobResult, em: EntityManager): Promise<void> {
      if (result.type !== 'build') throw new HangarError('HANGAR_ERR_PROVISIONER_JOB_FAILED', { reason: `a workspace build reported a "${result.type}" result` });
      const build = await buildOfJob(em, job);
      const version = await findVersion(em, build.templateVersionId);
      await query(em, 'update hangar_workspace_builds set state = ?, updated_at = now() where id = ?', [Buffer.from(result.state), build.id]);
      await storeBuildResources(em, { id: build.id, workspaceId: build.workspaceId }, result.resources, version?.resources ?? []);
      // A canceled job that still reported a result changed the infrastructure, but the delete is not confirmed.
      if (build.transition === 'delete' && job.status === 'succeeded') {
        await query(em, 'update hangar_workspaces set deleted = true, updated_at = now() where id = ?', [build.workspaceId]);
      }
    },

    async failed(job: ProvisionerJob, failure: JobFailureInfo, em: EntityManager): Promise<void> {
      const build = await buildOfJob(em, job);
      if (failure.state) {
        await query(em, 'update hangar_workspace_builds set state = ?, updated_at = now() where id = ?', [Buffer.from(failure.state), build.id]);
        return;
      }
      await query(
        em,
        `update hangar_workspace_builds set updated_at = now(), state = (
           select p.state from hangar_workspace_builds p where p.workspace_id = ? and p.build_number < ? order by p.build_number desc limit 1)
         where id = ?`,
        [build.workspaceId, build.buildNumber, build.id],
      );
    },
  };
}

async function buildOfJob(em: EntityManager, job: ProvisionerJob): Promise<BuildRecord> {
  const buildId = job.input.workspace_build_id;
  const build = typeof buildId === 'string' ? await findBuild(em, buildId) : null;
  if (!build) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace build' }, { detail: `job ${job.id} names no build` });
  return build;
}

/** What the provisioner needs to build: the workspace, its owner, its inputs and the state it left. */
export async function buildContext(em: EntityManager, build: BuildRecord, accessUrl: string): Promise<BuildContext> {
  // One after another: the queries share the job's transaction (one connection).
  const owners = await query(em, 'select id, username, name, email from hangar_users where id = ?', [build.ownerId]);
  const template = await findTemplate(em, build.templateId);
  const parameters = await buildParameterValues(em, build.id);
  const variables = await versionVariableValues(em, build.templateVersionId);
  const prior = await query<{ id: string; state: Buffer | null }>(
    em,
    'select id, state from hangar_workspace_builds where workspace_id = ? and build_number < ? order by build_number desc limit 1',
    [build.workspaceId, build.buildNumber],
  );
  const owner = owners[0];
  if (!owner) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace owner' });
  const priorState = prior[0]?.state;
  const previousParameters = prior[0] ? await buildParameterValues(em, prior[0].id) : undefined;
  return {
    transition: build.transition,
    workspace: {
      id: build.workspaceId,
      name: build.workspaceName,
      buildNumber: build.buildNumber,
      templateId: build.templateId,
      templateName: template?.name ?? '',
      templateVersionId: build.templateVersionId,
      templateVersionName: build.templateVersionName,
      organizationId: build.organizationId,
    },
    owner: {
      id: owner.id as string,
      username: owner.username as string,
      name: (owner.name as string) ?? '',
      email: owner.email as string,
      groups: [],
    },
    accessUrl,
    parameters,
    variables,
    ...(previousParameters ? { previousParameters } : {}),
    ...(priorState && priorState.length ? { priorState: new Uint8Array(priorState) } : {}),
  };
}

async function templateArchive(files: FileService, em: EntityManager, hash: string): Promise<Uint8Array> {
  const data = await files.bytes(em, hash);
  if (!data) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template archive' }, { detail: `no file with hash ${hash}` });
  return new Uint8Array(data);
}
