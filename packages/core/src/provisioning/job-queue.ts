import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Database } from '../database/database.js';
import { HangarError, invalidField, isHangarError } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import type { Logger } from '../logging/logger.js';
import type { DaemonIdentity } from './daemon-store.js';
import { jobFromRow, type ProvisionerJob, type ProvisionerJobLog, type ProvisionerTags } from './job-entities.js';
import { JobEnder } from './job-ender.js';
import type { JobKindRegistry } from './job-kinds.js';
import { type JobLogEvent, JobLogStream, type Unsubscribe } from './job-log-stream.js';
import type { AcquiredJob, JobFailure, JobResult } from './job-protocol.js';
import { jobCancelingChannel, jobPostedChannel, type JobSignals, type PostedJob } from './job-signals.js';
import type { LogLine } from './provisioner.js';
import type { ProvisioningHooks } from './provisioning-hooks.js';
import { jsonParam, notifyOn, sqlOn } from './sql-on.js';

/** A job to queue. */
export interface NewJob {
  /** Chosen by the caller when other rows must name the job before it exists; random otherwise. */
  readonly id?: string;
  readonly kind: string;
  readonly provisioner: string;
  readonly organizationId: string;
  readonly initiatorId: string;
  /** SHA-256 (hex) of the template archive. */
  readonly fileHash: string;
  /** Default `{ scope: 'organization' }`, which every daemon inside the server carries. */
  readonly tags?: ProvisionerTags;
  readonly input?: Record<string, unknown>;
  /**
   * A job with nothing to run (an orphan delete): recorded as succeeded at once, so the
   * history keeps it, and no daemon is woken for it.
   */
  readonly completed?: boolean;
}

/** Where a pending job stands. */
export interface QueuePosition {
  /** 1 for the next job to run; 0 once it is no longer pending. */
  readonly position: number;
  /** Pending jobs for the same provisioner. */
  readonly size: number;
}

/** Tunables of the queue. */
export interface JobQueueOptions {
  /** How often a waiting daemon looks for work without a wake-up (a safety net), in ms. */
  readonly recheckMs: number;
}

/** The tags a job gets when none are given. */
export const defaultJobTags: ProvisionerTags = Object.freeze({ scope: 'organization' });

/**
 * The provisioner job queue on PostgreSQL. Jobs are queued inside the caller's transaction
 * (the wake-up is a NOTIFY in that transaction, so daemons hear of a job only once it is
 * committed); daemons wait for wake-ups and take jobs with `FOR UPDATE SKIP LOCKED`,
 * oldest first, matching provisioner and tags (a job's tags must be a subset of the
 * daemon's). Ending a job runs its kind handler in the same transaction.
 */
export class JobQueue {
  private readonly logs: JobLogStream;
  private readonly ender: JobEnder;

  constructor(
    private readonly database: () => Database,
    private readonly signals: JobSignals,
    private readonly kinds: JobKindRegistry,
    private readonly hooks: ProvisioningHooks,
    private readonly logger: Logger,
    private readonly options: JobQueueOptions,
    logs: JobLogStream,
  ) {
    this.logs = logs;
    this.ender = new JobEnder(database, kinds, hooks, logger);
  }

