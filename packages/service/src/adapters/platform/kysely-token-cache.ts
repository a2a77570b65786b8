import { randomUUID } from 'node:crypto';
import type { CachedToken, ReleaseLock, TokenCache } from '@wechatpay-kit/sdk';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../persistence/database-schema.js';

export interface KyselyTokenCacheOptions {
  /** Lock expiry clock (ms); real time by default, since locks guard real HTTP calls. */
  now?: () => number;
}

/**
 * The SDK's {@link TokenCache} in the service database (`platform_tokens`), so every instance on the
 * same SQLite file or PostgreSQL database shares one access_token and one jsapi_ticket. Each write is
 * a single conditional statement, which makes compare-and-delete and the lock atomic on both engines
 * without transactions or `SELECT … FOR UPDATE`.
 */
export class KyselyTokenCache implements TokenCache {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #now: () => number;

  constructor(db: Kysely<DatabaseSchema>, options: KyselyTokenCacheOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<CachedToken | undefined> {
    const row = await this.#db
      .selectFrom('platform_tokens')
      .select(['value', 'expires_at'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row || row.value === null || row.expires_at === null) return undefined;
    return { value: row.value, expiresAt: Number(row.expires_at) };
  }

  async set(key: string, token: CachedToken): Promise<void> {
    await this.#db
      .insertInto('platform_tokens')
      .values({ key, value: token.value, expires_at: token.expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: token.value, expires_at: token.expiresAt }))
      .execute();
  }

  async delete(key: string, ifValue?: string): Promise<boolean> {
    let update = this.#db
      .updateTable('platform_tokens')
      .set({ value: null, expires_at: null })
      .where('key', '=', key)
      .where('value', 'is not', null);
    if (ifValue !== undefined) update = update.where('value', '=', ifValue);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** An upsert that only takes a free or lapsed lock: the row count says whether it was ours. */
  async lock(key: string, ttlMs: number): Promise<ReleaseLock | undefined> {
    const owner = randomUUID();
    const now = this.#now();
    const until = now + ttlMs;
    const result = await this.#db
      .insertInto('platform_tokens')
      .values({ key, lock_owner: owner, lock_until: until })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ lock_owner: owner, lock_until: until })
          .where((eb) =>
            eb.or([
              eb('platform_tokens.lock_until', 'is', null),
              eb('platform_tokens.lock_until', '<=', now),
            ]),
          ),
      )
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return undefined;
    return async () => {
      await this.#db
        .updateTable('platform_tokens')
        .set({ lock_owner: null, lock_until: null })
        .where('key', '=', key)
        .where('lock_owner', '=', owner)
        .execute();
    };
  }
}
