import { type Kysely, sql } from 'kysely';
import type { BucketQuery, BucketTotals, OrderStatistics } from '../../domain/admin-ports.js';
import type { DatabaseSchema } from './database-schema.js';
import { toMillis } from './row-mapper.js';

/** The measures, each a table and the epoch-ms column that places a row in its bucket. */
type Measure =
  | { table: 'orders'; column: 'paid_at' | 'created_at'; sum: 'amount_fen' }
  /** Only a refund that succeeded has `succeeded_at`. */
  | { table: 'refunds'; column: 'succeeded_at'; sum: 'amount_fen' }
  | { table: 'bill_entries'; column: 'at'; sum: 'fee_fen' };

/**
 * Dashboard totals computed by the database, one GROUP BY per measure over the epoch-ms columns:
 * integer division of `(ms + offset)` by the bucket length numbers the buckets identically on
 * SQLite and PostgreSQL, whatever either server's time zone.
 */
export class KyselyOrderStatistics implements OrderStatistics {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async totalsPerBucket(query: BucketQuery): Promise<BucketTotals[]> {
    const [paid, created, refunded, fees] = await Promise.all([
      this.#count(query, { table: 'orders', column: 'paid_at', sum: 'amount_fen' }),
      this.#count(query, { table: 'orders', column: 'created_at', sum: 'amount_fen' }),
      this.#count(query, { table: 'refunds', column: 'succeeded_at', sum: 'amount_fen' }),
      this.#count(query, { table: 'bill_entries', column: 'at', sum: 'fee_fen' }),
    ]);
    const buckets = new Map<number, BucketTotals>();
    const at = (index: number) => {
      const start = index * query.bucketMs - query.offsetMs;
      let bucket = buckets.get(start);
      if (!bucket) {
        bucket = {
          start,
          paidAmountFen: 0,
          paidOrders: 0,
          createdOrders: 0,
          refunds: 0,
          refundedAmountFen: 0,
          feeFen: 0,
        };
        buckets.set(start, bucket);
      }
      return bucket;
    };
    for (const row of paid) {
      const bucket = at(Number(row.bucket));
      bucket.paidOrders = Number(row.orders);
      bucket.paidAmountFen = Number(row.amount ?? 0);
    }
    for (const row of created) at(Number(row.bucket)).createdOrders = Number(row.orders);
    for (const row of refunded) {
      const bucket = at(Number(row.bucket));
      bucket.refunds = Number(row.orders);
      bucket.refundedAmountFen = Number(row.amount ?? 0);
    }
    for (const row of fees) at(Number(row.bucket)).feeFen = Number(row.amount ?? 0);
    return [...buckets.values()].sort((a, b) => a.start - b.start);
  }

  #count(query: BucketQuery, measure: Measure) {
    const { column } = measure;
    // One query shape over three tables: Kysely cannot type a table chosen at run time.
    const db = this.#db as unknown as Kysely<Record<string, Record<string, number | null>>>;
    return db
      .selectFrom(measure.table)
      .select((eb) => [
        // Literals, not parameters: SQLite would bind a JS number as REAL and divide without truncating.
        sql<
          number | string
        >`(${sql.ref(column)} + ${sql.lit(integer(query.offsetMs))}) / ${sql.lit(integer(query.bucketMs))}`.as(
          'bucket',
        ),
        eb.fn.countAll<number | string>().as('orders'),
        eb.fn.sum<number | string | null>(measure.sum).as('amount'),
      ])
      .where(column, '>=', toMillis(query.from))
      .where(column, '<', toMillis(query.to))
      .groupBy(sql.ref('bucket'))
      .execute();
  }
}

function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError('bucket sizes are whole milliseconds');
  return value;
}
