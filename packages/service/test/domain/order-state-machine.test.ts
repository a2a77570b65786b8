import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/domain-error.js';
import { assertFen, formatYuan } from '../../src/domain/money.js';
import {
  assertTransition,
  assertValidStateMachine,
  canTransition,
  OPEN_ORDER_STATES,
  ORDER_TRANSITIONS,
  orderTransition,
  statesLeadingTo,
} from '../../src/domain/order-state-machine.js';

describe('order state machine', () => {
  it('is valid as shipped', () => {
    expect(() => assertValidStateMachine()).not.toThrow();
  });

  it('never lets a paid order be closed, and pays only from unpaid states', () => {
    expect(canTransition('PAID', 'CLOSED')).toBe(false);
    expect(statesLeadingTo('PAID').sort()).toEqual(['NOTPAY', 'PAYERROR', 'REFUNDING', 'USERPAYING'].sort());
    expect(statesLeadingTo('CLOSED').sort()).toEqual(['NOTPAY', 'PAYERROR', 'USERPAYING'].sort());
    expect(() => assertTransition('CLOSED', 'PAID')).toThrow(DomainError);
  });

  it('refuses tables with unknown targets, unreachable states or a path from PAID to CLOSED', () => {
    expect(() => assertValidStateMachine({ A: ['B'] }, 'A')).toThrow(/unknown state/);
    expect(() => assertValidStateMachine({ A: [], B: [] }, 'A')).toThrow(/unreachable B/);
    expect(() => assertValidStateMachine({ ...ORDER_TRANSITIONS, REFUNDED: ['CLOSED'] }, 'NOTPAY')).toThrow(
      /paid order could reach CLOSED/,
    );
  });
});

describe('money', () => {
  it('accepts only whole non-negative fen', () => {
    expect(assertFen(0)).toBe(0);
    expect(assertFen(12800)).toBe(12800);
    for (const bad of [1.5, -1, Number.NaN, '100', 2 ** 53]) {
      expect(() => assertFen(bad)).toThrow(DomainError);
    }
  });

  it('formats with integer arithmetic', () => {
    expect(formatYuan(1)).toBe('¥0.01');
    expect(formatYuan(990)).toBe('¥9.90');
    expect(formatYuan(12800)).toBe('¥128.00');
    expect(formatYuan(-5)).toBe('-¥0.05');
  });
});

describe('payment-code states', () => {
  it('USERPAYING and REVERSED: a paid order is never reversed, a reversed one never moves', () => {
    expect(orderTransition('await-password')).toEqual({ to: 'USERPAYING', from: ['NOTPAY'] });
    expect([...orderTransition('reverse').from].sort()).toEqual(['NOTPAY', 'USERPAYING']);
    expect([...orderTransition('fail').from].sort()).toEqual(['NOTPAY', 'USERPAYING']);
    expect(ORDER_TRANSITIONS.REVERSED).toEqual([]);
    expect(() => assertValidStateMachine({ ...ORDER_TRANSITIONS, REFUNDED: ['REVERSED'] }, 'NOTPAY')).toThrow(
      /paid order could reach REVERSED/,
    );
  });
});

describe('OPEN_ORDER_STATES', () => {
  it('comes from the table: the states an order can still be closed from', () => {
    expect([...OPEN_ORDER_STATES].sort()).toEqual(['NOTPAY', 'PAYERROR', 'USERPAYING']);
    for (const state of OPEN_ORDER_STATES) {
      expect(ORDER_TRANSITIONS[state]).toContain('CLOSED');
      expect(ORDER_TRANSITIONS[state]).toContain('PAID');
    }
  });
});

describe('orderTransition', () => {
  it('names the target and reads the from-states from the table', () => {
    const pay = orderTransition('pay');
    expect(pay.to).toBe('PAID');
    // REFUNDING leads to PAID too, but only as a refund settling: a payment applies while still open.
    expect([...pay.from].sort()).toEqual(['NOTPAY', 'PAYERROR', 'USERPAYING']);
    expect(orderTransition('close')).toEqual({ to: 'CLOSED', from: OPEN_ORDER_STATES });
    for (const name of ['pay', 'close', 'await-password', 'fail', 'reverse'] as const) {
      const { from, to } = orderTransition(name);
      for (const state of from) expect(canTransition(state, to)).toBe(true);
    }
  });

  it('refuses at start-up a table that leaves a named transition no state to leave', () => {
    const noPayment = {
      ...ORDER_TRANSITIONS,
      NOTPAY: ['CLOSED', 'PAYERROR', 'USERPAYING', 'REVERSED'],
      USERPAYING: ['CLOSED', 'PAYERROR', 'REVERSED'],
      PAYERROR: ['CLOSED', 'REFUNDING'],
    };
    expect(() => assertValidStateMachine(noPayment, 'NOTPAY')).toThrow(/no state to pay from/);
  });
});
