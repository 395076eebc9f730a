import { createToken } from '../kernel/token.js';

/** Called with each message published on a channel. */
export type PubSubListener = (payload: string) => void;

/**
 * Messages between the parts of a deployment: job wake-ups, log lines for watchers,
 * cross-replica events. Delivery is at most once, to every subscriber on every replica
 * that is subscribed when the message is published; durable data belongs in tables.
 */
export interface PubSub {
  /** Publishes a payload (any size) on a channel. */
  publish(channel: string, payload: string): Promise<void>;
  /** Subscribes; resolves once the subscription is active, with a function that ends it. */
  subscribe(channel: string, listener: PubSubListener): Promise<() => Promise<void>>;
}

/** Token of the server's {@link PubSub}. */
export const pubSubToken = createToken<PubSub>('core.pubsub');
