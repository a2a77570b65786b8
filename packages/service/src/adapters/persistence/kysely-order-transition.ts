import { type Kysely, type Selectable, sql } from 'kysely';
import type { Order, OrderState } from '../../domain/order.js';
import type { TransitionRequest } from '../../domain/ports.js';
import type { CompiledQueryCache } from './compiled-query-cache.js';
import type { DatabaseSchema, OrdersTable } from './database-schema.js';
import { directSqliteOf } from './direct-sqlite.js';
import { rowMapper, toMillis } from './row-mapper.js';

/**
 * One state change in one transaction of at most three statements: the conditional
 * `UPDATE … WHERE state IN (…) RETURNING *`, the history row, and the notification that caused it
 * when there is one. Of two racing writers exactly one sees its UPDATE change the row; the other
 * writes nothing. Each statement shape is compiled once ({@link CompiledQueryCache}), and on SQLite
 * the transaction runs directly on the connection when it can ({@link DirectSqlite}): payment
 * notifications run this for every order.
 */
export async function runTransition(
  db: Kysely<DatabaseSchema>,
  queries: CompiledQueryCache,
  request: TransitionRequest,
  now: Date,
): Promise<Order | undefined> {
  if (request.from.length === 0) return undefined;
  const set = {
    ...rowMapper.fromTransitionChanges(request.changes),
    state: request.to,
    updated_at: toMillis(now),
  };
  const update = queries.query(
    `transition:${Object.keys(set).join()}:${request.from.length}`,
    [...Object.values(set), request.orderNo, ...request.from],
    () =>
      db
        .updateTable('orders')
        .set(set)
        .where('order_no', '=', request.orderNo)
        .where('state', 'in', [...request.from])
        .returningAll(),
  );
  const history = {
    order_no: request.orderNo,
    // With several possible origins the UPDATE cannot tell which one it left: the latest history
    // row can, read by a sub-select in the same statement rather than a round trip of its own.
    from_state: request.from.length === 1 ? request.from[0]! : null,
    to_state: request.to,
    reason: request.reason,
    source: request.source,
    at: toMillis(now),
  };
  const fromLatest = request.from.length > 1;
  const insertHistory = queries.query(
    `history:${fromLatest}`,
    fromLatest
      ? [history.order_no, request.orderNo, ...Object.values(history).slice(2)]
      : Object.values(history),
    () =>
      db.insertInto('order_history').values({
        ...history,
        from_state: fromLatest ? latestState(request.orderNo) : history.from_state,
      }),
  );
  const notification = request.notification && rowMapper.fromNotification(request.notification);
  const insertNotification =
    notification &&
    queries.query('notification', Object.values(notification), () =>
      db.insertInto('notifications_received').values(notification),
    );

  // SQLite with no transaction open: the three statements run synchronously, without Kysely.
  const direct = directSqliteOf(db)?.transaction((run) => {
    const row = run(update)[0] as Selectable<OrdersTable> | undefined;
    if (!row) return undefined;
    run(insertHistory);
    if (insertNotification) run(insertNotification);
    return row;
  });
  if (direct) return direct.value && rowMapper.toOrder(direct.value);

  return db.transaction().execute(async (trx) => {
    const row = (await trx.executeQuery(update)).rows[0];
    if (!row) return undefined;
    await trx.executeQuery(insertHistory);
    if (insertNotification) await trx.executeQuery(insertNotification);
    return rowMapper.toOrder(row);
  });
}

function latestState(orderNo: string) {
  return sql<OrderState | null>`(select to_state from order_history where order_no = ${orderNo} order by id desc limit 1)`;
}
