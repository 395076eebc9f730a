import { createToken } from '../kernel/token.js';

/**
 * Limits per rate-limit group, in requests per window. A route names its group with
 * `rateLimit: 'group'` (default `api`); `rateLimit: false` exempts it. A negative or zero
 * limit turns that group off.
 */
export interface RateLimitOptions {
  /** Turns every limit off (Coder's `--dangerous-disable-rate-limits`). */
  readonly disabled?: boolean;
  /** Length of the counting window in milliseconds (default 60,000). */
  readonly windowMs?: number;
  /** Requests per window for ordinary API routes, per user or per address when anonymous (default 512). */
  readonly api?: number;
  /** Login attempts per window per address (default 60). */
  readonly login?: number;
  /** Limits of other groups that routes name; a group not listed here uses `api`. */
  readonly groups?: Readonly<Record<string, number>>;
}

/** The outcome of {@link RateLimiter.consume}. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets (at least 1). */
  readonly retryAfterSeconds: number;
}

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window request counters kept in memory, one per key (group plus user or address).
 * Each server process counts on its own, as Coder's limiter does; behind N replicas the
 * effective limit is up to N times higher. Expired windows are swept as keys accumulate.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private consumedSinceSweep = 0;

  constructor(
    private readonly options: RateLimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** The limit of a group, or `undefined` when the group is not limited. */
  limitOf(group: string): number | undefined {
    if (this.options.disabled) return undefined;
    const limit = group === 'api' ? (this.options.api ?? 512) : group === 'login' ? (this.options.login ?? 60) : (this.options.groups?.[group] ?? this.options.api ?? 512);
    return limit > 0 ? limit : undefined;
  }

  /** Counts one request for `key` in `group`; `undefined` when the group is not limited. */
  consume(group: string, key: string): RateLimitDecision | undefined {
    const limit = this.limitOf(group);
    if (limit === undefined) return undefined;
    const now = this.now();
    if (++this.consumedSinceSweep >= 1000) this.sweep(now);
    const id = `${group}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(id, window);
    }
    window.count += 1;
    const retryAfterSeconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    return { allowed: window.count <= limit, limit, remaining: Math.max(0, limit - window.count), retryAfterSeconds };
  }

  /** Forgets every counter (e.g. between tests). */
  reset(): void {
    this.windows.clear();
  }

  private sweep(now: number): void {
    this.consumedSinceSweep = 0;
    for (const [id, window] of this.windows) if (window.resetAt <= now) this.windows.delete(id);
  }
}

/** Token of the server's {@link RateLimiter} (provided by the identity plugin). */
export const rateLimiterToken = createToken<RateLimiter>('identity.rateLimiter');
