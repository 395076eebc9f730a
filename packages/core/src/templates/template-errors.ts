import { registerErrorCodes } from '../errors/error-codes.js';

/** Error codes of the templates subsystem. */
export const templateErrorCodes = registerErrorCodes({
  HANGAR_ERR_TEMPLATE_VERSION_NOT_READY: { status: 409, message: 'Template version "{version}" is {status}; only a successfully imported version can be used.' },
  HANGAR_ERR_TEMPLATE_VERSION_TAKEN: { status: 409, message: 'Template version "{version}" already belongs to another template.' },
  HANGAR_ERR_TEMPLATE_NAME_TAKEN: { status: 409, message: 'A template named "{name}" already exists in this organization.' },
  HANGAR_ERR_TEMPLATE_IN_USE: { status: 409, message: 'Template "{name}" still has {count} workspace(s); delete them first.' },
  HANGAR_ERR_TEMPLATE_VARIABLES_MISSING: { status: 400, message: 'Template variables {names} are required and have no value.' },
});
