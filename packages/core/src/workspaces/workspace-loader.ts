import type { EntityManager } from '@mikro-orm/core';
import type { Static } from '@sinclair/typebox';
import { HangarError } from '../errors/hangar-error.js';
import { type BuildRecord, findBuild, latestBuilds } from './build-queries.js';
import { loadBuildResources } from './resource-store.js';
import type { BuildSchema, WorkspaceWireSchema } from './workspace-schemas.js';
import { findWorkspace } from './workspace-queries.js';
import { buildView, type WorkspaceRecord, workspaceView } from './workspace-views.js';

/** Workspaces as the API shows them: each with its latest build, job and resources. */
export async function workspaceViews(em: EntityManager, workspaces: readonly WorkspaceRecord[]): Promise<Static<typeof WorkspaceWireSchema>[]> {
  const latest = await latestBuilds(em, workspaces.map((w) => w.id));
  const resources = await loadBuildResources(em, [...latest.values()].map((b) => b.id));
  return workspaces.map((workspace) => {
    const build = latest.get(workspace.id);
    // Every workspace is created with its first build in one transaction.
    if (!build) throw new HangarError('HANGAR_ERR_INTERNAL', {}, { detail: `workspace ${workspace.id} has no build` });
    return workspaceView(workspace, build, resources.get(build.id) ?? []);
  });
}

/** One workspace by id as the API shows it (after a change the caller was allowed to make). */
export async function workspaceViewById(em: EntityManager, id: string): Promise<Static<typeof WorkspaceWireSchema>> {
  const workspace = await findWorkspace(em, id);
  if (!workspace) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace' });
  return (await workspaceViews(em, [workspace]))[0]!;
}

/** Builds as the API shows them, with their resources. */
export async function buildViews(em: EntityManager, builds: readonly BuildRecord[]): Promise<Static<typeof BuildSchema>[]> {
  const resources = await loadBuildResources(em, builds.map((b) => b.id));
  return builds.map((build) => buildView(build, resources.get(build.id) ?? []));
}

/** One build by id as the API shows it. */
export async function buildViewById(em: EntityManager, id: string): Promise<Static<typeof BuildSchema>> {
  const build = await findBuild(em, id);
  if (!build) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace build' });
  return (await buildViews(em, [build]))[0]!;
}
