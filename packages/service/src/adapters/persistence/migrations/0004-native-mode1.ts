import type { Kysely } from 'kysely';

/**
 * Native mode 1: an order remembers the scan callback that created it. The unique index is what makes
 * a replayed callback (same openid, product and nonce) unable to create a second order, even when two
 * copies race; NULLs (every other order) do not collide in either engine.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('mode1_callback_key', 'text').execute();
  await db.schema
    .createIndex('orders_mode1_callback_key')
    .on('orders')
    .column('mode1_callback_key')
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_mode1_callback_key').execute();
  await db.schema.alterTable('orders').dropColumn('mode1_callback_key').execute();
}
