import { registerErrorCodes } from '../errors/error-codes.js';

/**
 * The provisioning subsystem's error table: the job queue, the daemons, and provisioner keys.
 * Codes stored in a job's `error_code` use it too, so a failed build says why in a form code
 * can match. Every code is documented in `docs/errors.md`.
 */
export const provisioningErrorCodes = registerErrorCodes({
  HANGAR_ERR_PROVISIONER_JOB_VETOED: { status: 403, message: 'The job was refused: {reason}' },
  HANGAR_ERR_PROVISIONER_JOB_KIND_UNKNOWN: { status: 500, message: 'No handler is registered for provisioner jobs of kind "{kind}".' },
  HANGAR_ERR_PROVISIONER_JOB_STATE: { status: 409, message: 'The provisioner job is {status}; it cannot be {action}.' },
  HANGAR_ERR_PROVISIONER_JOB_HUNG: { status: 500, message: 'The provisioner job made no progress for {seconds} seconds; its daemon stopped or lost contact.' },
  HANGAR_ERR_PROVISIONER_JOB_CANCELED: { status: 409, message: 'The provisioner job was canceled.' },
  HANGAR_ERR_PROVISIONER_JOB_FAILED: { status: 500, message: 'The provisioner failed: {reason}' },
  HANGAR_ERR_PROVISIONER_UNAVAILABLE: { status: 500, message: 'The daemon has no provisioner named "{provisioner}".' },
  HANGAR_ERR_PROVISIONER_KEY_INVALID: { status: 401, message: 'The provisioner key is missing, wrong or deleted.' },
  HANGAR_ERR_PROVISIONER_KEY_EXISTS: { status: 409, message: 'A provisioner key named "{name}" already exists in this organization.' },
  HANGAR_ERR_PROVISIONER_DAEMON_PROTOCOL: { status: 400, message: 'The provisioner daemon sent a message that is not valid: {reason}.' },
  HANGAR_ERR_PROVISIONER_DAEMON_DISCONNECTED: { status: 503, message: 'The connection to the Hangar server is down.' },
});

/** A code of the provisioning error table. */
export type ProvisioningErrorCode = keyof typeof provisioningErrorCodes;
