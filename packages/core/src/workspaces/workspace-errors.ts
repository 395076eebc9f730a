import { registerErrorCodes } from '../errors/error-codes.js';

/** Error codes of the workspaces subsystem (documented in docs/errors.md, `## Workspaces`). */
export const workspaceErrorCodes = registerErrorCodes({
  HANGAR_ERR_WORKSPACE_NAME_INVALID: { status: 400, message: 'Workspace name "{name}" is not valid: {reason}.' },
  HANGAR_ERR_WORKSPACE_NAME_TAKEN: { status: 409, message: 'You already have a workspace named "{name}".' },
  HANGAR_ERR_WORKSPACE_DELETED: { status: 410, message: 'Workspace "{name}" was deleted.' },
  HANGAR_ERR_WORKSPACE_BEING_DELETED: { status: 409, message: 'Workspace "{name}" is being deleted; it can no longer be started or stopped.' },
  HANGAR_ERR_WORKSPACE_BUILD_ACTIVE: { status: 409, message: 'Build #{number} of workspace "{name}" is still {status}; wait for it to finish or cancel it.' },
  HANGAR_ERR_WORKSPACE_TEMPLATE_MISMATCH: { status: 400, message: 'Template version "{version}" does not belong to template "{template}".' },
  HANGAR_ERR_WORKSPACE_PARAMETER_INVALID: { status: 400, message: 'Parameter "{name}" is not valid: {reason}' },
  HANGAR_ERR_WORKSPACE_PARAMETER_IMMUTABLE: { status: 400, message: 'Parameter "{name}" cannot change after the workspace was created.' },
  HANGAR_ERR_WORKSPACE_PARAMETER_UNKNOWN: { status: 400, message: 'Template version "{version}" has no parameter named "{name}".' },
  HANGAR_ERR_WORKSPACE_PARAMETER_MISSING: { status: 400, message: 'Parameter "{name}" is required and has no value.' },
  HANGAR_ERR_WORKSPACE_ORPHAN_INVALID: { status: 400, message: '`orphan` is only allowed with the delete transition.' },
  HANGAR_ERR_WORKSPACE_BUILD_NOT_CANCELABLE: { status: 409, message: 'Build #{number} is {status} and cannot be canceled.' },
  HANGAR_ERR_WORKSPACE_SEARCH_INVALID: { status: 400, message: 'The search query is not valid: {reason}.' },
  HANGAR_ERR_WORKSPACE_VERSION_NOT_READY: { status: 409, message: 'Template version "{version}" is {status}; only a successfully imported version can be built.' },
});
