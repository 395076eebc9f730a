import type { EntityManager } from '@mikro-orm/core';
import type { Database } from '../database/database.js';
import { errorCodeSpec } from '../errors/error-codes.js';
import { HangarError } from '../errors/hangar-error.js';
import type { Logger } from '../logging/logger.js';
import { jobFromRow, type JobStatus, type ProvisionerJob } from './job-entities.js';
import type { JobFailureInfo, JobKindRegistry } from './job-kinds.js';
import type { JobFailure, JobOutcome, JobResult } from './job-protocol.js';
import { jobLogsChannel } from './job-signals.js';
import type { ProvisioningHooks } from './provisioning-hooks.js';
import { notifyOn, sqlOn } from './sql-on.js';

/** Key of the advisory lock the hang detector takes ("hangar" + 1). */
export const hangDetectorLockKey = 0x68616e67617201;

const failedCode = 'HANGAR_ERR_PROVISIONER_JOB_FAILED';
const canceledCode = 'HANGAR_ERR_PROVISIONER_JOB_CANCELED';
const hungCode = 'HANGAR_ERR_PROVISIONER_JOB_HUNG';

/**
 * Ends jobs: every terminal transition goes through here, so each one marks the job, frees
 * its daemon, runs the kind handler, writes the reason to the job's log and announces the end
 * — all in one transaction — and only then runs the `jobCompleted` taps.
 */
export class JobEnder {
  constructor(
    private readonly database: () => Database,
    private readonly kinds: JobKindRegistry,
    private readonly hooks: ProvisioningHooks,
    private readonly logger: Logger,
  ) {}

