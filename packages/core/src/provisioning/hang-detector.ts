import type { Logger } from '../logging/logger.js';
import type { JobQueue } from './job-queue.js';

/** Options of {@link HangDetector}. */
export interface HangDetectorOptions {
  /** Seconds without an update before a running job counts as hung. */
  readonly timeoutSeconds: number;
  /** How often to look, in ms. */
  readonly intervalMs: number;
}

/**
 * Runs on every replica and periodically fails running jobs whose daemon went silent (no
 * heartbeat, log line or report for `timeoutSeconds`). The queue takes an advisory
 * try-lock per pass, so only one replica does the work at a time.
 */
export class HangDetector {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly queue: () => JobQueue,
    private readonly options: HangDetectorOptions,
    private readonly logger: Logger,
    /** Extra periodic housekeeping (e.g. forgetting long-gone daemons). */
    private readonly housekeeping?: () => Promise<unknown>,
  ) {}

  /** Starts the periodic check. */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** One pass now; resolves with the ids of the jobs it failed. */
  async check(): Promise<string[]> {
    const failed = await this.queue().failHungJobs(this.options.timeoutSeconds);
    return failed.map((job) => job.id);
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = (async () => {
        try {
          await this.check();
          await this.housekeeping?.();
        } catch (error) {
          this.logger.warn({ err: error }, 'the hung job check failed; trying again later');
        }
      })().finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref?.();
  }
}
