import type { EntityManager } from '@mikro-orm/core';
import { HangarError } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import type { ProvisionerJob } from './job-entities.js';
import type { JobPayload, JobResult } from './job-protocol.js';

/** What a kind handler gives a daemon for one job. */
export interface PreparedJob {
  /** The template's tar archive (usually loaded from `hangar_files` by `job.fileHash`). */
  readonly archive: Uint8Array;
  readonly payload: JobPayload;
}

/** Why a job did not succeed, as its kind handler hears it. */
export interface JobFailureInfo {
  /** `failed` or `canceled`: the status the job now has. */
  readonly status: 'failed' | 'canceled';
  /** A `HANGAR_ERR_*` code: `…_JOB_HUNG` for hung jobs, `…_JOB_CANCELED` for canceled ones. */
  readonly code: string;
  readonly message: string;
  /** State a failed apply left behind, when the daemon reported one. */
  readonly state?: Uint8Array;
}

/**
 * The server side of one job kind (`template_version_import`, `workspace_build`, or a
 * plugin's own). The queue calls it at each step; each call gets an EntityManager inside
 * the transaction that changes the job's status, so the kind's rows and the job commit
 * together.
 */
export interface JobKindHandler {
  /** The `kind` string jobs carry. */
  readonly kind: string;
  /** Once a daemon took the job: what the daemon needs. A throw fails the job with its message. */
  prepare(job: ProvisionerJob, em: EntityManager): Promise<PreparedJob>;
  /**
   * The daemon reported success; store the result. A throw fails the job instead (and `failed` runs).
   * `job.status` is `canceled` (not `succeeded`) when a cancel came while the provisioner finished:
   * the result is still real (the infrastructure changed), so store it.
   */
  complete(job: ProvisionerJob, result: JobResult, em: EntityManager): Promise<void>;
  /** The job failed, was canceled, or hung: restore what must be restored (e.g. the previous build's state). */
  failed(job: ProvisionerJob, failure: JobFailureInfo, em: EntityManager): Promise<void>;
}

/** Job kind handlers by kind. */
export interface JobKindRegistry {
  /** Registers a handler; a kind can be registered once. */
  register(handler: JobKindHandler): void;
  get(kind: string): JobKindHandler | undefined;
  /** The handler for a kind; throws `HANGAR_ERR_PROVISIONER_JOB_KIND_UNKNOWN` when there is none. */
  require(kind: string): JobKindHandler;
  kinds(): string[];
}

/** Creates an empty {@link JobKindRegistry}. */
export function createJobKindRegistry(): JobKindRegistry {
  const handlers = new Map<string, JobKindHandler>();
  return {
    register(handler) {
      if (!/^[a-z][a-z0-9_]*$/.test(handler.kind)) throw new HangarError('HANGAR_ERR_CONFIG_INVALID', { reason: `job kind "${handler.kind}" must be lowercase snake_case` });
      if (handlers.has(handler.kind)) throw new HangarError('HANGAR_ERR_CONFIG_INVALID', { reason: `job kind "${handler.kind}" is already registered` });
      handlers.set(handler.kind, handler);
    },
    get: (kind) => handlers.get(kind),
    require(kind) {
      const handler = handlers.get(kind);
      if (!handler) throw new HangarError('HANGAR_ERR_PROVISIONER_JOB_KIND_UNKNOWN', { kind });
      return handler;
    },
    kinds: () => [...handlers.keys()],
  };
}

/**
 * Token of the server's {@link JobKindRegistry}. Subsystems register their kinds in
 * `register` (the registry exists once the `provisioning` plugin registered).
 */
export const jobKindRegistryToken = createToken<JobKindRegistry>('core.jobKinds');
