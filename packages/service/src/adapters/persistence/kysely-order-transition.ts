import type { Kysely, Selectable } from 'kysely';
import type { Order } from '../../domain/order.js';
import { assertTransition } from '../../domain/order-state-machine.js';
import type { TransitionRequest } from '../../domain/ports.js';
import type { CompiledQueryCache } from './compiled-query-cache.js';
import type { DatabaseSchema, OrdersTable } from './database-schema.js';
import { writeInOneTransaction } from './direct-sqlite.js';
import { compileEnqueueJobs } from './kysely-job-queue.js';
import { orderHistoryInsert } from './order-history-writer.js';
import { rowMapper, toMillis } from './row-mapper.js';

/**
 * One state change in one transaction of at most four statements: the conditional
 * `UPDATE … WHERE state IN (…) RETURNING *` (every from → to must be in the order table; a request
 * naming another is refused before anything is written), the history row, the notification that caused it
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
  for (const from of request.from) assertTransition(from, request.to);
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
  const insertHistory = orderHistoryInsert(
    db,
    {
      orderNo: request.orderNo,
      from: request.from,
      to: request.to,
      reason: request.reason,
      source: request.source,
      at: now,
    },
    queries,
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
