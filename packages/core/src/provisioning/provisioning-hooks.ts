import type { EntityManager } from '@mikro-orm/core';
import { AsyncParallelHook, AsyncSeriesBailHook } from 'tapable';
import { createToken } from '../kernel/token.js';
import type { ProvisionerJob } from './job-entities.js';
import type { JobOutcome } from './job-protocol.js';

/** Creates the provisioning hooks, frozen so nobody adds keys. */
export function createProvisioningHooks() {
  return Object.freeze({
    /** Before a job is queued, inside the caller's transaction. Return a string to refuse it: the enqueue throws 403 `HANGAR_ERR_PROVISIONER_JOB_VETOED` with that reason. */
    beforeEnqueue: new AsyncSeriesBailHook<[ProvisionerJob, EntityManager], string | void>(['job', 'em']),
    /** A daemon took a job (after that commit). For notifications and metrics. */
    jobStarted: new AsyncParallelHook<[ProvisionerJob]>(['job']),
    /** A job ended — succeeded, failed (hung jobs too) or canceled — after that commit. */
    jobCompleted: new AsyncParallelHook<[ProvisionerJob, JobOutcome]>(['job', 'outcome']),
  });
}

/** The provisioning subsystem's hooks. */
export type ProvisioningHooks = ReturnType<typeof createProvisioningHooks>;

/** Token of the provisioning hooks. */
export const provisioningHooksToken = createToken<ProvisioningHooks>('core.provisioningHooks');
