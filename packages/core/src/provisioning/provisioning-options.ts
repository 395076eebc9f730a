import { HangarError } from '../errors/hangar-error.js';
import type { ProvisionerTags } from './job-entities.js';

/** Options of the `provisioning` plugin (`corePlugins({ provisioning: { … } })`). */
export interface ProvisioningOptions {
  /** Seconds without an update before a running job is failed as hung (default 300). */
  readonly hangTimeoutSeconds?: number;
  /** How often the hang detector looks, in seconds (default: a quarter of the timeout, at most 30). */
  readonly hangCheckIntervalSeconds?: number;
  /** How often a waiting daemon looks for work without a wake-up, a safety net (default 30). */
  readonly acquireRecheckSeconds?: number;
  /** How often a running job sends a heartbeat, in seconds (default: a quarter of the hang timeout, at most 10). */
  readonly heartbeatIntervalSeconds?: number;
  /** On shutdown, how long in-process daemons may take to finish their jobs before these are canceled (default 30). */
  readonly shutdownGraceSeconds?: number;
  /** Tags of the in-process daemons (default `{ scope: 'organization' }`). */
  readonly daemonTags?: ProvisionerTags;
  /** Where jobs' working directories are made (default: the OS temp dir). */
  readonly workDir?: string;
}

/** {@link ProvisioningOptions} with every default filled in, in milliseconds where it says so. */
export interface ResolvedProvisioningOptions {
  readonly hangTimeoutSeconds: number;
  readonly hangCheckIntervalMs: number;
  readonly acquireRecheckMs: number;
  readonly heartbeatIntervalMs: number;
  readonly shutdownGraceMs: number;
  readonly daemonTags: ProvisionerTags;
  readonly workDir?: string;
  /** A daemon not seen for this long is shown offline. */
  readonly offlineAfterMs: number;
}

/** Fills defaults and checks values; throws `HANGAR_ERR_CONFIG_INVALID` naming the option. */
export function resolveProvisioningOptions(options: ProvisioningOptions = {}): ResolvedProvisioningOptions {
  const seconds = (name: keyof ProvisioningOptions, value: number | undefined, fallback: number): number => {
    const resolved = value ?? fallback;
    if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved <= 0) {
      throw new HangarError('HANGAR_ERR_CONFIG_INVALID', { reason: `provisioning.${name} must be a positive number of seconds` });
    }
    return resolved;
  };
  const hangTimeoutSeconds = seconds('hangTimeoutSeconds', options.hangTimeoutSeconds, 300);
  const acquireRecheckSeconds = seconds('acquireRecheckSeconds', options.acquireRecheckSeconds, 30);
  return Object.freeze({
    hangTimeoutSeconds,
    hangCheckIntervalMs: 1000 * seconds('hangCheckIntervalSeconds', options.hangCheckIntervalSeconds, Math.min(30, hangTimeoutSeconds / 4)),
    acquireRecheckMs: 1000 * acquireRecheckSeconds,
    heartbeatIntervalMs: 1000 * seconds('heartbeatIntervalSeconds', options.heartbeatIntervalSeconds, Math.min(10, hangTimeoutSeconds / 4)),
    shutdownGraceMs: 1000 * seconds('shutdownGraceSeconds', options.shutdownGraceSeconds, 30),
    daemonTags: options.daemonTags ?? { scope: 'organization' },
    ...(options.workDir ? { workDir: options.workDir } : {}),
    offlineAfterMs: Math.max(60_000, 3_000 * acquireRecheckSeconds),
  });
}
