import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { provisionerRegistryToken } from './provisioner.js';
import { createProvisionerRegistry } from './provisioner-registry.js';

/** Options of {@link provisioningPlugin}. */
export interface ProvisioningOptions {
  /** Seconds without an update before a running job is failed as hung (default 300). */
  readonly hangTimeoutSeconds?: number;
}

/**
 * The provisioner job queue, the in-process provisioner daemons, external daemons over
 * WebSocket, and provisioner keys. Provisioner plugins depend on it and register their
 * provisioners in its registry.
 */
export const provisioningPlugin = (_options: ProvisioningOptions = {}): HangarPlugin =>
  definePlugin({
    name: 'provisioning',
    register(ctx) {
      const registry = createProvisionerRegistry();
      ctx.provide(provisionerRegistryToken, () => registry);
    },
  });
