import { type Kysely, type Selectable, sql } from 'kysely';
import type { Order, OrderState } from '../../domain/order.js';
import type { TransitionRequest } from '../../domain/ports.js';
import type { CompiledQueryCache } from './compiled-query-cache.js';
import type { DatabaseSchema, OrdersTable } from './database-schema.js';
import { writeInOneTransaction } from './direct-sqlite.js';
import { compileEnqueueJobs } from './kysely-job-queue.js';
import { rowMapper, toMillis } from './row-mapper.js';

/**
 * One state change in one transaction of at most four statements: the conditional
 * `UPDATE … WHERE state IN (…) RETURNING *`, the history row, the notification that caused it
 * when there is one, and the jobs the change promises (the delivery of a paid order). Of two racing writers exactly one sees its UPDATE change the row; the other
 * writes nothing. Each statement shape is compiled once ({@link CompiledQueryCache}), and on SQLite
 * the transaction runs directly on the connection, group-committed ({@link DirectSqlite}): payment
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
  const { amountFen } = request;
  const update = queries.query(
    `transition:${Object.keys(set).join()}:${request.from.length}:${amountFen !== undefined}`,
    [
      ...Object.values(set),
      request.orderNo,
      ...request.from,
      ...(amountFen !== undefined ? [amountFen] : []),
    ],
    () =>
      db
        .updateTable('orders')
        .set(set)
        .where('order_no', '=', request.orderNo)
        .where('state', 'in', [...request.from])
        .$if(amountFen !== undefined, (q) => q.where('amount_fen', '=', amountFen!))
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

  const followers = insertNotification ? [insertHistory, insertNotification] : [insertHistory];
  const insertJobs = request.jobs && compileEnqueueJobs(db, request.jobs, now, queries);
  if (insertJobs) followers.push(insertJobs);
  const row = await writeInOneTransaction<Selectable<OrdersTable>>(db, update, followers);
  return row && rowMapper.toOrder(row);
}

function latestState(orderNo: string) {
  return sql<OrderState | null>`(select to_state from order_history where order_no = ${orderNo} order by id desc limit 1)`;
}
