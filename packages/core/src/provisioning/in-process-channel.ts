import type { DaemonIdentity } from './daemon-store.js';
import type { JobChannel } from './job-channel.js';
import type { JobQueue } from './job-queue.js';
import type { AcquiredJob, JobFailure, JobResult } from './job-protocol.js';
import type { LogLine } from './provisioner.js';

/** A {@link JobChannel} for a daemon inside the server: straight calls to the queue. */
export class InProcessJobChannel implements JobChannel {
  constructor(
    private readonly queue: JobQueue,
    /** The daemon's registered identity (see `DaemonStore.register`). */
    readonly identity: DaemonIdentity,
  ) {}

  acquire(signal: AbortSignal): Promise<AcquiredJob | undefined> {
    return this.queue.acquireNext(this.identity, signal);
  }

  heartbeat(jobId: string): Promise<{ canceled: boolean }> {
    return this.queue.heartbeat(jobId, this.identity.id);
  }

  async appendLogs(jobId: string, lines: readonly LogLine[]): Promise<void> {
    await this.queue.appendLogs(jobId, lines, this.identity.id);
  }

  async complete(jobId: string, result: JobResult): Promise<void> {
    await this.queue.complete(jobId, result, this.identity.id);
  }

  async fail(jobId: string, failure: JobFailure): Promise<void> {
    await this.queue.fail(jobId, failure, this.identity.id);
  }

  onCancel(listener: (jobId: string) => void): () => void {
    return this.queue.onCancel(listener);
  }
}
