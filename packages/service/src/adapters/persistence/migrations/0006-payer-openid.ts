import type { Kysely } from 'kysely';

/**
 * Who paid, as WeChat reported it (a notification's or a query's payer openid). A Native, H5 or APP
 * order has no openid when it is created, so without this the admin could not find it by payer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('payer_openid', 'text').execute();
  await db.schema.createIndex('orders_payer_openid').on('orders').column('payer_openid').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_payer_openid').ifExists().execute();
  await db.schema.alterTable('orders').dropColumn('payer_openid').execute();
}
