import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { WorkspaceTransition } from '../provisioning/provisioner.js';

/**
 * A workspace: one user's development environment made from a template. Deleted workspaces
 * stay as rows (`deleted`) so their builds and logs remain readable.
 */
export const WorkspaceSchema = defineEntity({
  name: 'HangarWorkspace',
  tableName: 'hangar_workspaces',
  properties: {
    id: p.uuid().primary(),
    organizationId: p.uuid().fieldName('organization_id'),
    ownerId: p.uuid().fieldName('owner_id'),
    templateId: p.uuid().fieldName('template_id'),
    /** Lowercase letters, digits and hyphens, at most 32; unique per owner among workspaces not deleted. */
    name: p.string(),
    deleted: p.boolean().default(false),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
    updatedAt: p.datetime().fieldName('updated_at').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
/** A row of `hangar_workspaces`. */
export type Workspace = InferEntity<typeof WorkspaceSchema>;

/** Why a build was started. */
export type BuildReason = 'initiator' | 'autostart' | 'autostop';

/**
 * One build of a workspace: a transition run by a provisioner job, numbered from 1 per
 * workspace. It holds the state the provisioner left, handed to the next build.
 */
export const WorkspaceBuildSchema = defineEntity({
  name: 'HangarWorkspaceBuild',
  tableName: 'hangar_workspace_builds',
  properties: {
    id: p.uuid().primary(),
    workspaceId: p.uuid().fieldName('workspace_id'),
    templateVersionId: p.uuid().fieldName('template_version_id'),
    buildNumber: p.integer().fieldName('build_number'),
    transition: p.string().$type<WorkspaceTransition>(),
    initiatorId: p.uuid().fieldName('initiator_id').nullable(),
    jobId: p.uuid().fieldName('job_id'),
    reason: p.string().$type<BuildReason>().default('initiator'),
    /** The provisioner state after this build (the previous build's when it failed); `null` for none. */
    state: p.blob().nullable().lazy(),
    createdAt: p.datetime().fieldName('created_at').onCreate(() => new Date()),
    updatedAt: p.datetime().fieldName('updated_at').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
/** A row of `hangar_workspace_builds`. */
export type WorkspaceBuild = InferEntity<typeof WorkspaceBuildSchema>;

/** A parameter value a build ran with. */
export const WorkspaceBuildParameterSchema = defineEntity({
  name: 'HangarWorkspaceBuildParameter',
  tableName: 'hangar_workspace_build_parameters',
  properties: {
    buildId: p.uuid().primary().fieldName('build_id'),
    name: p.string().primary(),
    value: p.text(),
  },
  primaryKeys: ['buildId', 'name'],
});
/** A row of `hangar_workspace_build_parameters`. */
export type WorkspaceBuildParameter = InferEntity<typeof WorkspaceBuildParameterSchema>;
