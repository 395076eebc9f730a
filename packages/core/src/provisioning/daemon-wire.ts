import { HangarError } from '../errors/hangar-error.js';
import type { ProvisionerTags } from './job-entities.js';
import { decodeWire } from './job-protocol.js';
import type { AcquiredJob, JobFailure, JobResult } from './job-protocol.js';
import type { LogLine } from './provisioner.js';

/** The path external daemons connect to (a WebSocket; key in the `Hangar-Provisioner-Key` header). */
export const daemonServePath = '/api/v2/provisionerdaemons/serve';
/** The header carrying a provisioner key. */
export const provisionerKeyHeader = 'hangar-provisioner-key';

/**
 * A daemon's request over the WebSocket. Each carries an `id` its response repeats. Byte
 * arrays travel as `{ "$base64": … }` (see `encodeWire`); job objects (`result`,
 * `failure`, the acquired job) keep the TypeScript contract's own field names.
 */
export type DaemonRequest =
  /** Wait for a job; answered `{ job }` (`null` after `cancel_acquire`). */
  | { readonly id: number; readonly method: 'acquire' }
  /** Stop the pending `acquire` (the daemon is stopping). */
  | { readonly id: number; readonly method: 'cancel_acquire' }
  | { readonly id: number; readonly method: 'heartbeat'; readonly job_id: string }
  | { readonly id: number; readonly method: 'logs'; readonly job_id: string; readonly logs: readonly LogLine[] }
  | { readonly id: number; readonly method: 'complete'; readonly job_id: string; readonly result: JobResult }
  | { readonly id: number; readonly method: 'fail'; readonly job_id: string; readonly failure: JobFailure };

/** The server's answer to one request. */
export interface DaemonResponse {
  readonly id: number;
  readonly result?: { readonly job?: AcquiredJob | null; readonly canceled?: boolean };
  readonly error?: { readonly code: string; readonly message: string };
}

/** Messages the server sends unasked. */
export type DaemonEvent =
  /** First message after connecting: who the server takes the daemon for. */
  | {
      readonly event: 'welcome';
      readonly daemon_id: string;
      readonly name: string;
      readonly organization_id: string;
      readonly tags: ProvisionerTags;
      readonly heartbeat_interval_ms: number;
    }
  /** A job this daemon runs must stop. */
  | { readonly event: 'cancel'; readonly job_id: string };

/** WebSocket close code the server uses when the key was deleted (the daemon stops). */
export const keyRevokedCloseCode = 4401;

const methods = new Set(['acquire', 'cancel_acquire', 'heartbeat', 'logs', 'complete', 'fail']);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const levels = new Set(['trace', 'debug', 'info', 'warn', 'error']);

/** Parses and checks a daemon request; throws `HANGAR_ERR_PROVISIONER_DAEMON_PROTOCOL` naming the problem. */
export function parseDaemonRequest(text: string): DaemonRequest {
  let message: Record<string, unknown>;
  try {
    message = decodeWire(text) as Record<string, unknown>;
  } catch {
    throw protocolError('it is not JSON');
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) throw protocolError('it is not an object');
  if (!Number.isSafeInteger(message.id)) throw protocolError('"id" must be an integer');
  if (typeof message.method !== 'string' || !methods.has(message.method)) throw protocolError(`"method" must be one of ${[...methods].join(', ')}`);
  if (message.method !== 'acquire' && message.method !== 'cancel_acquire' && !(typeof message.job_id === 'string' && uuid.test(message.job_id))) {
    throw protocolError('"job_id" must be a job id');
  }
  if (message.method === 'logs') {
    const logs = message.logs;
    if (!Array.isArray(logs) || !logs.every((l) => l && typeof l.output === 'string' && levels.has(l.level) && (l.stage === undefined || typeof l.stage === 'string'))) {
      throw protocolError('"logs" must be a list of { level, stage, output }');
    }
  }
  if (message.method === 'complete') {
    const result = message.result as { type?: unknown } | undefined;
    if (!result || (result.type !== 'import' && result.type !== 'build')) throw protocolError('"result.type" must be "import" or "build"');
  }
  if (message.method === 'fail') {
    const failure = message.failure as { message?: unknown; state?: unknown } | undefined;
    if (!failure || typeof failure.message !== 'string') throw protocolError('"failure.message" must be a string');
    if (failure.state !== undefined && !(failure.state instanceof Uint8Array)) throw protocolError('"failure.state" must be bytes');
  }
  return message as unknown as DaemonRequest;
}

function protocolError(reason: string): HangarError {
  return new HangarError('HANGAR_ERR_PROVISIONER_DAEMON_PROTOCOL', { reason });
}
