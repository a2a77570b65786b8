import type { Kysely } from 'kysely';
import { serialId } from './serial-id.js';

/**
 * Daily reconciliation: one row per China day (status and both sides' totals), the day's bill
 * lines as WeChat listed them (amounts in fen), and the differences found, with how each ended.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = serialId(db);
  await db.schema
    .createTable('reconciliations')
    .addColumn('date', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('api_version', 'text')
    .addColumn('bill_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bill_hash', 'text')
    .addColumn('wechat', 'text')
    .addColumn('local', 'text')
    .addColumn('fund_flow', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createTable('bill_entries')
    .addColumn('id', id.type, id.build)
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('order_no', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('refund_no', 'text')
    .addColumn('wechat_refund_id', 'text')
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('settlement_fen', 'bigint', (c) => c.notNull())
    .addColumn('fee_fen', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bill_entries_date_kind')
    .on('bill_entries')
    .columns(['date', 'kind', 'id'])
    .execute();
  await db.schema
    .createIndex('bill_entries_order_no')
    .on('bill_entries')
    .columns(['order_no', 'kind'])
    .execute();
  await db.schema.createIndex('bill_entries_refund_no').on('bill_entries').column('refund_no').execute();
  await db.schema.createIndex('bill_entries_at').on('bill_entries').column('at').execute();
  await db.schema
    .createTable('reconciliation_discrepancies')
    .addColumn('id', id.type, id.build)
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('order_no', 'text', (c) => c.notNull())
    .addColumn('refund_no', 'text')
    .addColumn('wechat_fen', 'bigint')
    .addColumn('local_fen', 'bigint')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('reconciliation_discrepancies_date')
    .on('reconciliation_discrepancies')
    .columns(['date', 'resolution'])
    .execute();
  await db.schema.createIndex('refunds_created_at').on('refunds').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('refunds_created_at').execute();
  await db.schema.dropTable('reconciliation_discrepancies').execute();
  await db.schema.dropTable('bill_entries').execute();
  await db.schema.dropTable('reconciliations').execute();
}