  /** Ends a running (or canceling) job with a daemon's result or failure. */
  async end(jobId: string, workerId: string | undefined, report: { result?: JobResult; failure?: JobFailure }): Promise<ProvisionerJob> {
    const ended = await this.database().fork().transactional(async (tx) => {
      const rows = await sqlOn(tx)('select * from hangar_provisioner_jobs where id = ? for update', [jobId]);
      if (!rows[0]) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'provisioner job' });
      const job = jobFromRow(rows[0]);
      if ((job.status !== 'running' && job.status !== 'canceling') || (workerId && job.workerId !== workerId)) {
        throw new HangarError('HANGAR_ERR_PROVISIONER_JOB_STATE', { status: job.status, action: report.result ? 'completed' : 'failed' });
      }
      const canceled = job.status === 'canceling';
      if (report.result) {
        // A result that arrives after a cancel is still stored: the infrastructure changed.
        const outcome: JobOutcome = canceled ? { status: 'canceled', error: { code: canceledCode, message: 'The job was canceled.' } } : { status: 'succeeded' };
        const updated = await this.mark(tx, job, outcome);
        await this.kinds.require(job.kind).complete(updated, report.result, tx);
        return { job: updated, outcome };
      }
      const failure = report.failure ?? { message: 'The job failed.' };
      const code = canceled ? canceledCode : validCode(failure.code);
      const outcome: JobOutcome = { status: canceled ? 'canceled' : 'failed', error: { code, message: failure.message } };
      const updated = await this.mark(tx, job, outcome);
      await this.tellFailed(tx, updated, { status: outcome.status as 'failed' | 'canceled', code, message: failure.message, ...(failure.state ? { state: failure.state } : {}) });
      return { job: updated, outcome };
    });
    await this.completed(ended.job, ended.outcome);
    return ended.job;
  }

  /** Cancels a job if it is still pending; `undefined` when it is not. */
  async cancelPending(jobId: string): Promise<ProvisionerJob | undefined> {
    const ended = await this.database().fork().transactional(async (tx) => {
      const rows = await sqlOn(tx)("select * from hangar_provisioner_jobs where id = ? and status = 'pending' for update skip locked", [jobId]);
      if (!rows[0]) return undefined;
      const message = 'The job was canceled before it started.';
      const outcome: JobOutcome = { status: 'canceled', error: { code: canceledCode, message } };
      const job = await this.mark(tx, jobFromRow(rows[0]), outcome);
      await this.tellFailed(tx, job, { status: 'canceled', code: canceledCode, message });
      return { job, outcome };
    });
    if (!ended) return undefined;
    await this.completed(ended.job, ended.outcome);
    return ended.job;
  }

  /** Fails running jobs silent for `timeoutSeconds`, under an advisory try-lock (one replica at a time). */
  async failHung(timeoutSeconds: number): Promise<ProvisionerJob[]> {
    const ended = await this.database().fork().transactional(async (tx) => {
      const sql = sqlOn(tx);
      const [lock] = await sql('select pg_try_advisory_xact_lock(?) as locked', [hangDetectorLockKey]);
      if (!lock?.locked) return [];
      const rows = await sql(
        `select * from hangar_provisioner_jobs
         where status in ('running', 'canceling') and updated_at < clock_timestamp() - make_interval(secs => ?)
         order by updated_at for update skip locked limit 100`,
        [timeoutSeconds],
      );
      const results: { job: ProvisionerJob; outcome: JobOutcome }[] = [];
      for (const row of rows) {
        const hung = jobFromRow(row);
        const message = new HangarError(hungCode, { seconds: timeoutSeconds }).message;
        const outcome: JobOutcome = { status: hung.status === 'canceling' ? 'canceled' : 'failed', error: { code: hungCode, message } };
        const job = await this.mark(tx, hung, outcome);
        await this.tellFailed(tx, job, { status: outcome.status as 'failed' | 'canceled', code: hungCode, message });
        results.push({ job, outcome });
      }
      return results;
    });
    for (const { job, outcome } of ended) {
      this.logger.warn({ jobId: job.id, kind: job.kind, workerId: job.workerId }, 'failed a hung provisioner job');
      await this.completed(job, outcome);
    }
    return ended.map((item) => item.job);
  }

  /** Writes the terminal status, frees the daemon, logs the reason and announces the end (delivered on commit). */
  private async mark(tx: EntityManager, job: ProvisionerJob, outcome: JobOutcome): Promise<ProvisionerJob> {
    const sql = sqlOn(tx);
    const status: JobStatus = outcome.status;
    const rows = await sql(
      `update hangar_provisioner_jobs set status = ?, completed_at = clock_timestamp(), updated_at = clock_timestamp(),
         canceled_at = case when ? = 'canceled' then coalesce(canceled_at, clock_timestamp()) else canceled_at end,
         error = ?, error_code = ?
       where id = ? returning *`,
      [status, status, outcome.error?.message ?? null, outcome.error?.code ?? null, job.id],
    );
    await sql('update hangar_provisioner_daemons set current_job_id = null where current_job_id = ?', [job.id]);
    if (outcome.error) {
      await sql(`insert into hangar_provisioner_job_logs (job_id, level, stage, output) values (?, ?, ?, ?)`, [
        job.id,
        status === 'canceled' ? 'warn' : 'error',
        status === 'canceled' ? 'Canceled' : 'Failed',
        outcome.error.message,
      ]);
    }
    // Watchers read the lines they miss from the table when they hear the end.
    await notifyOn(tx, jobLogsChannel(job.id), JSON.stringify({ type: 'end', status }));
    return jobFromRow(rows[0]!);
  }

  /** Runs the kind handler's `failed` in a savepoint: a handler that throws is logged and the job still ends. */
  private async tellFailed(tx: EntityManager, job: ProvisionerJob, failure: JobFailureInfo): Promise<void> {
    const handler = this.kinds.get(job.kind);
    if (!handler) return this.logger.error({ jobId: job.id, kind: job.kind }, 'no handler for a failed job of this kind');
    try {
      await tx.transactional((inner) => handler.failed(job, failure, inner));
    } catch (error) {
      this.logger.error({ err: error, jobId: job.id, kind: job.kind }, 'a job kind handler failed to handle a failed job');
    }
  }

  private async completed(job: ProvisionerJob, outcome: JobOutcome): Promise<void> {
    await this.hooks.jobCompleted.promise(job, outcome).catch((error) => this.logger.error({ err: error, jobId: job.id }, 'a jobCompleted tap failed'));
  }
}

/** A failure code a daemon sent, if it is a known one; the generic failure code otherwise. */
function validCode(code: string | undefined): string {
  return code && errorCodeSpec(code) ? code : failedCode;
}
