import type { RateLimit } from '../config/abuse-limits-config.js';

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Counts events per client (an IP address) in fixed windows, in this process only: several
 * instances each apply the limit, so behind a load balancer a client gets up to N × `max`.
 * Memory is bounded: at most `maxClients` windows are kept, and when full the oldest window is
 * dropped first — expired ones are dropped before any live one.
 */
export class ClientRateLimiter {
  readonly #limit: RateLimit;
  readonly #maxClients: number;
  readonly #now: () => number;
  // Insertion order is the order windows started (a window is re-inserted when it restarts), so
  // the first entries are always the ones to expire first.
  readonly #windows = new Map<string, Window>();

  constructor(limit: RateLimit, options: { maxClients?: number; now?: () => number } = {}) {
    this.#limit = limit;
    this.#maxClients = Math.max(1, options.maxClients ?? 10_000);
    this.#now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.#limit.max > 0;
  }

  /** Clients currently tracked (for tests and metrics). */
  get size(): number {
    return this.#windows.size;
  }

  /**
   * Counts one event for `client`. Answers the seconds to wait (for `Retry-After`) when this event
   * is over the limit, else `undefined`.
   */
  hit(client: string): number | undefined {
    if (!this.enabled) return undefined;
    const now = this.#now();
    let window = this.#windows.get(client);
    if (!window || window.resetAt <= now) {
      if (window) this.#windows.delete(client);
      else this.#makeRoom(now);
      window = { count: 0, resetAt: now + this.#limit.windowMs };
      this.#windows.set(client, window);
    }
    window.count += 1;
    return window.count > this.#limit.max ? secondsUntil(window.resetAt, now) : undefined;
  }

  /** The seconds to wait when `client` has used up its window, without counting anything. */
  retryAfter(client: string): number | undefined {
    if (!this.enabled) return undefined;
    const window = this.#windows.get(client);
    const now = this.#now();
    if (!window || window.resetAt <= now || window.count < this.#limit.max) return undefined;
    return secondsUntil(window.resetAt, now);
  }

  #makeRoom(now: number): void {
    for (const [client, window] of this.#windows) {
      if (window.resetAt > now && this.#windows.size < this.#maxClients) return;
      this.#windows.delete(client);
    }
  }
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
