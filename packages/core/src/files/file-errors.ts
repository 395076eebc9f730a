import { registerErrorCodes } from '../errors/error-codes.js';

/** Error codes of the files subsystem. */
export const fileErrorCodes = registerErrorCodes({
  HANGAR_ERR_FILE_ARCHIVE_INVALID: { status: 400, message: 'The archive is not acceptable: {reason}.' },
  HANGAR_ERR_FILE_TOO_LARGE: { status: 413, message: 'The archive expands to more than {limit} bytes.' },
  HANGAR_ERR_FILE_TYPE_UNSUPPORTED: { status: 415, message: 'Upload a tar, tar.gz or zip archive, not "{type}".' },
});
