import { tmpdir } from 'node:os';
import type { Logger } from '../logging/logger.js';
import type { JobChannel } from './job-channel.js';
import type { AcquiredJob, JobResult } from './job-protocol.js';
import { failureOf, JobRunner } from './job-runner.js';
import { LogBuffer } from './log-buffer.js';
import type { ProvisionerRegistry } from './provisioner.js';

/** Options of {@link ProvisionerDaemon}. */
export interface ProvisionerDaemonOptions {
  /** For logs. */
  readonly name: string;
  readonly channel: JobChannel;
  /** The provisioners this daemon runs. */
  readonly provisioners: ProvisionerRegistry;
  readonly logger: Logger;
  /** How often a running job sends a heartbeat (default 10 s; keep it well under the hang timeout). */
  readonly heartbeatIntervalMs?: number;
  /** Where per-job working directories are made (default: the OS temp dir). */
  readonly workRoot?: string;
  /** How long log lines wait to be batched (default 250 ms). */
  readonly logFlushMs?: number;
}

/** Options of {@link ProvisionerDaemon.stop}. */
export interface DaemonStopOptions {
  /** How long the current job may take to finish before it is canceled (default: forever). */
  readonly graceMs?: number;
  /** After canceling, how long to wait for the provisioner to give up (default 10 s) before leaving the job to the hang detector. */
  readonly abandonMs?: number;
}

/**
 * A provisioner daemon: takes one job at a time through its {@link JobChannel}, runs it with
 * the {@link JobRunner}, streams its log, sends heartbeats, and reports the result. A cancel
 * request aborts the provisioner's signal. `stop()` is graceful: no new job is taken and the
 * current one finishes (or is canceled after a grace period).
 */
export class ProvisionerDaemon {
  private readonly runner: JobRunner;
  private readonly acquiring = new AbortController();
  private loop?: Promise<void>;
  private current?: { job: AcquiredJob; abort: AbortController };
  private stopping = false;

  constructor(private readonly options: ProvisionerDaemonOptions) {
    this.runner = new JobRunner(options.provisioners, options.workRoot ?? tmpdir());
  }

  /** The job running now, if any. */
  get currentJobId(): string | undefined {
    return this.current?.job.id;
  }

  /** Starts taking jobs. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Aborts the running job (it is reported as canceled). */
  cancelCurrent(): void {
    this.current?.abort.abort(new Error('the daemon is stopping'));
  }

  /** Stops taking jobs and resolves once the current one (if any) is reported or abandoned. */
  async stop(options: DaemonStopOptions = {}): Promise<void> {
    this.stopping = true;
    this.acquiring.abort();
    if (!this.loop) return;
    const finished = this.loop.then(() => true);
    if (options.graceMs === undefined) return void (await finished);
    if (await finishedWithin(finished, options.graceMs)) return;
    this.options.logger.warn({ daemon: this.options.name, jobId: this.currentJobId }, 'the job did not finish in the grace period; canceling it');
    this.cancelCurrent();
    if (!(await finishedWithin(finished, options.abandonMs ?? 10_000))) {
      this.options.logger.error({ daemon: this.options.name, jobId: this.currentJobId }, 'the provisioner ignored the cancel; leaving the job to the hang detector');
    }
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (!this.stopping) {
      let job: AcquiredJob | undefined;
      try {
        job = await this.options.channel.acquire(this.acquiring.signal);
        backoff = 250;
      } catch (error) {
        if (this.stopping) break;
        this.options.logger.warn({ err: error, daemon: this.options.name }, `acquiring a job failed; retrying in ${backoff} ms`);
        await delay(backoff, this.acquiring.signal);
        backoff = Math.min(backoff * 2, 10_000);
        continue;
      }
      if (job) await this.runJob(job);
    }
  }

  private async runJob(job: AcquiredJob): Promise<void> {
    const { channel, logger } = this.options;
    const log = logger.child({ daemon: this.options.name, jobId: job.id, kind: job.kind });
    const abort = new AbortController();
    this.current = { job, abort };
    const stopListening = channel.onCancel((jobId) => jobId === job.id && abort.abort(new Error('the job was canceled')));
    const logs = new LogBuffer((lines) => channel.appendLogs(job.id, lines), (error) => log.warn({ err: error }, 'sending log lines failed'), this.options.logFlushMs);
    const heartbeat = setInterval(() => {
      channel.heartbeat(job.id).then(
        ({ canceled }) => canceled && abort.abort(new Error('the job was canceled')),
        (error) => log.warn({ err: error }, 'a heartbeat failed'),
      );
    }, this.options.heartbeatIntervalMs ?? 10_000);
    log.info('running a provisioner job');
    try {
      let result: JobResult;
      try {
        result = await this.runner.run(job, abort.signal, (line) => logs.push(line));
      } catch (error) {
        await logs.flush();
        const failure = failureOf(error, abort.signal.aborted);
        log.info({ reason: failure.message }, abort.signal.aborted ? 'the job was canceled' : 'the job failed');
        await channel.fail(job.id, failure).catch((reportError) => log.error({ err: reportError }, 'reporting the failure failed'));
        return;
      }
      await logs.flush();
      await channel.complete(job.id, result).then(
        () => log.info('the job succeeded'),
        (error) => log.error({ err: error }, 'reporting the result failed'),
      );
    } finally {
      clearInterval(heartbeat);
      stopListening();
      this.current = undefined;
    }
  }
}

/** Whether `finished` settles within `ms`; the timer is cleared either way, so it never holds the process open. */
async function finishedWithin(finished: Promise<boolean>, ms: number): Promise<boolean> {
  const timeout = new AbortController();
  try {
    return await Promise.race([finished, delay(ms, timeout.signal).then(() => false)]);
  } finally {
    timeout.abort();
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
