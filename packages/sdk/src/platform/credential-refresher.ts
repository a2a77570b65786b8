import { WechatPayConfigError } from '../errors.js';
import type { CachedToken, TokenCache } from './token-cache.js';

export interface CredentialRefresherOptions {
  cache: TokenCache;
  key: string;
  /**
   * Fetches a new credential. `rejected` is the value WeChat just refused, if any: the fetcher may
   * need a stronger refresh when the ordinary one hands the same value back.
   */
  fetch: (rejected: string | undefined) => Promise<CachedToken>;
  /** Refresh this long before expiry, so no caller is handed a credential about to lapse. */
  refreshMarginMs: number;
  now: () => number;
  /** How long a refresh lock may be held before it lapses, default 15 s. */
  lockTtlMs?: number;
  /** How long to wait for another process's refresh before fetching anyway, default 5 s. */
  lockWaitMs?: number;
  /** How often to look at the cache meanwhile, default 100 ms. */
  pollIntervalMs?: number;
}

/**
 * The refresh discipline shared by access tokens and jsapi tickets. Both are rate-limited and an
 * `access_token` fetch invalidates the previous one, so refreshing must be rare and coordinated:
 * concurrent callers in a process share one fetch, processes share the cache and its optional lock,
 * and a credential is renewed `refreshMarginMs` before it expires rather than after it fails.
 */
export class CredentialRefresher {
  readonly key: string;
  readonly #opts: Required<CredentialRefresherOptions>;
  #inflight: Promise<string> | undefined;

  constructor(options: CredentialRefresherOptions) {
    for (const name of ['refreshMarginMs', 'lockTtlMs', 'lockWaitMs', 'pollIntervalMs'] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
        throw new WechatPayConfigError(`${name} must be a non-negative number`);
      }
    }
    this.key = options.key;
    this.#opts = {
      ...options,
      lockTtlMs: options.lockTtlMs ?? 15_000,
      lockWaitMs: options.lockWaitMs ?? 5_000,
      pollIntervalMs: options.pollIntervalMs ?? 100,
    };
  }

  /** A usable credential: the cached one unless it is near expiry or is `rejected`. */
  async get(rejected?: string): Promise<string> {
    const cached = await this.#opts.cache.get(this.key);
    if (this.#usable(cached, rejected)) return cached.value;
    const value = await this.#shared(rejected);
    // An in-flight refresh that began before the rejection may have returned the rejected value.
    return value === rejected ? this.#shared(rejected) : value;
  }

  /** Drops `value` from the cache unless another caller has already replaced it. */
  invalidate(value: string): Promise<boolean> {
    return this.#opts.cache.delete(this.key, value);
  }

  #usable(entry: CachedToken | undefined, rejected: string | undefined): entry is CachedToken {
    return (
      entry !== undefined &&
      entry.value !== rejected &&
      entry.expiresAt - this.#opts.refreshMarginMs > this.#opts.now()
    );
  }

  #shared(rejected: string | undefined): Promise<string> {
    this.#inflight ??= this.#refresh(rejected).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #refresh(rejected: string | undefined): Promise<string> {
    const { cache, lockTtlMs } = this.#opts;
    const release = cache.lock ? await cache.lock(this.key, lockTtlMs) : undefined;
    try {
      if (cache.lock) {
        // Either someone else holds the lock, or we hold it right after they released it: both
        // mean a fresh value may already be in the cache.
        const shared = release ? await cache.get(this.key) : await this.#waitForOther(rejected);
        if (this.#usable(shared, rejected)) return shared.value;
      }
      const fresh = await this.#opts.fetch(rejected);
      await cache.set(this.key, fresh);
      return fresh.value;
    } finally {
      await release?.();
    }
  }

  async #waitForOther(rejected: string | undefined): Promise<CachedToken | undefined> {
    const { cache, lockWaitMs, pollIntervalMs } = this.#opts;
    const polls = Math.max(1, Math.ceil(lockWaitMs / Math.max(1, pollIntervalMs)));
    for (let i = 0; i < polls; i++) {
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      const entry = await cache.get(this.key);
      if (this.#usable(entry, rejected)) return entry;
    }
    return undefined;
  }
}
