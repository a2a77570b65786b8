import { type Kysely, sql } from 'kysely';
import { serialId } from './serial-id.js';

/**
 * Refunds: the refunds table (the refund number is WeChat's `out_refund_no`, unique), their history,
 * and the money an order has promised back (`refund_reserved_fen`), which every reservation checks
 * and raises in one conditional UPDATE so concurrent refunds can never exceed what was paid.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = serialId(db);

  await db.schema
    .alterTable('orders')
    .addColumn('refund_reserved_fen', 'bigint', (c) =>
      c.notNull().defaultTo(0).check(sql`refund_reserved_fen >= 0`),
    )
    .execute();

  await db.schema
    .createTable('refunds')
    .addColumn('refund_no', 'text', (c) => c.primaryKey())
    .addColumn('order_no', 'text', (c) => c.notNull().references('orders.order_no'))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('api_version', 'text', (c) => c.notNull())
    .addColumn('wechat_refund_id', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('succeeded_at', 'bigint')
    .execute();
  await db.schema.createIndex('refunds_order_no').on('refunds').column('order_no').execute();
  await db.schema
    .createIndex('refunds_state_created_at')
    .on('refunds')
    .columns(['state', 'created_at'])
    .execute();

  await db.schema
    .createTable('refund_history')
    .addColumn('id', id.type, id.build)
    .addColumn('refund_no', 'text', (c) => c.notNull().references('refunds.refund_no'))
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refund_history_refund_no').on('refund_history').column('refund_no').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refund_history').ifExists().execute();
  await db.schema.dropTable('refunds').ifExists().execute();
  await db.schema.alterTable('orders').dropColumn('refund_reserved_fen').execute();
}
