import { createHash } from 'node:crypto';
import pg from 'pg';
import { HangarError } from '../errors/hangar-error.js';
import type { Logger } from '../logging/logger.js';
import type { PubSub, PubSubListener } from './pubsub.js';

/** NOTIFY payloads must stay under 8,000 bytes; larger ones go through a table. */
const inlineLimit = 7_000;
/** How long an oversized payload is kept for slow listeners. */
const payloadRetentionSeconds = 300;

/** Runs a query on the shared pool (the ORM's connection). */
export type QueryFn = (sql: string, bindings?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * {@link PubSub} over PostgreSQL LISTEN/NOTIFY. One dedicated connection listens (and comes
 * back with its subscriptions after a drop); publishing goes through the pool. A payload
 * over NOTIFY's size limit is stored in `hangar_pubsub_payloads` and the notification
 * carries its id instead.
 */
export class PostgresPubSub implements PubSub {
  private client?: pg.Client;
  private readonly listeners = new Map<string, Set<PubSubListener>>();
  /** The LISTEN of each channel, resolved once it is active. */
  private readonly listening = new Map<string, Promise<void>>();
  /** LISTEN/UNLISTEN statements, one at a time on the one connection. */
  private commands: Promise<unknown> = Promise.resolve();
  private closed = false;
  private reconnecting?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly query: QueryFn,
    private readonly logger?: Logger,
  ) {}

  async publish(channel: string, payload: string): Promise<void> {
    const name = pgChannel(channel);
    if (Buffer.byteLength(payload) <= inlineLimit) {
      await this.query('select pg_notify(?, ?)', [name, `i${payload}`]);
      return;
    }
    const rows = await this.query('insert into hangar_pubsub_payloads (payload) values (?) returning id', [payload]);
    await this.query('select pg_notify(?, ?)', [name, `r${rows[0]!.id}`]);
    await this.query(`delete from hangar_pubsub_payloads where created_at < now() - interval '${payloadRetentionSeconds} seconds'`);
  }

  async subscribe(channel: string, listener: PubSubListener): Promise<() => Promise<void>> {
    const name = pgChannel(channel);
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
      this.listening.set(name, this.command(`listen ${pg.escapeIdentifier(name)}`));
    }
    set.add(listener);
    // Every subscriber of a channel waits until its LISTEN is active, not only the first.
    try {
      await this.listening.get(name);
    } catch (error) {
      set.delete(listener);
      if (!set.size && this.listeners.get(name) === set) {
        this.listeners.delete(name);
        this.listening.delete(name);
      }
      throw error;
    }
    return async () => {
      const current = this.listeners.get(name);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(name);
      this.listening.delete(name);
      if (this.client && !this.closed) await this.command(`unlisten ${pg.escapeIdentifier(name)}`).catch(() => undefined);
    };
  }

  /** Runs LISTEN/UNLISTEN on the listening connection, after the ones before it. */
  private command(sql: string): Promise<void> {
    const run = this.commands.then(async () => {
      const client = await this.connection();
      await client.query(sql);
    });
    this.commands = run.catch(() => undefined);
    return run;
  }

  /** Ends the listening connection; later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private async connection(): Promise<pg.Client> {
    if (this.closed) throw new HangarError('HANGAR_ERR_SERVER_STATE', { action: 'subscribe', state: 'closed' });
    if (this.reconnecting) await this.reconnecting;
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => void this.deliver(message.channel, message.payload ?? ''));
    client.on('error', (error) => {
      this.logger?.warn({ err: error }, 'pubsub connection lost; reconnecting');
      if (this.client === client) this.client = undefined;
      this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private async reconnect(): Promise<void> {
    for (let delay = 100; !this.closed; delay = Math.min(delay * 2, 5_000)) {
      try {
        const client = await this.connection();
        for (const name of this.listeners.keys()) await client.query(`listen ${pg.escapeIdentifier(name)}`);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async deliver(name: string, message: string): Promise<void> {
    const set = this.listeners.get(name);
    if (!set?.size) return;
    let payload = message.slice(1);
    if (message[0] === 'r') {
      const rows = await this.query('select payload from hangar_pubsub_payloads where id = ?', [payload]).catch(() => []);
      if (!rows[0]) return this.logger?.warn({ channel: name }, 'pubsub payload expired before it was read');
      payload = rows[0].payload as string;
    }
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        this.logger?.error({ err: error, channel: name }, 'pubsub listener threw');
      }
    }
  }
}

/**
 * The statement that publishes a small payload (up to 7,000 bytes) the way
 * {@link PostgresPubSub.publish} does. Run it inside a transaction and PostgreSQL delivers the
 * message only when that transaction commits, and never if it rolls back: the way to announce
 * a row in the same breath as writing it.
 *
 * @example
 * ```ts
 * const { sql, bindings } = notifyStatement('provisioner.jobs.posted', JSON.stringify({ id }));
 * await em.getConnection().execute(sql, bindings, 'all', em.getTransactionContext());
 * ```
 */
export function notifyStatement(channel: string, payload: string): { sql: string; bindings: unknown[] } {
  if (Buffer.byteLength(payload) > inlineLimit) {
    throw new HangarError('HANGAR_ERR_PUBSUB_CHANNEL_INVALID', { channel: channel.slice(0, 40), reason: `a payload sent in a transaction must stay under ${inlineLimit} bytes` });
  }
  return { sql: 'select pg_notify(?, ?)', bindings: [pgChannel(channel), `i${payload}`] };
}

/**
 * The PostgreSQL channel for a Hangar channel name. Readable names are kept; long ones are
 * hashed to fit the 63-byte identifier limit.
 */
export function pgChannel(channel: string): string {
  if (!channel || channel.length > 1_000) {
    throw new HangarError('HANGAR_ERR_PUBSUB_CHANNEL_INVALID', { channel: channel.slice(0, 40), reason: 'it must be 1 to 1,000 characters' });
  }
  const name = `hangar:${channel}`;
  return Buffer.byteLength(name) <= 63 ? name : `hangar:#${createHash('sha256').update(channel).digest('hex').slice(0, 48)}`;
}
