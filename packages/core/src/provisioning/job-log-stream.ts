import type { Database } from '../database/database.js';
import type { Logger } from '../logging/logger.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { type JobStatus, logFromRow, type ProvisionerJobLog, terminalJobStatuses } from './job-entities.js';
import { jobLogsChannel } from './job-signals.js';
import type { LogLine } from './provisioner.js';
import { jsonParam } from './sql-on.js';

/** What a log watcher hears: new lines, then (once) the job's end. */
export type JobLogEvent =
  | { readonly type: 'logs'; readonly logs: readonly ProvisionerJobLog[] }
  | { readonly type: 'end'; readonly status: JobStatus };

/** Ends a log subscription. */
export type Unsubscribe = () => Promise<void>;

/** Most lines stored per call; a longer batch is split. */
const maxBatch = 500;
/** Longest stored line; the rest is cut (a runaway provisioner must not fill the database). */
const maxLineLength = 64 * 1024;

/**
 * A job's log: stored in `hangar_provisioner_job_logs` and published on the job's channel so
 * watchers on any replica follow it live. Each line's id is a cursor: a watcher that
 * reconnects with the last id it saw gets what it missed and nothing twice.
 */
export class JobLogStream {
  constructor(
    private readonly database: () => Database,
    private readonly pubsub: () => PubSub,
    private readonly logger: Logger,
  ) {}

  /**
   * Stores lines and publishes them; touches the job's `updated_at` (a log line is a sign
   * of life). With `workerId`, the lines are only stored if that daemon runs the job.
   */
  async append(jobId: string, lines: readonly LogLine[], workerId?: string): Promise<ProvisionerJobLog[]> {
    const stored: ProvisionerJobLog[] = [];
    for (let at = 0; at < lines.length; at += maxBatch) {
      const batch = lines.slice(at, at + maxBatch).map((line) => ({
        level: line.level,
        stage: line.stage ?? '',
        output: String(line.output ?? '').slice(0, maxLineLength),
      }));
      const rows = await this.database().execute<Record<string, unknown>[]>(
        `with job as (
           update hangar_provisioner_jobs set updated_at = clock_timestamp()
           where id = ? and (?::uuid is null or worker_id = ?::uuid)
           returning id
         )
         insert into hangar_provisioner_job_logs (job_id, level, stage, output)
         select job.id, line.level, line.stage, line.output
         from job, rows from (jsonb_to_recordset(?::jsonb) as (level text, stage text, output text)) with ordinality as line(level, stage, output, n)
         order by line.n
         returning *`,
        [jobId, workerId ?? null, workerId ?? null, jsonParam(batch)],
      );
      stored.push(...rows.map(logFromRow).sort((a, b) => compareIds(a.id, b.id)));
    }
    if (stored.length) {
      await this.pubsub()
        .publish(jobLogsChannel(jobId), JSON.stringify({ type: 'logs', logs: stored }))
        .catch((error) => this.logger.warn({ err: error, jobId }, 'publishing job logs failed; watchers catch up from the database'));
    }
    return stored;
  }

  /** Stored lines after the cursor, oldest first. */
  async list(jobId: string, afterId = '0', limit = 10_000): Promise<ProvisionerJobLog[]> {
    const rows = await this.database().execute<Record<string, unknown>[]>(
      'select * from hangar_provisioner_job_logs where job_id = ? and id > ? order by id limit ?',
      [jobId, cursor(afterId), limit],
    );
    return rows.map(logFromRow);
  }

  /**
   * Follows a job's log from a cursor: first the stored lines after it, then live ones, then
   * `end` once the job is over (at once if it already is). Resolves when listening.
   *
   * @example
   * ```ts
   * const stop = await queue.subscribeLogs(jobId, lastSeenId, (event) => {
   *   if (event.type === 'logs') for (const line of event.logs) send(line);
   *   else close(event.status);
   * });
   * ```
   */
  async subscribe(jobId: string, afterId: string, listener: (event: JobLogEvent) => void): Promise<Unsubscribe> {
    let last = cursor(afterId);
    let ended = false;
    let caughtUp = false;
    let chain = Promise.resolve();
    const held: string[] = [];
    const emit = (event: JobLogEvent) => {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error, jobId }, 'a job log listener threw');
      }
    };
    const deliver = (logs: readonly ProvisionerJobLog[]) => {
      const fresh = logs.filter((line) => compareIds(line.id, last) > 0);
      if (!fresh.length || ended) return;
      last = fresh[fresh.length - 1]!.id;
      emit({ type: 'logs', logs: fresh });
    };
    const end = async (status: JobStatus) => {
      if (ended) return;
      // Lines published before the end may still be in flight: read what is stored first.
      deliver(await this.list(jobId, last));
      ended = true;
      emit({ type: 'end', status });
    };
    const handle = (payload: string) => {
      const message = JSON.parse(payload) as { type: 'logs'; logs: ProvisionerJobLog[] } | { type: 'end'; status: JobStatus };
      // JSON turned the dates into strings on the way; give listeners Dates, as stored rows have.
      if (message.type === 'logs') deliver(message.logs.map((line) => ({ ...line, createdAt: new Date(line.createdAt) })));
      else return end(message.status);
    };
    // Keep messages in order, even when one needs a query.
    const onMessage = (payload: string) => {
      if (!caughtUp) return void held.push(payload);
      chain = chain.then(() => handle(payload)).catch((error) => this.logger.warn({ err: error, jobId }, 'a job log message was dropped'));
    };
    const unsubscribe = await this.pubsub().subscribe(jobLogsChannel(jobId), onMessage);
    try {
      deliver(await this.list(jobId, last));
      const rows = await this.database().execute<{ status: JobStatus }[]>('select status from hangar_provisioner_jobs where id = ?', [jobId]);
      caughtUp = true;
      for (const payload of held.splice(0)) onMessage(payload);
      const status = rows[0]?.status;
      if (status && terminalJobStatuses.includes(status)) chain = chain.then(() => end(status));
      await chain;
    } catch (error) {
      await unsubscribe();
      throw error;
    }
    return unsubscribe;
  }
}

/** A valid cursor: a non-negative integer string. */
function cursor(value: string): string {
  return /^\d{1,19}$/.test(value) ? value : '0';
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
