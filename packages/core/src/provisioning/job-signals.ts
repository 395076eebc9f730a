import type { Logger } from '../logging/logger.js';
import type { PubSub } from '../pubsub/pubsub.js';
import type { ProvisionerTags } from './job-entities.js';

/** Pubsub channel announcing a new pending job (sent inside the enqueuing transaction). */
export const jobPostedChannel = 'provisioner.jobs.posted';
/** Pubsub channel announcing that a running job must stop. */
export const jobCancelingChannel = 'provisioner.jobs.canceling';
/** Pubsub channel of one job's log lines and its end. */
export const jobLogsChannel = (jobId: string): string => `provisioner.job.${jobId}.logs`;

/** What a wake-up says about the job it announces, so only daemons that could take it wake. */
export interface PostedJob {
  readonly id: string;
  readonly provisioner: string;
  readonly organization_id: string;
  readonly tags: ProvisionerTags;
}

/** What a waiting daemon can take. */
export interface WaitFilter {
  readonly organizationId: string | null;
  readonly provisioners: readonly string[];
  readonly tags: ProvisionerTags;
}

/** Whether a daemon with this filter may take the announced job (the SQL decides for real). */
export function mayTake(filter: WaitFilter, job: PostedJob): boolean {
  if (filter.organizationId && filter.organizationId !== job.organization_id) return false;
  if (!filter.provisioners.includes(job.provisioner)) return false;
  return Object.entries(job.tags ?? {}).every(([key, value]) => filter.tags[key] === value);
}

interface Waiter {
  readonly filter: WaitFilter;
  wake(): void;
}

/**
 * One server's subscriptions to the queue's broadcast channels, shared by every daemon it
 * hosts: wake-ups for waiting daemons and cancel requests for running jobs. Subscribing
 * happens once, lazily; after that each notification fans out in memory.
 */
export class JobSignals {
  private readonly waiters = new Set<Waiter>();
  private readonly cancelListeners = new Set<(jobId: string) => void>();
  private subscribed?: Promise<void>;
  private unsubscribe: (() => Promise<void>)[] = [];

  constructor(
    private readonly pubsub: () => PubSub,
    private readonly logger: Logger,
  ) {}

  /** Resolves once both channels are listened to; call before the first acquire attempt. */
  ready(): Promise<void> {
    this.subscribed ??= (async () => {
      this.unsubscribe.push(await this.pubsub().subscribe(jobPostedChannel, (payload) => this.posted(payload)));
      this.unsubscribe.push(await this.pubsub().subscribe(jobCancelingChannel, (jobId) => this.canceling(jobId)));
    })().catch((error) => {
      this.subscribed = undefined;
      throw error;
    });
    return this.subscribed;
  }

  /**
   * Arms a wait: the promise resolves on the next matching wake-up, after `recheckMs` (a
   * slow safety net should a notification be lost), or when the signal aborts. Arm it
   * *before* looking for a job, so a job posted in between still wakes it.
   */
  arm(filter: WaitFilter, recheckMs: number, signal?: AbortSignal): { promise: Promise<void>; dispose(): void } {
    let waiter!: Waiter;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => waiter.wake();
    const promise = new Promise<void>((resolve) => {
      waiter = {
        filter,
        wake: () => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
    });
    this.waiters.add(waiter);
    timer = setTimeout(() => waiter.wake(), recheckMs);
    timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    return { promise, dispose: () => waiter.wake() };
  }

  /** Hears of every job asked to cancel (on any replica). Returns a function that stops listening. */
  onCancel(listener: (jobId: string) => void): () => void {
    this.cancelListeners.add(listener);
    return () => void this.cancelListeners.delete(listener);
  }

  /** Stops listening and wakes every waiter. */
  async close(): Promise<void> {
    for (const waiter of [...this.waiters]) waiter.wake();
    this.cancelListeners.clear();
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = [];
    this.subscribed = undefined;
    await Promise.all(unsubscribe.map((stop) => stop().catch(() => undefined)));
  }

  private posted(payload: string): void {
    let job: PostedJob;
    try {
      job = JSON.parse(payload) as PostedJob;
    } catch {
      this.logger.warn({ payload }, 'ignoring a malformed job wake-up');
      return;
    }
    for (const waiter of [...this.waiters]) if (mayTake(waiter.filter, job)) waiter.wake();
  }

  private canceling(jobId: string): void {
    for (const listener of [...this.cancelListeners]) {
      try {
        listener(jobId);
      } catch (error) {
        this.logger.error({ err: error, jobId }, 'a cancel listener threw');
      }
    }
  }
}
