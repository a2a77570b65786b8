import { DomainError } from './domain-error.js';
import type { OrderState } from './order.js';

/**
 * Every legal order transition, as data. Checked once at start-up ({@link assertValidStateMachine}),
 * and every state change in the repositories is a conditional `UPDATE … WHERE state IN (from)`, so
 * two racing writers (a late notification and the timeout close) cannot both win.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  NOTPAY: ['PAID', 'CLOSED', 'PAYERROR'],
  // A bank failure can be followed by a successful retry of the same order in WeChat.
  PAYERROR: ['PAID', 'CLOSED'],
  PAID: ['REFUNDING'],
  REFUNDING: ['PARTIALLY_REFUNDED', 'REFUNDED', 'PAID'],
  PARTIALLY_REFUNDED: ['REFUNDING'],
  REFUNDED: [],
  CLOSED: [],
};

export const INITIAL_ORDER_STATE: OrderState = 'NOTPAY';

/** The states an order may move to `to` from. */
export function statesLeadingTo(to: OrderState): OrderState[] {
  return (Object.keys(ORDER_TRANSITIONS) as OrderState[]).filter((from) =>
    ORDER_TRANSITIONS[from].includes(to),
  );
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
 * from the initial one, and a paid order can never reach CLOSED.
 */
export function assertValidStateMachine(
  table: Readonly<Record<string, readonly string[]>> = ORDER_TRANSITIONS,
  initial: string = INITIAL_ORDER_STATE,
): void {
  const states = new Set(Object.keys(table));
  for (const [from, targets] of Object.entries(table)) {
    for (const to of targets) {
      if (!states.has(to)) throw new Error(`order state machine: ${from} → ${to} names an unknown state`);
    }
  }
  const reached = new Set([initial]);
  const queue = [initial];
  while (queue.length > 0) {
    for (const next of table[queue.shift()!] ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  const unreachable = [...states].filter((s) => !reached.has(s));
  if (unreachable.length > 0) throw new Error(`order state machine: unreachable ${unreachable.join(', ')}`);
  const fromPaid = new Set(['PAID']);
  const walk = ['PAID'];
  while (walk.length > 0) {
    for (const next of table[walk.shift()!] ?? []) {
      if (next === 'CLOSED') throw new Error('order state machine: a paid order could reach CLOSED');
      if (!fromPaid.has(next)) {
        fromPaid.add(next);
        walk.push(next);
      }
    }
  }
}
