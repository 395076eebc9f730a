import { hostname } from 'node:os';
import { createToken } from '../kernel/token.js';
import type { Logger } from '../logging/logger.js';
import type { DaemonStore } from './daemon-store.js';
import { InProcessJobChannel } from './in-process-channel.js';
import type { ProvisionerTags } from './job-entities.js';
import type { JobQueue } from './job-queue.js';
import type { ProvisionerRegistry } from './provisioner.js';
import { type DaemonStopOptions, ProvisionerDaemon } from './provisioner-daemon.js';

/** What the in-process daemons work with. */
export interface InProcessDaemonsDeps {
  readonly queue: () => JobQueue;
  readonly store: () => DaemonStore;
  readonly provisioners: ProvisionerRegistry;
  readonly logger: Logger;
  readonly tags: ProvisionerTags;
  readonly heartbeatIntervalMs: number;
  readonly workRoot?: string;
  readonly version: string;
}

/**
 * The provisioner daemons that run inside the server (`config.provisionerDaemons`, default
 * 3). They serve every organization, carry `{ scope: 'organization' }` unless configured
 * otherwise, and run every provisioner registered in the server, hidden ones included.
 */
export class InProcessDaemons {
  private running: ProvisionerDaemon[] = [];

  constructor(private readonly deps: InProcessDaemonsDeps) {}

  /** The daemons now running. */
  get daemons(): readonly ProvisionerDaemon[] {
    return this.running;
  }

  /** Registers and starts `count` more daemons. */
  async start(count: number): Promise<void> {
    const { provisioners } = this.deps;
    if (count > 0 && provisioners.names().length === 0) {
      this.deps.logger.warn('no provisioner is registered; the in-process daemons will take no job');
    }
    const first = this.running.length + 1;
    for (let n = first; n < first + count; n++) {
      const name = `${hostname()}-${process.pid}-${n}`;
      const identity = await this.deps.store().register({ name, organizationId: null, tags: this.deps.tags, provisioners: provisioners.names(), version: this.deps.version });
      const daemon = new ProvisionerDaemon({
        name,
        channel: new InProcessJobChannel(this.deps.queue(), identity),
        provisioners,
        logger: this.deps.logger,
        heartbeatIntervalMs: this.deps.heartbeatIntervalMs,
        ...(this.deps.workRoot ? { workRoot: this.deps.workRoot } : {}),
      });
      daemon.start();
      this.running.push(daemon);
    }
  }

  /** Stops them all gracefully (see {@link ProvisionerDaemon.stop}). */
  async stop(options: DaemonStopOptions = {}): Promise<void> {
    const daemons = this.running;
    this.running = [];
    await Promise.all(daemons.map((daemon) => daemon.stop(options)));
  }
}

/** Token of the server's {@link InProcessDaemons}. */
export const inProcessDaemonsToken = createToken<InProcessDaemons>('core.provisionerDaemons');
