/** A credential with its absolute expiry. */
export interface CachedToken {
  value: string;
  /** Epoch milliseconds after which WeChat no longer accepts `value`. */
  expiresAt: number;
}

/** Gives a lock back; resolves once it is released. */
export type ReleaseLock = () => Promise<void>;

/**
 * Where access tokens and jsapi tickets live between calls. WeChat invalidates an app's previous
 * `access_token` whenever a new one is fetched, so every process of an app must read the same token:
 * this interface is the seam for a shared store (database row, Redis key) that several processes use.
 *
 * Contract for implementations:
 * - `get` may return an expired entry; providers judge freshness with their own clock.
 * - `delete(key, ifValue)` is a compare-and-delete: it removes the entry only while it still holds
 *   `ifValue`, so a process reporting a rejected token never deletes the newer one another process
 *   has just stored (in Redis: a small Lua script; in SQL: `DELETE … WHERE key = ? AND value = ?`).
 * - `lock` is optional and advisory: it lets one process refresh while the others wait for the
 *   result instead of each fetching (and, with `cgi-bin/token`, invalidating each other). It must
 *   expire by itself after `ttlMs` so a crashed holder cannot block refreshes.
 *
 * Entries are live credentials: store them with the care given to the app secret.
 */
export interface TokenCache {
  get(key: string): Promise<CachedToken | undefined>;
  set(key: string, token: CachedToken): Promise<void>;
  /** Removes `key` (only while it holds `ifValue`, when given); true when something was removed. */
  delete(key: string, ifValue?: string): Promise<boolean>;
  /** Tries to take the refresh lock of `key`; undefined when another holder has it. */
  lock?(key: string, ttlMs: number): Promise<ReleaseLock | undefined>;
}

export interface MemoryTokenCacheOptions {
  /** Clock (ms) for lock expiry, injectable for tests. */
  now?: () => number;
}

/**
 * The in-process {@link TokenCache}: right for a single process, and for several providers in one
 * process. Run more than one process per app and you need a shared implementation instead.
 */
export class MemoryTokenCache implements TokenCache {
  readonly #entries = new Map<string, CachedToken>();
  readonly #locks = new Map<string, { owner: symbol; until: number }>();
  readonly #now: () => number;

  constructor(options: MemoryTokenCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<CachedToken | undefined> {
    const entry = this.#entries.get(key);
    return entry && { ...entry };
  }

  async set(key: string, token: CachedToken): Promise<void> {
    this.#entries.set(key, { value: token.value, expiresAt: token.expiresAt });
  }

  async delete(key: string, ifValue?: string): Promise<boolean> {
    const entry = this.#entries.get(key);
    if (entry === undefined || (ifValue !== undefined && entry.value !== ifValue)) return false;
    return this.#entries.delete(key);
  }

  async lock(key: string, ttlMs: number): Promise<ReleaseLock | undefined> {
    const held = this.#locks.get(key);
    if (held !== undefined && held.until > this.#now()) return undefined;
    const owner = Symbol(key);
    this.#locks.set(key, { owner, until: this.#now() + ttlMs });
    return async () => {
      // A lock that expired and was taken by someone else is theirs now.
      if (this.#locks.get(key)?.owner === owner) this.#locks.delete(key);
    };
  }
}
