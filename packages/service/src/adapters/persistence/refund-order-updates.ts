import { type Selectable, sql, type Transaction } from 'kysely';
import type { OrderState } from '../../domain/order.js';
import type { RefundReservation } from '../../domain/refund-ports.js';
import { type RefundSettlement, refundRefusal } from '../../domain/refund-settlement.js';
import type { DatabaseSchema, OrdersTable } from './database-schema.js';
import { orderHistoryInsert } from './order-history-writer.js';
import { toMillis } from './row-mapper.js';

/**
 * The order row's side of refunds, run inside the refund repository's transactions. What happens
 * to the order is decided in the domain ({@link refundRefusal}, `settleRefund`); these only read
 * what the decision needs and execute it.
 */

type Trx = Transaction<DatabaseSchema>;
type OrderRow = Selectable<OrdersTable>;

/** Why nothing was reserved, decided on the order as it is now. */
export async function refusal(trx: Trx, orderNo: string): Promise<RefundReservation> {
  const order = await trx
    .selectFrom('orders')
    .select(['state', 'amount_fen', 'refund_reserved_fen'])
    .where('order_no', '=', orderNo)
    .executeTakeFirst();
  return refundRefusal(
    order && {
      state: order.state as OrderState,
      amountFen: Number(order.amount_fen),
      reservedFen: Number(order.refund_reserved_fen),
    },
  );
}

/**
 * Locks the order row for the rest of the transaction and returns it: an UPDATE rather than
 * `SELECT … FOR UPDATE`, which SQLite lacks. Concurrent refund changes of one order then settle one
 * after the other, each counting the refunds the previous one left.
 */
export async function lockOrder(trx: Trx, orderNo: string, now: Date): Promise<OrderRow> {
  return trx
    .updateTable('orders')
    .set({ updated_at: toMillis(now) })
    .where('order_no', '=', orderNo)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The locked order as {@link RefundSettlement} is decided on. */
export function settlementView(order: OrderRow) {
  return {
    state: order.state as OrderState,
    amountFen: Number(order.amount_fen),
    refundedFen: Number(order.refunded_fen),
  };
}

/**
 * Executes a settlement on the locked order: its money and its state in one conditional UPDATE,
 * then the history row of the move, or of the note when the state stays. Returns the order as it
 * now is and whether its state changed.
 */
export async function applySettlement(
  trx: Trx,
  order: OrderRow,
  settlement: RefundSettlement,
  history: { reason: string; source: string; at: Date },
): Promise<{ order: OrderRow; moved: boolean }> {
  const from = order.state as OrderState;
  const to = settlement.orderState;
  let row = order;
  if (settlement.refundedFen !== 0 || settlement.reservedFen !== 0 || to !== undefined) {
    row = await trx
      .updateTable('orders')
      .set({
        ...(settlement.refundedFen !== 0 && { refunded_fen: sql`refunded_fen + ${settlement.refundedFen}` }),
        ...(settlement.reservedFen !== 0 && {
          refund_reserved_fen: sql`refund_reserved_fen + ${settlement.reservedFen}`,
        }),
        ...(to !== undefined && { state: to }),
        updated_at: toMillis(history.at),
      })
      .where('order_no', '=', order.order_no)
      // Always true under the lock; stated so that no write can move an order it did not read.
      .where('state', '=', from)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if (to !== undefined || settlement.noteOnOrder) {
    await trx.executeQuery(
      orderHistoryInsert(trx, { orderNo: order.order_no, from: [from], to: to ?? from, ...history }),
    );
  }
  return { order: row, moved: to !== undefined };
}
