import { hostname } from 'node:os';
import type { HangarError } from '../errors/hangar-error.js';
import { hangarVersion } from '../kernel/version.js';
import { createLogger, type Logger } from '../logging/logger.js';
import type { ProvisionerRegistry } from './provisioner.js';
import { type DaemonStopOptions, ProvisionerDaemon } from './provisioner-daemon.js';
import { type DaemonWelcome, WebSocketJobChannel } from './websocket-job-channel.js';

/** Options of {@link connectExternalDaemon}. */
export interface ExternalDaemonOptions {
  /** The Hangar server's base URL. */
  readonly url: string;
  /** A provisioner key (`<id>-<secret>`) of the organization the daemon serves. */
  readonly key: string;
  /** Default: the host name. Unique within the organization; a restart under the same name resumes its identity. */
  readonly name?: string;
  /** The provisioners this daemon runs (only these are offered to the server). */
  readonly provisioners: ProvisionerRegistry;
  /** Names to offer; default: every provisioner in the registry, hidden ones included. */
  readonly offer?: readonly string[];
  readonly logger?: Logger;
  /** Where per-job working directories are made. */
  readonly workRoot?: string;
  /** Longest wait between reconnection attempts (default 10 s). */
  readonly maxBackoffMs?: number;
}

/** A running external daemon. */
export interface ExternalDaemon {
  /** Resolves on the first connection; rejects if the server refuses the key. */
  readonly connected: Promise<DaemonWelcome>;
  /** Settles when the daemon ends: after {@link ExternalDaemon.stop}, or with the error that made it give up (key refused or deleted). */
  readonly done: Promise<void>;
  /** The job running now, if any. */
  readonly currentJobId: string | undefined;
  /** Stops taking jobs, lets the current one finish (or cancels it after `graceMs`), then disconnects. */
  stop(options?: DaemonStopOptions): Promise<void>;
  /** Cancels the running job. */
  cancelCurrent(): void;
}

/**
 * Connects a provisioner daemon to a Hangar server over its WebSocket and starts taking
 * jobs that carry the key's tags. It reconnects with backoff when the connection drops and
 * gives up only when the key is refused.
 *
 * @example
 * ```ts
 * const registry = createProvisionerRegistry();
 * registry.register('terraform', terraform);
 * const daemon = connectExternalDaemon({ url: 'https://hangar.example.com', key, provisioners: registry });
 * await daemon.connected;
 * process.once('SIGTERM', () => void daemon.stop());
 * ```
 */
export function connectExternalDaemon(options: ExternalDaemonOptions): ExternalDaemon {
  const logger = options.logger ?? createLogger('info');
  const name = options.name ?? hostname();
  const offer = options.offer ?? options.provisioners.names();
  if (!offer.length) throw new Error('connect external daemon: the registry has no provisioners to offer');
  let daemon: ProvisionerDaemon | undefined;
  let onConnected!: (welcome: DaemonWelcome) => void;
  let onFailed!: (error: HangarError) => void;
  let settle!: (error?: HangarError) => void;
  const connected = new Promise<DaemonWelcome>((resolve, reject) => {
    onConnected = resolve;
    onFailed = reject;
  });
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  connected.catch(() => undefined);
  done.catch(() => undefined);
  const channel = new WebSocketJobChannel({
    url: options.url,
    key: options.key,
    name,
    provisioners: offer,
    version: hangarVersion,
    logger,
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    onWelcome(welcome) {
      logger.info({ daemonId: welcome.daemon_id, tags: welcome.tags }, 'connected to the Hangar server');
      if (!daemon) {
        daemon = new ProvisionerDaemon({
          name,
          channel,
          provisioners: options.provisioners,
          logger,
          heartbeatIntervalMs: welcome.heartbeat_interval_ms,
          ...(options.workRoot ? { workRoot: options.workRoot } : {}),
        });
        daemon.start();
      }
      onConnected(welcome);
    },
    onFatal(error) {
      logger.error({ err: error }, 'the server refused the provisioner key; stopping');
      onFailed(error);
      void (async () => {
        await daemon?.stop({ graceMs: 0, abandonMs: 1_000 });
        await channel.close();
        settle(error);
      })();
    },
  });
  channel.start();
  return {
    connected,
    done,
    get currentJobId() {
      return daemon?.currentJobId;
    },
    async stop(stopOptions) {
      await daemon?.stop(stopOptions);
      await channel.close();
      settle();
    },
    cancelCurrent: () => daemon?.cancelCurrent(),
  };
}