  /**
   * Queues a job in the caller's transaction (pass the `em` of `em.transactional`), so the
   * job and the caller's rows commit together. `beforeEnqueue` taps may veto it (403).
   *
   * @example
   * ```ts
   * await em.transactional(async (tx) => {
   *   const job = await queue.enqueue(tx, { kind: 'workspace_build', provisioner: 'terraform', organizationId, initiatorId, fileHash, input: { build_id } });
   *   tx.create(BuildSchema, { id: buildId, jobId: job.id, ... });
   * });
   * ```
   */
  async enqueue(em: EntityManager, draft: NewJob): Promise<ProvisionerJob> {
    this.kinds.require(draft.kind);
    const tags = draft.tags ?? defaultJobTags;
    assertTags(tags);
    const now = new Date();
    const job: ProvisionerJob = {
      id: draft.id ?? randomUUID(),
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      completedAt: null,
      canceledAt: null,
      organizationId: draft.organizationId,
      initiatorId: draft.initiatorId,
      provisioner: draft.provisioner,
      kind: draft.kind,
      input: draft.input ?? {},
      fileHash: draft.fileHash,
      tags,
      status: draft.completed ? 'succeeded' : 'pending',
      workerId: null,
      error: null,
      errorCode: null,
    };
    const veto = await this.hooks.beforeEnqueue.promise(job, em);
    if (typeof veto === 'string') throw new HangarError('HANGAR_ERR_PROVISIONER_JOB_VETOED', { reason: veto });
    const ended = draft.completed ? 'clock_timestamp()' : 'null';
    const rows = await sqlOn(em)(
      `insert into hangar_provisioner_jobs
         (id, created_at, updated_at, started_at, completed_at, organization_id, initiator_id, provisioner, kind, input, file_hash, tags, status)
       values (?, clock_timestamp(), clock_timestamp(), ${ended}, ${ended}, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)
       returning *`,
      [job.id, job.organizationId, job.initiatorId, job.provisioner, job.kind, jsonParam(job.input), job.fileHash, jsonParam(tags), job.status],
    );
    if (draft.completed) return jobFromRow(rows[0]!);
    const posted: PostedJob = { id: job.id, provisioner: job.provisioner, organization_id: job.organizationId, tags };
    await notifyOn(em, jobPostedChannel, JSON.stringify(posted));
    return jobFromRow(rows[0]!);
  }

  /** A job by id, or `undefined`. */
  async get(jobId: string, em?: EntityManager): Promise<ProvisionerJob | undefined> {
    const run = em ? sqlOn(em) : (sql: string, b: unknown[]) => this.database().execute<Record<string, unknown>[]>(sql, b);
    const rows = await run('select * from hangar_provisioner_jobs where id = ?', [jobId]);
    return rows[0] ? jobFromRow(rows[0]) : undefined;
  }

  /** One attempt: takes the oldest pending job this daemon may run, or returns `undefined`. */
  async acquire(daemon: DaemonIdentity): Promise<ProvisionerJob | undefined> {
    const rows = await this.database().execute<Record<string, unknown>[]>(
      `with picked as (
         select id from hangar_provisioner_jobs
         where status = 'pending'
           and (?::uuid is null or organization_id = ?::uuid)
           and provisioner in (select jsonb_array_elements_text(?::jsonb))
           and tags <@ ?::jsonb
         order by created_at, id
         for update skip locked
         limit 1
       ), taken as (
         update hangar_provisioner_jobs job
         set status = 'running', started_at = clock_timestamp(), updated_at = clock_timestamp(), worker_id = ?
         from picked where job.id = picked.id
         returning job.*
       ), seen as (
         -- every attempt is a sign of life; a daemon that asks for work runs nothing else
         update hangar_provisioner_daemons set current_job_id = (select id from taken), last_seen_at = now() where id = ?
       )
       select * from taken`,
      [daemon.organizationId, daemon.organizationId, jsonParam(daemon.provisioners), jsonParam(daemon.tags), daemon.id, daemon.id],
    );
    if (!rows[0]) return undefined;
    const job = jobFromRow(rows[0]);
    void this.hooks.jobStarted.promise(job).catch((error) => this.logger.error({ err: error, jobId: job.id }, 'a jobStarted tap failed'));
    return job;
  }

  /**
   * Waits for a job this daemon may run and takes it: looks once, then sleeps until a
   * wake-up (or the slow safety re-check) and looks again. Resolves `undefined` when the
   * signal aborts.
   */
  async acquireWait(daemon: DaemonIdentity, signal: AbortSignal): Promise<ProvisionerJob | undefined> {
    await this.signals.ready();
    while (!signal.aborted) {
      const wait = this.signals.arm(daemon, this.options.recheckMs, signal);
      let job: ProvisionerJob | undefined;
      try {
        job = await this.acquire(daemon);
      } catch (error) {
        wait.dispose();
        throw error;
      }
      if (job) {
        wait.dispose();
        return job;
      }
      await wait.promise;
    }
    return undefined;
  }

