import type { Kysely } from 'kysely';

/**
 * Indexes for the admin console: search by payer openid (transaction_id is already unique, hence
 * indexed), the date filters and the dashboard's per-bucket totals over created_at and paid_at.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('orders_openid').on('orders').column('openid').execute();
  await db.schema.createIndex('orders_created_at').on('orders').column('created_at').execute();
  await db.schema.createIndex('orders_paid_at').on('orders').column('paid_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['orders_paid_at', 'orders_created_at', 'orders_openid']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
}
