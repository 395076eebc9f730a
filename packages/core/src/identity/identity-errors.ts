import { registerErrorCodes } from '../errors/error-codes.js';

/** The identity subsystem's error codes (documented in docs/errors.md). */
export const identityErrorCodes = registerErrorCodes({
  HANGAR_ERR_IDENTITY_FIRST_USER_EXISTS: { status: 409, message: 'The first user has already been created.' },
  HANGAR_ERR_IDENTITY_FIRST_USER_MISSING: { status: 404, message: 'The first user has not been created yet.' },
  HANGAR_ERR_IDENTITY_LOGIN_FAILED: { status: 401, message: 'Incorrect email or password.' },
  HANGAR_ERR_IDENTITY_LOGIN_REFUSED: { status: 403, message: 'Signing in was refused: {reason}' },
  HANGAR_ERR_IDENTITY_USER_SUSPENDED: { status: 401, message: 'The account is suspended; ask an administrator to activate it.' },
  HANGAR_ERR_IDENTITY_TOKEN_INVALID: { status: 401, message: 'The session token is not valid; sign in again.' },
  HANGAR_ERR_IDENTITY_TOKEN_EXPIRED: { status: 401, message: 'The session token has expired; sign in again.' },
  HANGAR_ERR_IDENTITY_CSRF: { status: 403, message: 'A request authenticated by the session cookie must carry a valid X-CSRF-Token header.' },
  HANGAR_ERR_IDENTITY_PASSWORD_WEAK: { status: 400, message: 'The password is too weak: {reason}.' },
  HANGAR_ERR_IDENTITY_PASSWORD_INCORRECT: { status: 400, message: 'The old password is incorrect.' },
  HANGAR_ERR_IDENTITY_USER_EXISTS: { status: 409, message: 'A user with this {field} already exists.' },
  HANGAR_ERR_IDENTITY_SELF_ACTION: { status: 400, message: 'You cannot {action} your own account.' },
  HANGAR_ERR_IDENTITY_TOKEN_LIFETIME: { status: 400, message: 'A token may live at most {max} seconds.' },
  HANGAR_ERR_IDENTITY_TOKEN_NAME_TAKEN: { status: 409, message: 'A token named "{name}" already exists.' },
});
