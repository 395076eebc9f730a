import { AsyncParallelHook, AsyncSeriesHook, SyncHook } from 'tapable';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HangarError } from '../errors/hangar-error.js';
import type { RouteDefinition } from '../http/route.js';

/** Where the server listens, given to `lifecycle.listening`. */
export interface ListeningInfo {
  /** The base URL it answers on, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/** Creates the server lifecycle hooks. */
export function createLifecycleHooks() {
  return Object.freeze({
    /** After every plugin registered and the database is migrated, before listening. Start work here; a rejection aborts boot. */
    ready: new AsyncSeriesHook<[]>(),
    /** Once the HTTP server listens. */
    listening: new AsyncParallelHook<[ListeningInfo]>(['info']),
    /** On shutdown, in reverse boot order (a plugin's taps run before those of the plugins it depends on). Stop work here. */
    close: new AsyncSeriesHook<[]>(),
  });
}

/** Creates the HTTP hooks (the request lifecycle itself stays fastify's). */
export function createHttpHooks() {
  return Object.freeze({
    /** Before routes are added: register fastify plugins (websocket, static files, content parsers). */
    configure: new AsyncSeriesHook<[FastifyInstance]>(['fastify']),
    /** A route was declared; observers may index or document it. */
    routeAdded: new SyncHook<[RouteDefinition]>(['route']),
    /** An error response is about to be sent (for metrics or forwarding); the error cannot be changed. */
    errorSent: new SyncHook<[HangarError, FastifyRequest]>(['error', 'request']),
  });
}

/** Lifecycle hooks of a server. */
export type LifecycleHooks = ReturnType<typeof createLifecycleHooks>;
/** HTTP hooks of a server. */
export type HttpHooks = ReturnType<typeof createHttpHooks>;

/** The kernel's hooks: one frozen object per subsystem. */
export interface KernelHooks {
  readonly lifecycle: LifecycleHooks;
  readonly http: HttpHooks;
}

/** Creates a server's kernel hooks, frozen so nobody adds keys. */
export function createKernelHooks(): KernelHooks {
  return Object.freeze({ lifecycle: createLifecycleHooks(), http: createHttpHooks() });
}
