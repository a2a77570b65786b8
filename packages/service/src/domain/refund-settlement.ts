import type { Fen } from './money.js';
import type { OrderState } from './order.js';
import { canTransition } from './order-state-machine.js';
import type { RefundState } from './refund.js';
import type { RefundReservation } from './refund-ports.js';
import { REFUNDABLE_ORDER_STATES, RELEASED_REFUND_STATES } from './refund-state-machine.js';

/**
 * What a refund's change does to its order, decided here and only executed by the repository:
 * the money it settles and the state the order follows its refunds into.
 */

export interface RefundSettlementInput {
  /** The order as it stands (locked by the caller), before this change is settled. */
  order: { state: OrderState; amountFen: Fen; refundedFen: Fen };
  /** The refund, in the state it has just moved to. */
  refund: { amountFen: Fen; state: RefundState };
  /** How many of the order's refunds are open (PENDING / PROCESSING) now, this one included. */
  openRefunds: number;
}

export interface RefundSettlement {
  /** Fen to add to the order's refunded money: the refund's amount once it SUCCEEDED. */
  refundedFen: Fen;
  /** Fen to add to the order's reserved money: minus the amount when FAILED / CLOSED give it back. */
  reservedFen: Fen;
  /** The order's next state when it moves; always a move the order table allows. */
  orderState: OrderState | undefined;
  /** The order's history shows this change although its state stays: ABNORMAL needs a person. */
  noteOnOrder: boolean;
}

/**
 * Settles one refund change on its order. SUCCESS counts the amount refunded and FAILED / CLOSED
 * give the reservation back (those states are final, so this happens once); PENDING's reservation
 * is the repository's guarded UPDATE itself, so it settles no money here. The order then takes the
 * state its refunds put it in ({@link orderStateAfterRefunds}) when the table allows the move.
 */
export function settleRefund({ order, refund, openRefunds }: RefundSettlementInput): RefundSettlement {
  const refundedFen = refund.state === 'SUCCESS' ? refund.amountFen : 0;
  const reservedFen = RELEASED_REFUND_STATES.includes(refund.state) ? -refund.amountFen : 0;
  const target = orderStateAfterRefunds({
    amountFen: order.amountFen,
    refundedFen: order.refundedFen + refundedFen,
    openRefunds,
  });
  const moves = target !== order.state && canTransition(order.state, target);
  return {
    refundedFen,
    reservedFen,
    orderState: moves ? target : undefined,
    noteOnOrder: !moves && refund.state === 'ABNORMAL',
  };
}

/**
 * The state a paid order is in given its refunds: REFUNDING while one is open, else REFUNDED when
 * all the money went back, PARTIALLY_REFUNDED when some did, PAID when none did.
 */
export function orderStateAfterRefunds(order: {
  amountFen: Fen;
  refundedFen: Fen;
  openRefunds: number;
}): OrderState {
  if (order.openRefunds > 0) return 'REFUNDING';
  if (order.refundedFen >= order.amountFen) return 'REFUNDED';
  return order.refundedFen > 0 ? 'PARTIALLY_REFUNDED' : 'PAID';
}

/** Why a reservation was refused: the order is missing, not refundable, or has too little left. */
export function refundRefusal(
  order: { state: OrderState; amountFen: Fen; reservedFen: Fen } | undefined,
): Exclude<RefundReservation, { kind: 'created' | 'existing' }> {
  if (!order) return { kind: 'order-not-found' };
  if (!REFUNDABLE_ORDER_STATES.includes(order.state)) return { kind: 'not-refundable', state: order.state };
  return { kind: 'exceeds', refundableFen: order.amountFen - order.reservedFen };
}
