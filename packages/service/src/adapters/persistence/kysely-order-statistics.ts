import { type Kysely, sql } from 'kysely';
import type { BucketQuery, BucketTotals, OrderStatistics } from '../../domain/admin-ports.js';
import type { DatabaseSchema } from './database-schema.js';
import { toMillis } from './row-mapper.js';

type TimeColumn = 'paid_at' | 'created_at';

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
    const [paid, created] = await Promise.all([
      this.#count(query, 'paid_at'),
      this.#count(query, 'created_at'),
    ]);
    const buckets = new Map<number, BucketTotals>();
    const at = (index: number) => {
      const start = index * query.bucketMs - query.offsetMs;
      let bucket = buckets.get(start);
      if (!bucket) {
        bucket = { start, paidAmountFen: 0, paidOrders: 0, createdOrders: 0 };
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
    return [...buckets.values()].sort((a, b) => a.start - b.start);
  }

  #count(query: BucketQuery, column: TimeColumn) {
    return this.#db
      .selectFrom('orders')
      .select((eb) => [
        // Literals, not parameters: SQLite would bind a JS number as REAL and divide without truncating.
        sql<
          number | string
        >`(${sql.ref(column)} + ${sql.lit(integer(query.offsetMs))}) / ${sql.lit(integer(query.bucketMs))}`.as(
          'bucket',
        ),
        eb.fn.countAll<number | string>().as('orders'),
        eb.fn.sum<number | string | null>('amount_fen').as('amount'),
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
