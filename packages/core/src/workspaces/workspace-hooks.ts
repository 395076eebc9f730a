import { AsyncParallelHook, AsyncSeriesWaterfallHook } from 'tapable';
import { createToken } from '../kernel/token.js';
import type { WorkspaceTransition } from '../provisioning/provisioner.js';
import type { TemplateParameter } from '../provisioning/resource-tree.js';
import type { WorkspaceStatus } from './workspace-status.js';

/** What `resolveParameters` taps receive besides the values. */
export interface ParameterContext {
  readonly workspace: { readonly id: string; readonly name: string; readonly ownerId: string; readonly organizationId: string; readonly templateId: string };
  readonly transition: WorkspaceTransition;
  readonly templateVersionId: string;
  /** The version's parameters, in declaration order. */
  readonly parameters: readonly TemplateParameter[];
  /** The previous build's values (`undefined` for the first build). */
  readonly previous?: Readonly<Record<string, string>>;
  /** The user asking for the build. */
  readonly initiatorId: string | null;
}

/** A workspace's status moved (a build was queued, or its job ended). */
export interface WorkspaceStatusEvent {
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly ownerId: string;
  readonly organizationId: string;
  readonly buildId: string;
  readonly buildNumber: number;
  readonly transition: WorkspaceTransition;
  /** The status before (`undefined` when the workspace had no build yet). */
  readonly oldStatus?: WorkspaceStatus;
  readonly newStatus: WorkspaceStatus;
}

/** Creates the workspaces subsystem's hooks. */
export function createWorkspaceHooks() {
  return Object.freeze({
    /** After a build's parameter values are resolved and checked, before it is queued: return the values, transformed; the result is checked again. */
    resolveParameters: new AsyncSeriesWaterfallHook<[Record<string, string>, ParameterContext]>(['values', 'context']),
    /** After a build was queued (committed) and after its job ended, with the old and new status; a failing tap is logged and changes nothing. */
    workspaceStatusChanged: new AsyncParallelHook<[WorkspaceStatusEvent]>(['event']),
  });
}

/** The workspaces subsystem's hooks. */
export type WorkspaceHooks = ReturnType<typeof createWorkspaceHooks>;

/** Token of the workspaces subsystem's hooks. */
export const workspaceHooksToken = createToken<WorkspaceHooks>('workspaces.hooks');