  /**
   * Waits for a job and prepares it for the daemon (archive and payload from its kind
   * handler). A job whose preparation fails is failed with that reason and the wait goes on.
   */
  async acquireNext(daemon: DaemonIdentity, signal: AbortSignal): Promise<AcquiredJob | undefined> {
    while (!signal.aborted) {
      const job = await this.acquireWait(daemon, signal);
      if (!job) return undefined;
      const prepared = await this.prepare(job);
      if (prepared) return prepared;
    }
    return undefined;
  }

  /** Runs the kind handler's `prepare`; on failure the job fails and `undefined` is returned. */
  async prepare(job: ProvisionerJob): Promise<AcquiredJob | undefined> {
    try {
      const handler = this.kinds.require(job.kind);
      const prepared = await this.database().fork().transactional((tx) => handler.prepare(job, tx));
      return { id: job.id, kind: job.kind, provisioner: job.provisioner, archive: prepared.archive, payload: prepared.payload };
    } catch (error) {
      const message = `prepare the job: ${(error as Error)?.message ?? String(error)}`;
      this.logger.warn({ err: error, jobId: job.id }, 'a job could not be prepared; failing it');
      await this.fail(job.id, { message, code: isHangarError(error) ? error.code : 'HANGAR_ERR_PROVISIONER_JOB_FAILED' }).catch((failError) =>
        this.logger.error({ err: failError, jobId: job.id }, 'failing an unpreparable job failed'),
      );
      return undefined;
    }
  }

  /**
   * A running job's sign of life (resets the hang timer). `canceled` is true when the job
   * should stop: it is canceling, or it is no longer this daemon's.
   */
  async heartbeat(jobId: string, workerId: string): Promise<{ canceled: boolean }> {
    const rows = await this.database().execute<{ status: string }[]>(
      `with job as (
         update hangar_provisioner_jobs set updated_at = clock_timestamp()
         where id = ? and worker_id = ? and status in ('running', 'canceling')
         returning status
       ), seen as (update hangar_provisioner_daemons set last_seen_at = now() where id = ?)
       select status from job`,
      [jobId, workerId, workerId],
    );
    return { canceled: rows[0]?.status !== 'running' };
  }

  /** Stores and publishes log lines (see {@link JobLogStream.append}). */
  appendLogs(jobId: string, lines: readonly LogLine[], workerId?: string): Promise<ProvisionerJobLog[]> {
    return this.logs.append(jobId, lines, workerId);
  }

  /** Stored log lines after a cursor (a log id; `'0'` for all). */
  listLogs(jobId: string, afterId = '0', limit?: number): Promise<ProvisionerJobLog[]> {
    return this.logs.list(jobId, afterId, limit);
  }

  /** Follows a job's log from a cursor (see {@link JobLogStream.subscribe}). */
  subscribeLogs(jobId: string, afterId: string, listener: (event: JobLogEvent) => void): Promise<Unsubscribe> {
    return this.logs.subscribe(jobId, afterId, listener);
  }

  /**
   * A daemon reports success: the job succeeds (or ends `canceled` if a cancel came first)
   * and the kind handler stores the result in the same transaction. If the handler throws,
   * the job fails with its reason instead.
   */
  async complete(jobId: string, result: JobResult, workerId?: string): Promise<ProvisionerJob> {
    try {
      return await this.ender.end(jobId, workerId, { result });
    } catch (error) {
      if (isHangarError(error) && (error.code === 'HANGAR_ERR_PROVISIONER_JOB_STATE' || error.code === 'HANGAR_ERR_NOT_FOUND')) throw error;
      this.logger.warn({ err: error, jobId }, 'storing a job result failed; failing the job');
      const message = `store the result: ${(error as Error)?.message ?? String(error)}`;
      return this.ender.end(jobId, workerId, { failure: { message, code: isHangarError(error) ? error.code : 'HANGAR_ERR_PROVISIONER_JOB_FAILED' } });
    }
  }

