import WebSocket from 'ws';
import { HangarError, isHangarError } from '../errors/hangar-error.js';
import type { Logger } from '../logging/logger.js';
import { type DaemonEvent, type DaemonResponse, daemonServePath, keyRevokedCloseCode, provisionerKeyHeader } from './daemon-wire.js';
import type { JobChannel } from './job-channel.js';
import { type AcquiredJob, decodeWire, encodeWire, type JobFailure, type JobResult } from './job-protocol.js';
import type { LogLine } from './provisioner.js';

/** The server's welcome: who it takes the daemon for. */
export type DaemonWelcome = Extract<DaemonEvent, { event: 'welcome' }>;

/** Options of {@link WebSocketJobChannel}. */
export interface WebSocketJobChannelOptions {
  /** The server's base URL (`http://…` or `https://…`). */
  readonly url: string;
  /** A provisioner key (`<id>-<secret>`). */
  readonly key: string;
  readonly name: string;
  /** Provisioner names the daemon offers. */
  readonly provisioners: readonly string[];
  readonly version: string;
  readonly logger: Logger;
  /** Longest wait between reconnection attempts (default 10 s; attempts start at 250 ms and double). */
  readonly maxBackoffMs?: number;
  /** Called on every (re)connection. */
  readonly onWelcome?: (welcome: DaemonWelcome) => void;
  /** Called once if the server refuses the key (wrong, or deleted): the channel gives up. */
  readonly onFatal?: (error: HangarError) => void;
}

const disconnected = () => new HangarError('HANGAR_ERR_PROVISIONER_DAEMON_DISCONNECTED');

/**
 * A {@link JobChannel} over one WebSocket to the server, reconnecting with backoff when the
 * connection drops. Results and failures are re-sent after a reconnection until the server
 * has them; heartbeats and log lines sent while disconnected are lost (logged).
 */
