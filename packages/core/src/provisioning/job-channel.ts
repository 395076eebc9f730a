import type { AcquiredJob, JobFailure, JobResult } from './job-protocol.js';
import type { LogLine } from './provisioner.js';

/**
 * How a daemon talks to the queue: straight calls inside the server
 * ({@link InProcessJobChannel}), or the same protocol over a WebSocket for external daemons.
 */
export interface JobChannel {
  /** Waits for a job this daemon may run; `undefined` once the signal aborts. */
  acquire(signal: AbortSignal): Promise<AcquiredJob | undefined>;
  /** A sign of life for a running job; `canceled` says the daemon must abort it. */
  heartbeat(jobId: string): Promise<{ canceled: boolean }>;
  /** Sends log lines of a running job. */
  appendLogs(jobId: string, lines: readonly LogLine[]): Promise<void>;
  /** Reports success. */
  complete(jobId: string, result: JobResult): Promise<void>;
  /** Reports failure (or the end of a canceled job). */
  fail(jobId: string, failure: JobFailure): Promise<void>;
  /** Hears cancel requests; returns a function that stops listening. */
  onCancel(listener: (jobId: string) => void): () => void;
}
