/** What a workspace build does: Coder's names, so `coder_workspace.transition` reads the same. */
export type WorkspaceTransition = 'start' | 'stop' | 'delete';

/** The workspace a build is for, as `data.hangar_workspace` shows it. */
export interface WorkspaceInfo {
  readonly id: string;
  readonly name: string;
  readonly transition: WorkspaceTransition;
  /** Base URL the agent dials; `init_script` downloads the agent from it. */
  readonly accessUrl: string;
  readonly templateId: string;
  readonly templateName: string;
  readonly templateVersion: string;
}

/** A role of the owner: `{ name, orgId }` like Coder's `rbac_roles`, or a bare site role name. */
export type RbacRole = string | { readonly name: string; readonly orgId?: string };

/** The workspace owner, as `data.hangar_workspace_owner` shows it. */
export interface OwnerInfo {
  readonly id: string;
  /** Username. */
  readonly name: string;
  readonly fullName: string;
  readonly email: string;
  readonly groups: readonly string[];
  readonly sshPublicKey: string;
  readonly sshPrivateKey: string;
  readonly sessionToken: string;
  readonly oidcAccessToken?: string;
  readonly loginType?: string;
  readonly rbacRoles: readonly RbacRole[];
}

/**
 * Everything the provider reports about one build. In reattach mode each job passes its own; the
 * standalone program reads it from environment variables.
 */
export interface ProviderContext {
  readonly workspace: WorkspaceInfo;
  readonly owner: OwnerInfo;
  /** Parameter name → value for this build. Lists are JSON strings (`'["a","b"]'`), as in Coder. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The previous build's values, checked by `validation { monotonic = ... }`. */
  readonly previousParameters?: Readonly<Record<string, string>>;
  /** External auth provider ID → the owner's access token (`data.hangar_external_auth`). */
  readonly externalAuthTokens?: Readonly<Record<string, string>>;
  /**
   * What a parameter without default and without value does: `'error'` (the default) fails the
   * plan with a diagnostic; `'empty'` yields `""`, for template imports that run without values.
   */
  readonly missingParameters?: 'error' | 'empty';
}

/** A context where `workspace` and `owner` may be partial; the rest is filled with defaults. */
export interface ProviderContextInit {
  readonly workspace?: Partial<WorkspaceInfo>;
  readonly owner?: Partial<OwnerInfo>;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly previousParameters?: Readonly<Record<string, string>>;
  readonly externalAuthTokens?: Readonly<Record<string, string>>;
  readonly missingParameters?: 'error' | 'empty';
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Values that let a plain `terraform plan` run outside Hangar. */
export const DEFAULT_WORKSPACE: WorkspaceInfo = Object.freeze({
  id: NIL_UUID,
  name: 'default',
  transition: 'start',
  accessUrl: 'http://localhost:3000',
  templateId: NIL_UUID,
  templateName: 'default',
  templateVersion: 'default',
});

/** Default owner for runs outside Hangar. */
export const DEFAULT_OWNER: OwnerInfo = Object.freeze({
  id: NIL_UUID,
  name: 'default',
  fullName: 'default',
  email: 'default@example.com',
  groups: [],
  sshPublicKey: '',
  sshPrivateKey: '',
  sessionToken: '',
  oidcAccessToken: '',
  loginType: '',
  rbacRoles: [],
});

/** Fills the missing parts of a context with the defaults. */
export function completeContext(init: ProviderContextInit = {}): ProviderContext {
  const workspace = { ...DEFAULT_WORKSPACE, ...stripUndefined(init.workspace) };
  if (!['start', 'stop', 'delete'].includes(workspace.transition)) {
    throw new Error(`workspace transition must be start, stop or delete, not "${workspace.transition}"`);
  }
  return {
    workspace,
    owner: { ...DEFAULT_OWNER, ...stripUndefined(init.owner) },
    parameters: { ...init.parameters },
    previousParameters: { ...init.previousParameters },
    externalAuthTokens: { ...init.externalAuthTokens },
    missingParameters: init.missingParameters ?? 'error',
  };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
