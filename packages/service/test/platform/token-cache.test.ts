import { randomBytes } from 'node:crypto';
import { MemoryTokenCache, type TokenCache } from '@wechatpay-kit/sdk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyTokenCache, RedisTokenCache } from '../../src/adapters/platform/index.js';
import { REDIS_URL, redisSkipReason } from '../http/demo-harness.js';
import { ENGINES, type TestDatabase } from '../persistence/test-databases.js';

/** Two handles on one store (two connections, as two service instances have), and a lock clock. */
interface CachePair {
  a: TokenCache;
  b: TokenCache;
  /** Moves the lock clock past a lock's lifetime; false when the store keeps real time itself. */
  lapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Each store: its name, how to open two handles on it, and why it is skipped (`undefined`: it runs). */
const stores: [string, () => Promise<CachePair>, string | undefined][] = [
  [
    'memory (one process)',
    async () => {
      let now = 1_000;
      const cache = new MemoryTokenCache({ now: () => now });
      return {
        a: cache,
        b: cache,
        lapse: async (ms) => {
          now += ms;
        },
        close: async () => {},
      };
    },
    undefined,
  ],
  ...ENGINES.map(
    (engine) =>
      [
        `database (${engine.name})`,
        async () => {
          const database: TestDatabase = await engine.open();
          const other = await database.openAgain();
          let now = 1_000;
          return {
            a: new KyselyTokenCache(database.db, { now: () => now }),
            b: new KyselyTokenCache(other.db, { now: () => now }),
            lapse: async (ms) => {
              now += ms;
            },
            close: () => database.destroy(),
          };
        },
        engine.skipReason,
      ] as [string, () => Promise<CachePair>, string | undefined],
  ),
  [
    'redis',
    async () => {
      const prefix = `test:${randomBytes(6).toString('hex')}:`;
      const [ra, rb] = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
      return {
        a: new RedisTokenCache(ra, { prefix }),
        b: new RedisTokenCache(rb, { prefix }),
        // Redis expires the lock key in real time: wait for it (bounded), never assume.
        lapse: async (ms) => {
          const deadline = Date.now() + 5_000;
          while ((await ra.exists(`${prefix}k:lock`)) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, Math.min(ms, 20)));
          }
        },
        close: async () => {
          const keys = await ra.keys(`${prefix}*`);
          if (keys.length) await ra.del(...keys);
          await Promise.all([ra.quit(), rb.quit()]);
        },
      };
    },
    await redisSkipReason(),
  ],
];

describe.each(stores)('token cache contract: %s', (_name, open, skipReason) => {
  if (skipReason) {
    it.skip(`skipped: ${skipReason}`, () => {});
    return;
  }
  /** Real expiry times: Redis drops keys whose time has passed. */
  const later = Date.now() + 7_200_000;
  let pair: CachePair;
  beforeAll(async () => {
    pair = await open();
  });
  afterAll(async () => pair?.close());

  it('shares entries between handles; compare-and-delete leaves a newer token alone', async () => {
    expect(await pair.a.get('k')).toBeUndefined();
    await pair.a.set('k', { value: 'T1', expiresAt: later + 1 });
    expect(await pair.b.get('k')).toEqual({ value: 'T1', expiresAt: later + 1 });

    await pair.b.set('k', { value: 'T2', expiresAt: later + 2 });
    expect(await pair.a.delete('k', 'T1')).toBe(false);
    expect(await pair.a.get('k')).toEqual({ value: 'T2', expiresAt: later + 2 });
    expect(await pair.a.delete('k', 'T2')).toBe(true);
    expect(await pair.b.get('k')).toBeUndefined();
    expect(await pair.b.delete('k')).toBe(false);
  });

  it('the refresh lock is exclusive, released only by its owner, and lapses by itself', async () => {
    const release = await pair.a.lock!('k', 200);
    expect(release).toBeTypeOf('function');
    expect(await pair.b.lock!('k', 200)).toBeUndefined();
    expect(await pair.a.lock!('k', 200)).toBeUndefined();
    await release!();
    const second = await pair.b.lock!('k', 200);
    expect(second).toBeTypeOf('function');

    // A holder that crashed: its lock lapses, someone else takes it, and a late release changes nothing.
    await pair.lapse(250);
    const third = await pair.a.lock!('k', 60_000);
    expect(third).toBeTypeOf('function');
    await second!();
    expect(await pair.b.lock!('k', 60_000)).toBeUndefined();
    await third!();
    // The lock never touched the entry itself.
    await pair.a.set('k', { value: 'T3', expiresAt: later + 3 });
    const fourth = await pair.b.lock!('k', 1_000);
    expect(await pair.a.get('k')).toEqual({ value: 'T3', expiresAt: later + 3 });
    await fourth!();
  });
});