  /** A daemon reports failure (with any state a failed apply left): the job fails, or ends `canceled`. */
  fail(jobId: string, failure: JobFailure, workerId?: string): Promise<ProvisionerJob> {
    return this.ender.end(jobId, workerId, { failure });
  }

  /**
   * Cancels a job: a pending one ends `canceled` at once; a running one becomes `canceling`
   * and its daemon is told to abort (it then reports, and the job ends `canceled`).
   * Throws 409 for a job that already ended.
   */
  async cancel(jobId: string): Promise<ProvisionerJob> {
    const pendingEnded = await this.ender.cancelPending(jobId);
    if (pendingEnded) return pendingEnded;
    return this.database().fork().transactional(async (tx) => {
      const rows = await sqlOn(tx)(
        `update hangar_provisioner_jobs set status = 'canceling', canceled_at = clock_timestamp(), updated_at = clock_timestamp()
         where id = ? and status = 'running' returning *`,
        [jobId],
      );
      if (rows[0]) {
        await notifyOn(tx, jobCancelingChannel, jobId);
        return jobFromRow(rows[0]);
      }
      const job = await this.get(jobId, tx);
      if (!job) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'provisioner job' });
      if (job.status === 'canceling') return job;
      throw new HangarError('HANGAR_ERR_PROVISIONER_JOB_STATE', { status: job.status, action: 'canceled' });
    });
  }

  /**
   * Hears of every job asked to cancel, on any replica (daemons abort their provisioner).
   * The subscription is live once {@link acquireWait} (or {@link listen}) has resolved.
   */
  onCancel(listener: (jobId: string) => void): () => void {
    return this.signals.onCancel(listener);
  }

  /** Subscribes to the queue's broadcast channels now rather than on the first wait. */
  listen(): Promise<void> {
    return this.signals.ready();
  }

  /** Where a job stands in the queue of its provisioner. */
  async queuePosition(jobId: string): Promise<QueuePosition> {
    const rows = await this.database().execute<{ status: string; ahead: string; size: string }[]>(
      `select job.status,
         (select count(*) from hangar_provisioner_jobs other where other.status = 'pending' and other.provisioner = job.provisioner
            and (other.created_at, other.id) < (job.created_at, job.id)) as ahead,
         (select count(*) from hangar_provisioner_jobs other where other.status = 'pending' and other.provisioner = job.provisioner) as size
       from hangar_provisioner_jobs job where job.id = ?`,
      [jobId],
    );
    const row = rows[0];
    if (!row) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'provisioner job' });
    return { position: row.status === 'pending' ? Number(row.ahead) + 1 : 0, size: Number(row.size) };
  }

  /** Pending jobs, for one provisioner or all. */
  async queueSize(provisioner?: string): Promise<number> {
    const rows = await this.database().execute<{ size: string }[]>(
      `select count(*) as size from hangar_provisioner_jobs where status = 'pending' and (?::text is null or provisioner = ?)`,
      [provisioner ?? null, provisioner ?? null],
    );
    return Number(rows[0]?.size ?? 0);
  }

  /**
   * Fails running jobs without an update for `timeoutSeconds` (their daemon died or lost
   * contact); their kind handlers hear it with `HANGAR_ERR_PROVISIONER_JOB_HUNG`. One replica
   * at a time does it (an advisory try-lock); the others return at once.
   */
  failHungJobs(timeoutSeconds: number): Promise<ProvisionerJob[]> {
    return this.ender.failHung(timeoutSeconds);
  }
}

function assertTags(tags: ProvisionerTags): void {
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) throw invalidField('tags', 'must be an object of strings');
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') throw invalidField(`tags.${key}`, 'must be a string');
    if (!key || key.length > 64 || value.length > 256) throw invalidField(`tags.${key}`, 'keys are 1 to 64 characters, values up to 256');
  }
}

/** Token of the server's {@link JobQueue}. */
export const jobQueueToken = createToken<JobQueue>('core.jobQueue');
