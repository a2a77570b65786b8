import { type Selectable, sql, type Transaction } from 'kysely';
import type { OrderState } from '../../domain/order.js';
import { canTransition } from '../../domain/order-state-machine.js';
import type { Refund } from '../../domain/refund.js';
import type { RefundReservation } from '../../domain/refund-ports.js';
import { REFUNDABLE_ORDER_STATES, RELEASED_REFUND_STATES } from '../../domain/refund-state-machine.js';
import type { DatabaseSchema, OrdersTable } from './database-schema.js';
import { orderHistoryInsert } from './order-history-writer.js';
import { toMillis } from './row-mapper.js';

/**
 * The order row's side of refunds, run inside the refund repository's transactions: why a
 * reservation was refused, the money a refund outcome settles, and the order's move that follows.
 */

type Trx = Transaction<DatabaseSchema>;

/** Why nothing was reserved: the order is missing, not refundable, or has too little left. */
export async function refusal(trx: Trx, orderNo: string): Promise<RefundReservation> {
  const order = await trx
    .selectFrom('orders')
    .select(['state', 'amount_fen', 'refund_reserved_fen'])
    .where('order_no', '=', orderNo)
    .executeTakeFirst();
  if (!order) return { kind: 'order-not-found' };
  if (!REFUNDABLE_ORDER_STATES.includes(order.state as OrderState)) {
    return { kind: 'not-refundable', state: order.state as OrderState };
  }
  return { kind: 'exceeds', refundableFen: Number(order.amount_fen) - Number(order.refund_reserved_fen) };
}

/**
 * The order side of a refund transition, and the row lock the state computation relies on:
 * SUCCESS adds to the refunded money, FAILED / CLOSED give the reservation back (once: those states
 * are final, and the refund's own conditional UPDATE let only one caller get here).
 */
export async function settleMoney(
  trx: Trx,
  orderNo: string,
  amountFen: number,
  to: Refund['state'],
  now: Date,
): Promise<Selectable<OrdersTable>> {
  let update = trx.updateTable('orders').set({ updated_at: toMillis(now) });
  if (to === 'SUCCESS') update = update.set({ refunded_fen: sql`refunded_fen + ${amountFen}` });
  if (RELEASED_REFUND_STATES.includes(to)) {
    update = update.set({ refund_reserved_fen: sql`refund_reserved_fen - ${amountFen}` });
  }
  return update.where('order_no', '=', orderNo).returningAll().executeTakeFirstOrThrow();
}

/** Moves the (locked) order to `to` with a history row; `undefined` when already there or not allowed. */
export async function moveOrder(
  trx: Trx,
  order: Selectable<OrdersTable>,
  to: OrderState,
  reason: string,
  source: string,
  now: Date,
): Promise<Selectable<OrdersTable> | undefined> {
  const from = order.state as OrderState;
  if (from === to || !canTransition(from, to)) return undefined;
  const moved = await trx
    .updateTable('orders')
    .set({ state: to, updated_at: toMillis(now) })
    .where('order_no', '=', order.order_no)
    .where('state', '=', from)
    .returningAll()
    .executeTakeFirst();
  if (!moved) return undefined;
  await trx.executeQuery(
    orderHistoryInsert(trx, { orderNo: order.order_no, from: [from], to, reason, source, at: now }),
  );
  return moved;
}
