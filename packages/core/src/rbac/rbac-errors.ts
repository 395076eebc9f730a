import { registerErrorCodes } from '../errors/error-codes.js';

/** The RBAC subsystem's error codes (documented in docs/errors.md). */
export const rbacErrorCodes = registerErrorCodes({
  HANGAR_ERR_RBAC_ROLE_UNKNOWN: { status: 400, message: 'There is no role named "{role}".' },
  HANGAR_ERR_RBAC_ROLE_NOT_ASSIGNABLE: { status: 403, message: 'You may not give or take the role "{role}".' },
});
