import { HangarError } from '../errors/hangar-error.js';

/** The longest workspace name. */
export const maxWorkspaceNameLength = 32;

const namePattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Why a workspace name is not valid, or `undefined` when it is. Names follow Coder's rules:
 * lowercase letters, digits and single hyphens between them, at most 32 characters.
 */
export function workspaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > maxWorkspaceNameLength) return `it is longer than ${maxWorkspaceNameLength} characters`;
  if (!namePattern.test(name)) return 'use lowercase letters, digits and single hyphens between them (e.g. "my-dev-1")';
  return undefined;
}

/** Throws `HANGAR_ERR_WORKSPACE_NAME_INVALID` (400, naming `field`) when a name is not valid. */
export function assertWorkspaceName(name: string, field = 'name'): void {
  const reason = workspaceNameProblem(name);
  if (reason) throw new HangarError('HANGAR_ERR_WORKSPACE_NAME_INVALID', { name, reason }, { validations: [{ field, detail: reason }] });
}
