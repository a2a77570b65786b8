import { randomUUID } from 'node:crypto';
import type { CachedToken, ReleaseLock, TokenCache } from '@wechatpay-kit/sdk';
import type { Redis } from 'ioredis';

export interface RedisTokenCacheOptions {
  /** Prepended to every key, so several apps (or tests) can share one Redis. Default `wxpay:`. */
  prefix?: string;
  /** Clock (ms) the entries' `expiresAt` is measured with, to give keys a Redis expiry. */
  now?: () => number;
}

/** Keeps an expired entry a little longer: the providers judge freshness, Redis only tidies up. */
const GRACE_MS = 60_000;

/** Deletes the entry only while it still holds ARGV[1] (a token another instance replaced stays). */
const COMPARE_AND_DELETE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
if ARGV[1] ~= '' and cjson.decode(raw).value ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/** Releases a lock only for its owner: a lock that lapsed and was taken by someone else stays theirs. */
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The SDK's {@link TokenCache} in Redis (ioredis): instances on different databases, or many
 * instances on one, share the token through one key. Entries are JSON `{value, expiresAt}`; the lock
 * is `SET NX PX` with a random owner, released by a script that checks the owner.
 */
export class RedisTokenCache implements TokenCache {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #now: () => number;

  constructor(redis: Redis, options: RedisTokenCacheOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'wxpay:';
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<CachedToken | undefined> {
    const raw = await this.#redis.get(this.#prefix + key);
    if (raw === null) return undefined;
    const entry = JSON.parse(raw) as Partial<CachedToken>;
    if (typeof entry.value !== 'string' || typeof entry.expiresAt !== 'number') return undefined;
    return { value: entry.value, expiresAt: entry.expiresAt };
  }

  async set(key: string, token: CachedToken): Promise<void> {
    const ttl = Math.max(1, Math.ceil(token.expiresAt - this.#now()) + GRACE_MS);
    const entry = JSON.stringify({ value: token.value, expiresAt: token.expiresAt });
    await this.#redis.set(this.#prefix + key, entry, 'PX', ttl);
  }

  async delete(key: string, ifValue?: string): Promise<boolean> {
    const removed = await this.#redis.eval(COMPARE_AND_DELETE, 1, this.#prefix + key, ifValue ?? '');
    return Number(removed) > 0;
  }

  async lock(key: string, ttlMs: number): Promise<ReleaseLock | undefined> {
    const lockKey = `${this.#prefix}${key}:lock`;
    const owner = randomUUID();
    const taken = await this.#redis.set(lockKey, owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    if (taken !== 'OK') return undefined;
    return async () => {
      await this.#redis.eval(RELEASE_LOCK, 1, lockKey, owner);
    };
  }
}
