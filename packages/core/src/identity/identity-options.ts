import { HangarError } from '../errors/hangar-error.js';
import type { HangarConfig } from '../kernel/config.js';
import type { RateLimitOptions } from '../rate-limit/rate-limiter.js';
import type { PasswordPolicyOptions } from './password-policy.js';

/** Options of {@link identityPlugin}. */
export interface IdentityOptions {
  /** How long a login session lives without use, in seconds (default 86,400: 24 h). */
  readonly sessionLifetimeSeconds?: number;
  /** Keep a session's expiry fixed instead of sliding it forward on use. */
  readonly disableSessionExpiryRefresh?: boolean;
  /** Lifetime of a named token created without one, in seconds (default 7 days). */
  readonly defaultTokenLifetimeSeconds?: number;
  /** The longest lifetime a named token may ask for, in seconds (default 365 days). */
  readonly maxTokenLifetimeSeconds?: number;
  /** The minimum password strength. */
  readonly passwordPolicy?: PasswordPolicyOptions;
  /** API and login rate limits. */
  readonly rateLimits?: RateLimitOptions;
  /** Mark cookies `Secure` (default: when the access URL is https). */
  readonly secureCookies?: boolean;
  /** scrypt cost parameter N, a power of two from 2^10 (default 2^15, 32 MiB per hash). */
  readonly scryptCost?: number;
}

/** Identity options with every default filled in. */
export interface ResolvedIdentityOptions {
  readonly sessionLifetimeSeconds: number;
  readonly disableSessionExpiryRefresh: boolean;
  readonly defaultTokenLifetimeSeconds: number;
  readonly maxTokenLifetimeSeconds: number;
  readonly passwordPolicy: Required<PasswordPolicyOptions>;
  readonly rateLimits: RateLimitOptions;
  readonly secureCookies: boolean;
  readonly scryptCost: number;
}

const day = 86_400;

/** Fills defaults and checks values; throws `HANGAR_ERR_CONFIG_INVALID` naming the option. */
export function resolveIdentityOptions(options: IdentityOptions, config: HangarConfig): ResolvedIdentityOptions {
  const resolved: ResolvedIdentityOptions = {
    sessionLifetimeSeconds: options.sessionLifetimeSeconds ?? day,
    disableSessionExpiryRefresh: options.disableSessionExpiryRefresh ?? false,
    defaultTokenLifetimeSeconds: options.defaultTokenLifetimeSeconds ?? 7 * day,
    maxTokenLifetimeSeconds: options.maxTokenLifetimeSeconds ?? 365 * day,
    passwordPolicy: { minLength: options.passwordPolicy?.minLength ?? 8, minEntropyBits: options.passwordPolicy?.minEntropyBits ?? 50 },
    rateLimits: options.rateLimits ?? {},
    secureCookies: options.secureCookies ?? config.accessUrl.startsWith('https:'),
    scryptCost: options.scryptCost ?? 2 ** 15,
  };
  positive('identity.sessionLifetimeSeconds', resolved.sessionLifetimeSeconds);
  positive('identity.defaultTokenLifetimeSeconds', resolved.defaultTokenLifetimeSeconds);
  positive('identity.maxTokenLifetimeSeconds', resolved.maxTokenLifetimeSeconds);
  if (resolved.maxTokenLifetimeSeconds > 2 ** 31 - 1) throw invalid('identity.maxTokenLifetimeSeconds', 'must be at most 2147483647 (about 68 years)');
  if (resolved.defaultTokenLifetimeSeconds > resolved.maxTokenLifetimeSeconds) {
    throw invalid('identity.defaultTokenLifetimeSeconds', 'must not exceed maxTokenLifetimeSeconds');
  }
  positive('identity.passwordPolicy.minLength', resolved.passwordPolicy.minLength);
  if (resolved.passwordPolicy.minEntropyBits < 0) throw invalid('identity.passwordPolicy.minEntropyBits', 'must not be negative');
  const n = resolved.scryptCost;
  if (!Number.isInteger(n) || n < 1024 || n > 2 ** 20 || (n & (n - 1)) !== 0) throw invalid('identity.scryptCost', 'must be a power of two from 1024 to 1048576');
  if (resolved.rateLimits.windowMs !== undefined) positive('identity.rateLimits.windowMs', resolved.rateLimits.windowMs);
  return Object.freeze(resolved);
}

function positive(field: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw invalid(field, 'must be a whole number above 0');
}

function invalid(field: string, reason: string): HangarError {
  return new HangarError('HANGAR_ERR_CONFIG_INVALID', { reason: `${field} ${reason}` }, { validations: [{ field, detail: reason }] });
}
