import type { Kysely } from 'kysely';

/**
 * Who paid, as WeChat reported it (a notification's or a query's payer openid). A Native, H5 or APP
 * order has no openid when it is created, so without this the admin could not find it by payer.
 * Not indexed: every payment would pay for the index, and the admin search, an OR with the order
 * number prefix test, scans the orders table anyway.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('payer_openid', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('payer_openid').execute();
}
