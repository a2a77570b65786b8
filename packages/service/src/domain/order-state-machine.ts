import { DomainError } from './domain-error.js';
import type { OrderState } from './order.js';
import { assertWellFormedMachine, reachableFrom } from './state-machine.js';

/**
 * Every legal order transition, as data. Checked once at start-up ({@link assertValidStateMachine}),
 * and every state change in the repositories is a conditional `UPDATE … WHERE state IN (from)`, so
 * two racing writers (a late notification and the timeout close) cannot both win.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  // USERPAYING and REVERSED are the payment-code (MICROPAY) cashier's: the password is being typed;
  // the order was reversed at WeChat (撤销) because no final answer came in time.
  NOTPAY: ['PAID', 'CLOSED', 'PAYERROR', 'USERPAYING', 'REVERSED'],
  USERPAYING: ['PAID', 'CLOSED', 'PAYERROR', 'REVERSED'],
  // A bank failure can be followed by a successful retry of the same order in WeChat.
  PAYERROR: ['PAID', 'CLOSED'],
  // Straight from PAID / PARTIALLY_REFUNDED too: a refund that went ABNORMAL can still succeed later.
  PAID: ['REFUNDING', 'PARTIALLY_REFUNDED', 'REFUNDED'],
  REFUNDING: ['PARTIALLY_REFUNDED', 'REFUNDED', 'PAID'],
  PARTIALLY_REFUNDED: ['REFUNDING', 'REFUNDED'],
  REFUNDED: [],
  CLOSED: [],
  REVERSED: [],
};

export const INITIAL_ORDER_STATE: OrderState = 'NOTPAY';

type TransitionTable = Readonly<Record<string, readonly string[]>>;

/** The states an order may move to `to` from. */
export function statesLeadingTo(to: OrderState, table: TransitionTable = ORDER_TRANSITIONS): OrderState[] {
  return (Object.keys(table) as OrderState[]).filter((from) => table[from]?.includes(to));
}

/**
 * States from which WeChat may still take the buyer's money: those an order can still be closed
 * from. Derived from the table, so a payment or a close is applied from exactly the states the
 * table allows and no second list can drift from it.
 */
export const OPEN_ORDER_STATES: readonly OrderState[] = statesLeadingTo('CLOSED');

/**
 * Orders the buyer paid for and that still hold some of the money: what a merchant means by "paid"
 * when looking for sales (a partly refunded order was still a sale). REFUNDED is not among them.
 */
export const PAID_ORDER_STATES: readonly OrderState[] = ['PAID', 'REFUNDING', 'PARTIALLY_REFUNDED'];

/** What happened to an order, as a writer names the transition it applies. */
export type OrderTransitionName = 'pay' | 'close' | 'await-password' | 'fail' | 'reverse';

/** A transition as a conditional UPDATE performs it: leave one of `from`, arrive in `to`. */
export interface OrderTransition {
  from: readonly OrderState[];
  to: OrderState;
}

/**
 * Each event with its target, and the states it may leave read from the table: a close from
 * every state that leads to CLOSED; a payment from the states leading to PAID that are still open,
 * since REFUNDING → PAID is a refund being settled, never a second payment.
 */
function transitionsByName(table: TransitionTable): Record<OrderTransitionName, OrderTransition> {
  const open = statesLeadingTo('CLOSED', table);
  return {
    pay: { to: 'PAID', from: statesLeadingTo('PAID', table).filter((s) => open.includes(s)) },
    close: { to: 'CLOSED', from: open },
    // The payment-code cashier's steps: each from the open states the table lets lead there.
    'await-password': { to: 'USERPAYING', from: statesLeadingTo('USERPAYING', table) },
    fail: { to: 'PAYERROR', from: statesLeadingTo('PAYERROR', table).filter((s) => open.includes(s)) },
    reverse: { to: 'REVERSED', from: statesLeadingTo('REVERSED', table).filter((s) => open.includes(s)) },
  };
}

const NAMED_TRANSITIONS = transitionsByName(ORDER_TRANSITIONS);

/**
 * The transition an event asks for — `orders.transition({ ...orderTransition('pay'), … })` — so
 * no writer keeps its own list of from-states: the table is the one place the rule lives.
 */
export function orderTransition(event: OrderTransitionName): OrderTransition {
  return NAMED_TRANSITIONS[event];
}

export function canTransition(from: OrderState, to: OrderState): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: OrderState, to: OrderState): void {
  if (!canTransition(from, to)) {
    throw new DomainError('INVALID_TRANSITION', `an order cannot go from ${from} to ${to}`, { from, to });
  }
}

/**
 * Start-up check of a transition table: every target is a known state, every state is reachable
 * from the initial one, a paid order can never reach CLOSED, and every event has a state to leave.
 */
export function assertValidStateMachine(
  table: TransitionTable = ORDER_TRANSITIONS,
  initial: string = INITIAL_ORDER_STATE,
): void {
  assertWellFormedMachine('order', table, initial);
  if (reachableFrom(table, 'PAID').has('CLOSED')) {
    throw new Error('order state machine: a paid order could reach CLOSED');
  }
  // A reversal gives the money back behind the refund flow's back: never from a confirmed payment.
  if (reachableFrom(table, 'PAID').has('REVERSED')) {
    throw new Error('order state machine: a paid order could reach REVERSED');
  }
  for (const [event, { from, to }] of Object.entries(transitionsByName(table))) {
    if (from.length === 0) throw new Error(`order state machine: no state to ${event} from (to ${to})`);
  }
}
