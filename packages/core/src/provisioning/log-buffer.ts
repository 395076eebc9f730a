import type { LogLine } from './provisioner.js';

/**
 * Collects a job's log lines and sends them in batches: after `flushMs`, or at once when
 * `maxLines` are waiting. Sends never overlap, so lines arrive in order.
 */
export class LogBuffer {
  private lines: LogLine[] = [];
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (lines: LogLine[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly flushMs = 250,
    private readonly maxLines = 100,
  ) {}

  /** Adds a line; it is sent soon. */
  push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length >= this.maxLines) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Sends what is waiting and resolves once everything pushed so far is sent. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.lines;
    this.lines = [];
    if (batch.length) this.sending = this.sending.then(() => this.send(batch)).catch(this.onError);
    return this.sending;
  }
}
