import { configToken, databaseToken } from '../kernel/kernel-tokens.js';
import { hangarVersion } from '../kernel/version.js';
import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { createToken } from '../kernel/token.js';
import { pubSubToken } from '../pubsub/pubsub.js';
import { registerDaemonServeRoute } from './daemon-serve-route.js';
import { DaemonStore } from './daemon-store.js';
import { HangDetector } from './hang-detector.js';
import { InProcessDaemons, inProcessDaemonsToken } from './in-process-daemons.js';
import { ProvisionerJobLogSchema, ProvisionerJobSchema } from './job-entities.js';
import { createJobKindRegistry, jobKindRegistryToken } from './job-kinds.js';
import { JobLogStream } from './job-log-stream.js';
import { JobQueue, jobQueueToken } from './job-queue.js';
import { JobSignals } from './job-signals.js';
import { provisionerRegistryToken } from './provisioner.js';
import { ProvisionerKeyService, provisionerKeysToken } from './provisioner-keys.js';
import { createProvisionerRegistry } from './provisioner-registry.js';
import './provisioning-errors.js';
import { createProvisioningHooks, provisioningHooksToken } from './provisioning-hooks.js';
import { provisioningMigrations } from './provisioning-migrations.js';
import { type ProvisioningOptions, resolveProvisioningOptions } from './provisioning-options.js';
import { registerProvisioningRoutes } from './provisioning-routes.js';

export type { ProvisioningOptions } from './provisioning-options.js';

/** Token of the daemons table. */
export const daemonStoreToken = createToken<DaemonStore>('core.provisionerDaemonStore');
/** Token of the server's hang detector (tests run a pass with `check()`). */
export const hangDetectorToken = createToken<HangDetector>('core.hangDetector');

/**
 * The provisioner job queue, the in-process provisioner daemons, external daemons over
 * WebSocket, and provisioner keys. Provisioner plugins depend on it and register their
 * provisioners in its registry; subsystems that queue jobs register a job kind handler.
 */
export const provisioningPlugin = (rawOptions: ProvisioningOptions = {}): HangarPlugin =>
  definePlugin({
    name: 'provisioning',
    register(ctx) {
      const options = resolveProvisioningOptions(rawOptions);
      const registry = createProvisionerRegistry();
      const kinds = createJobKindRegistry();
      const hooks = createProvisioningHooks();
      ctx.provide(provisionerRegistryToken, () => registry);
      ctx.provide(jobKindRegistryToken, () => kinds);
      ctx.provide(provisioningHooksToken, () => hooks);
      ctx.entities(ProvisionerJobSchema, ProvisionerJobLogSchema);
      ctx.migrations(...provisioningMigrations);

      const database = () => ctx.resolve(databaseToken);
      const pubsub = () => ctx.resolve(pubSubToken);
      const signals = new JobSignals(pubsub, ctx.logger);
      ctx.provide(jobQueueToken, () => new JobQueue(database, signals, kinds, hooks, ctx.logger, { recheckMs: options.acquireRecheckMs }, new JobLogStream(database, pubsub, ctx.logger)));
      ctx.provide(daemonStoreToken, () => new DaemonStore(database));
      ctx.provide(provisionerKeysToken, () => new ProvisionerKeyService(database, pubsub));
      const queue = () => ctx.resolve(jobQueueToken);
      const store = () => ctx.resolve(daemonStoreToken);
      const keys = () => ctx.resolve(provisionerKeysToken);
      const hangDetector = new HangDetector(queue, { timeoutSeconds: options.hangTimeoutSeconds, intervalMs: options.hangCheckIntervalMs }, ctx.logger, () => store().prune());
      ctx.provide(hangDetectorToken, () => hangDetector);
      const inProcess = new InProcessDaemons({
        queue,
        store,
        provisioners: registry,
        logger: ctx.logger,
        tags: options.daemonTags,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        version: hangarVersion,
        ...(options.workDir ? { workRoot: options.workDir } : {}),
      });
      ctx.provide(inProcessDaemonsToken, () => inProcess);

      registerProvisioningRoutes(ctx, { queue, daemons: store, keys, offlineAfterMs: options.offlineAfterMs });
      registerDaemonServeRoute(ctx, { queue, daemons: store, keys, heartbeatIntervalMs: options.heartbeatIntervalMs });

      // Late, so provisioner plugins that register in their own `ready` tap are in the registry first.
      ctx.hooks.lifecycle.ready.tapPromise({ name: ctx.name, stage: 1_000 }, async () => {
        await queue().listen();
        hangDetector.start();
        await inProcess.start(ctx.resolve(configToken).provisionerDaemons);
      });
      ctx.hooks.lifecycle.close.tapPromise(ctx.name, async () => {
        await inProcess.stop({ graceMs: options.shutdownGraceMs });
        await hangDetector.stop();
        await signals.close();
      });
    },
  });
