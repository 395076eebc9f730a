import { registerErrorCodes } from '../errors/error-codes.js';

/** The organizations subsystem's error codes (documented in docs/errors.md). */
export const organizationErrorCodes = registerErrorCodes({
  HANGAR_ERR_ORG_NAME_TAKEN: { status: 409, message: 'An organization named "{name}" already exists.' },
  HANGAR_ERR_ORG_DEFAULT_PROTECTED: { status: 400, message: 'The default organization cannot be deleted.' },
  HANGAR_ERR_ORG_MEMBER_EXISTS: { status: 409, message: 'The user is already a member of this organization.' },
});