export class WebSocketJobChannel implements JobChannel {
  private socket?: WebSocket;
  private welcomed = false;
  private closed = false;
  private fatal?: HangarError;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: DaemonResponse['result']) => void; reject: (error: unknown) => void }>();
  private readonly cancelListeners = new Set<(jobId: string) => void>();
  private readonly readyWaiters = new Set<() => void>();
  private loop?: Promise<void>;

  constructor(private readonly options: WebSocketJobChannelOptions) {}

  /** Starts connecting (and reconnecting) in the background. */
  start(): void {
    this.loop ??= this.connectLoop();
  }

  async acquire(signal: AbortSignal): Promise<AcquiredJob | undefined> {
    while (!signal.aborted) {
      if (!(await this.ready(signal))) return undefined;
      try {
        const id = this.nextId++;
        const answer = this.request(id, { id, method: 'acquire' });
        const onAbort = () => {
          const cancelId = this.nextId++;
          void this.request(cancelId, { id: cancelId, method: 'cancel_acquire' }).catch(() => undefined);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          const result = await answer;
          // A job the server handed over is ours even when we are stopping: it runs to its end.
          if (result?.job) return result.job;
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      } catch (error) {
        if (this.fatal || this.closed) throw this.fatal ?? disconnected();
        if (!isHangarError(error) || error.code !== 'HANGAR_ERR_PROVISIONER_DAEMON_DISCONNECTED') throw error;
      }
    }
    return undefined;
  }

  async heartbeat(jobId: string): Promise<{ canceled: boolean }> {
    const result = await this.call({ method: 'heartbeat', job_id: jobId });
    return { canceled: Boolean(result?.canceled) };
  }

  async appendLogs(jobId: string, lines: readonly LogLine[]): Promise<void> {
    await this.call({ method: 'logs', job_id: jobId, logs: lines });
  }

  complete(jobId: string, result: JobResult): Promise<void> {
    return this.callUntilDelivered({ method: 'complete', job_id: jobId, result });
  }

  fail(jobId: string, failure: JobFailure): Promise<void> {
    return this.callUntilDelivered({ method: 'fail', job_id: jobId, failure });
  }

  onCancel(listener: (jobId: string) => void): () => void {
    this.cancelListeners.add(listener);
    return () => void this.cancelListeners.delete(listener);
  }

  /** Closes the connection for good. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.readyWaiters]) wake();
    this.socket?.close(1000, 'the daemon stopped');
    await this.loop;
  }

  private async call(body: Record<string, unknown>): Promise<DaemonResponse['result']> {
    if (!(await this.ready())) throw this.fatal ?? disconnected();
    const id = this.nextId++;
    return this.request(id, { ...body, id });
  }

  private async callUntilDelivered(body: Record<string, unknown>): Promise<void> {
    for (;;) {
      try {
        await this.call(body);
        return;
      } catch (error) {
        if (this.closed || this.fatal || !isHangarError(error) || error.code !== 'HANGAR_ERR_PROVISIONER_DAEMON_DISCONNECTED') throw error;
        this.options.logger.warn({ method: body.method }, 'the connection dropped before the server answered; sending again once reconnected');
      }
    }
  }

  private request(id: number, message: Record<string, unknown>): Promise<DaemonResponse['result']> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(disconnected());
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      socket.send(encodeWire(message), (error) => {
        if (!error) return;
        this.pending.delete(id);
        reject(disconnected());
      });
    });
  }

  /** Resolves true once connected and welcomed; false when closed, fatal, or the signal aborted. */
  private ready(signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.closed || this.fatal || signal?.aborted) return done(false);
        if (this.welcomed && this.socket?.readyState === WebSocket.OPEN) return done(true);
      };
      const done = (value: boolean) => {
        this.readyWaiters.delete(check);
        signal?.removeEventListener('abort', check);
        resolve(value);
      };
      this.readyWaiters.add(check);
      signal?.addEventListener('abort', check, { once: true });
      check();
    });
  }

  private async connectLoop(): Promise<void> {
    const maxBackoff = this.options.maxBackoffMs ?? 10_000;
    let backoff = 250;
    while (!this.closed && !this.fatal) {
      const opened = await this.connectOnce().catch((error) => {
        this.options.logger.warn({ err: error }, `connecting to ${this.options.url} failed; retrying in ${backoff} ms`);
        return false;
      });
      if (this.closed || this.fatal) break;
      if (opened) backoff = 250;
      await new Promise((resolve) => setTimeout(resolve, backoff));
      if (!opened) backoff = Math.min(backoff * 2, maxBackoff);
    }
  }

  /** One connection: resolves true when it closes after opening; rejects when it never opened. */
  private connectOnce(): Promise<boolean> {
    const url = new URL(daemonServePath, this.options.url.replace(/^http/, 'ws'));
    url.searchParams.set('name', this.options.name);
    url.searchParams.set('provisioners', this.options.provisioners.join(','));
    url.searchParams.set('version', this.options.version);
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { [provisionerKeyHeader]: this.options.key }, maxPayload: 256 * 1024 * 1024 });
      let opened = false;
      socket.on('unexpected-response', (_request, response) => {
        if (response.statusCode === 401 || response.statusCode === 403) this.giveUp(new HangarError('HANGAR_ERR_PROVISIONER_KEY_INVALID'));
        response.resume();
        socket.terminate();
        reject(new Error(`the server answered ${response.statusCode}`));
      });
      socket.on('error', (error) => !opened && reject(error));
      socket.on('open', () => {
        opened = true;
        this.socket = socket;
      });
      socket.on('message', (data) => this.onMessage(data.toString()));
      socket.on('close', (code) => {
        if (this.socket === socket) this.socket = undefined;
        this.welcomed = false;
        for (const { reject: fail } of this.pending.values()) fail(disconnected());
        this.pending.clear();
        if (code === keyRevokedCloseCode) this.giveUp(new HangarError('HANGAR_ERR_PROVISIONER_KEY_INVALID', {}, { detail: 'the key was deleted' }));
        for (const wake of [...this.readyWaiters]) wake();
        if (opened) resolve(true);
      });
    });
  }

  private onMessage(text: string): void {
    let message: DaemonResponse | DaemonEvent;
    try {
      message = decodeWire(text) as DaemonResponse | DaemonEvent;
    } catch {
      return this.options.logger.warn('the server sent a message that is not JSON');
    }
    if ('event' in message) {
      if (message.event === 'welcome') {
        this.welcomed = true;
        this.options.onWelcome?.(message);
        for (const wake of [...this.readyWaiters]) wake();
      } else if (message.event === 'cancel') {
        for (const listener of [...this.cancelListeners]) listener(message.job_id);
      }
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error) waiter.reject(new HangarError(message.error.code, {}, { message: message.error.message }));
    else waiter.resolve(message.result);
  }

  private giveUp(error: HangarError): void {
    if (this.fatal) return;
    this.fatal = error;
    for (const wake of [...this.readyWaiters]) wake();
    this.options.onFatal?.(error);
  }
}
