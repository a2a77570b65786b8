import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { OrderState } from '../../domain/order.js';
import type { CompiledQueryCache } from './compiled-query-cache.js';
import type { DatabaseSchema } from './database-schema.js';
import { rowMapper } from './row-mapper.js';

/** One order transition as its history row records it. */
export interface OrderHistoryRecord {
  orderNo: string;
  /**
   * The states the order may have left: none when it was just created, one when the writer knows,
   * several when a conditional UPDATE could have left any of them.
   */
  from: readonly OrderState[];
  to: OrderState;
  reason: string;
  source: string;
  at: Date;
}

/**
 * The one writer of `order_history`: every transition (creation, payment, close, the moves that
 * follow refunds, and the ABNORMAL note that changes no state) gets its row here, so every row has
 * the same shape and the from-state rule is written once. The INSERT is returned compiled, to run
 * in the transaction of the change it records; with a cache the hot paths compile it once per shape.
 *
 * With several possible origins the UPDATE cannot tell which one it left: the latest history row
 * can, read by a sub-select in the same statement rather than a round trip of its own.
 */
export function orderHistoryInsert(
  db: Kysely<DatabaseSchema>,
  record: OrderHistoryRecord,
  queries?: CompiledQueryCache,
): CompiledQuery {
  const fromLatest = record.from.length > 1;
  const row = rowMapper.fromHistoryEntry({
    orderNo: record.orderNo,
    fromState: record.from[0] ?? null,
    toState: record.to,
    reason: record.reason,
    source: record.source,
    at: record.at,
  });
  const build = () =>
    db.insertInto('order_history').values({
      ...row,
      from_state: fromLatest ? latestState(record.orderNo) : row.from_state,
    });
  if (!queries) return build().compile();
  const values = Object.values(row);
  const parameters = fromLatest ? [record.orderNo, record.orderNo, ...values.slice(2)] : values;
  return queries.query(`order-history:${fromLatest}`, parameters, build);
}

function latestState(orderNo: string) {
  return sql<OrderState | null>`(select to_state from order_history where order_no = ${orderNo} order by id desc limit 1)`;
}
