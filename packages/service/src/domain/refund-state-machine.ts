import { DomainError } from './domain-error.js';
import type { OrderState } from './order.js';
import { statesLeadingTo } from './order-state-machine.js';
import type { RefundState } from './refund.js';
import { assertWellFormedMachine } from './state-machine.js';

/**
 * Every legal refund transition, as data, checked at start-up by {@link assertValidRefundMachine}.
 * The repository applies each one as a conditional `UPDATE … WHERE state IN (from)`, so a
 * notification, the query job and the request that created the refund cannot apply an outcome twice.
 */
export const REFUND_TRANSITIONS: Readonly<Record<RefundState, readonly RefundState[]>> = {
  PENDING: ['PROCESSING', 'SUCCESS', 'FAILED', 'ABNORMAL', 'CLOSED'],
  PROCESSING: ['SUCCESS', 'ABNORMAL', 'CLOSED'],
  // WeChat lets the merchant re-route an abnormal refund (to another account) or close it.
  ABNORMAL: ['SUCCESS', 'CLOSED'],
  SUCCESS: [],
  FAILED: [],
  CLOSED: [],
};

export const INITIAL_REFUND_STATE: RefundState = 'PENDING';

/** The money of a refund in these states is given back to the order's refundable balance. */
export const RELEASED_REFUND_STATES: readonly RefundState[] = ['FAILED', 'CLOSED'];

/** While an order has a refund in one of these, it is REFUNDING. */
export const OPEN_REFUND_STATES: readonly RefundState[] = ['PENDING', 'PROCESSING'];

/** States that never change again. */
export const FINAL_REFUND_STATES: readonly RefundState[] = ['SUCCESS', 'FAILED', 'CLOSED'];

/**
 * The order states a refund may be requested in, from the order table: those REFUNDING is reached
 * from, and REFUNDING itself (another refund beside an open one).
 */
export const REFUNDABLE_ORDER_STATES: readonly OrderState[] = [...statesLeadingTo('REFUNDING'), 'REFUNDING'];

/** The states a refund may move to `to` from: every outcome is applied from these and no others. */
export function refundStatesLeadingTo(to: RefundState): RefundState[] {
  return (Object.keys(REFUND_TRANSITIONS) as RefundState[]).filter((from) =>
    REFUND_TRANSITIONS[from].includes(to),
  );
}

/** Refuses a refund transition whose from-states are not all in the table (a writer's mistake). */
export function assertRefundTransition(from: readonly RefundState[], to: RefundState): void {
  const wrong = from.filter((state) => !REFUND_TRANSITIONS[state].includes(to));
  if (wrong.length > 0) {
    throw new DomainError('INVALID_TRANSITION', `a refund cannot go from ${wrong.join(', ')} to ${to}`, {
      from: wrong.join(','),
      to,
    });
  }
}

/**
 * Start-up check of the refund table: well formed, and the final states (money paid out, or
 * given back to the balance) never move — a released reservation must not be taken again.
 */
export function assertValidRefundMachine(
  table: Readonly<Record<string, readonly string[]>> = REFUND_TRANSITIONS,
  initial: string = INITIAL_REFUND_STATE,
): void {
  assertWellFormedMachine('refund', table, initial);
  for (const state of FINAL_REFUND_STATES) {
    if ((table[state] ?? []).length > 0) throw new Error(`refund state machine: ${state} must be final`);
  }
}
