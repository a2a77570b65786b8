import { type Kysely, sql } from 'kysely';

/**
 * Orders from the merchant's own systems (merchant API keys). An order remembers the key's name and
 * the merchant's reference; `idempotency_keys` holds one row per live `Idempotency-Key` of an API
 * key, and its primary key is what lets only one of two racing requests create the order. An order
 * with its own amount refers to a product row that is never sold, because `orders.product_id` must
 * name one and SQLite cannot relax that column without rebuilding the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('merchant_reference', 'text').execute();
  await db.schema.alterTable('orders').addColumn('api_client', 'text').execute();
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('order_no', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires_at')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
  await sql`
    insert into products (id, name, description, price_fen, stock, active)
    values ('@custom-amount', '商户自定金额 merchant’s own amount', '', 0, null, 0)
    on conflict (id) do nothing`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.alterTable('orders').dropColumn('api_client').execute();
  await db.schema.alterTable('orders').dropColumn('merchant_reference').execute();
}
