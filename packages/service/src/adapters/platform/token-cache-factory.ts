import { MemoryTokenCache, type TokenCache } from '@wechatpay-kit/sdk';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../persistence/database-schema.js';
import { KyselyTokenCache } from './kysely-token-cache.js';
import { RedisTokenCache } from './redis-token-cache.js';

export type TokenCacheKind = 'database' | 'redis' | 'memory';

export interface TokenCacheChoice {
  kind: TokenCacheKind;
  redisUrl?: string;
  /** Redis key prefix, default `wxpay:`. */
  redisPrefix?: string;
  db: Kysely<DatabaseSchema>;
  /** Clock of the entries' expiry (the simulator's in the demo). */
  now?: () => number;
}

/** A token cache and how to let go of what it holds (a Redis connection). */
export interface OpenTokenCache {
  cache: TokenCache;
  close(): Promise<void>;
}

/**
 * Builds the cache `TOKEN_CACHE` names. `database` and `redis` are shared by every instance (the
 * point: WeChat keeps one live token per app); `memory` suits a single instance only.
 */
export function openTokenCache(choice: TokenCacheChoice): OpenTokenCache {
  switch (choice.kind) {
    case 'memory':
      return { cache: new MemoryTokenCache(), close: async () => {} };
    case 'database':
      return { cache: new KyselyTokenCache(choice.db), close: async () => {} };
    case 'redis': {
      if (!choice.redisUrl) throw new Error('TOKEN_CACHE=redis needs REDIS_URL');
      const redis = new Redis(choice.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
      // ioredis reconnects by itself; an unhandled 'error' event would crash the process instead.
      redis.on('error', () => {});
      return {
        cache: new RedisTokenCache(redis, { prefix: choice.redisPrefix, now: choice.now }),
        close: async () => {
          await redis.quit().catch(() => redis.disconnect());
        },
      };
    }
  }
}
