import type { Kysely } from 'kysely';

/**
 * Shared WeChat credentials (access_token, jsapi_ticket): one row per cache key, read by every
 * instance. The lock columns let one instance refresh while the others wait; a lock lapses by itself
 * at `lock_until`, so a crashed holder never blocks refreshing for long.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('platform_tokens')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('lock_owner', 'text')
    .addColumn('lock_until', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('platform_tokens').execute();
}
