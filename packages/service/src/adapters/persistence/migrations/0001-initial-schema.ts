import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

/** The first schema: products, orders and their history, received notifications, durable jobs. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // An auto-incrementing key, so history and notifications keep their insertion order.
  const serialType = postgres ? 'bigserial' : 'integer';
  const serial = (col: ColumnDefinitionBuilder) =>
    postgres ? col.primaryKey() : col.primaryKey().autoIncrement();

  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('price_fen', 'bigint', (c) => c.notNull().check(sql`price_fen >= 0`))
    .addColumn('stock', 'integer')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('order_no', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('pay_type', 'text', (c) => c.notNull())
    .addColumn('api_version', 'text', (c) => c.notNull())
    .addColumn('openid', 'text')
    .addColumn('client_ip', 'text', (c) => c.notNull())
    .addColumn('code_url', 'text')
    .addColumn('prepay_id', 'text')
    .addColumn('h5_url', 'text')
    .addColumn('transaction_id', 'text', (c) => c.unique())
    .addColumn('wechat_error_code', 'text')
    .addColumn('wechat_error_message', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('fulfilled_at', 'bigint')
    .addColumn('refunded_fen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('orders_state_created_at')
    .on('orders')
    .columns(['state', 'created_at'])
    .execute();

  await db.schema
    .createTable('order_history')
    .addColumn('id', serialType, serial)
    .addColumn('order_no', 'text', (c) => c.notNull().references('orders.order_no'))
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_history_order_no').on('order_history').column('order_no').execute();

  await db.schema
    .createTable('notifications_received')
    .addColumn('id', serialType, serial)
    .addColumn('api_version', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('order_no', 'text')
    .addColumn('raw_body', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('verified', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notifications_received_order_no')
    .on('notifications_received')
    .column('order_no')
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', serialType, serial)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('locked_by', 'text')
    .addColumn('done_at', 'bigint')
    .addColumn('failed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  // One pending job per (type, key): enqueueing again for the same order is a no-op.
  await db.schema
    .createIndex('jobs_type_key_pending')
    .on('jobs')
    .columns(['type', 'key'])
    .unique()
    .where(sql.ref('done_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('jobs_due')
    .on('jobs')
    .column('run_at')
    .where(sql.ref('done_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['jobs', 'notifications_received', 'order_history', 'orders', 'products']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
