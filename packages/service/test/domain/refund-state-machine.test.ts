import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/domain-error.js';
import {
  assertRefundTransition,
  assertValidRefundMachine,
  REFUND_TRANSITIONS,
  REFUNDABLE_ORDER_STATES,
  refundStatesLeadingTo,
} from '../../src/domain/refund-state-machine.js';

describe('refund state machine', () => {
  it('is valid as shipped', () => {
    expect(() => assertValidRefundMachine()).not.toThrow();
  });

  it('fails only from PENDING, and settles from PROCESSING or ABNORMAL', () => {
    expect(refundStatesLeadingTo('FAILED')).toEqual(['PENDING']);
    expect(refundStatesLeadingTo('SUCCESS').sort()).toEqual(['ABNORMAL', 'PENDING', 'PROCESSING']);
    expect(refundStatesLeadingTo('PENDING')).toEqual([]);
  });

  it('refuses tables where a final state moves, or with unknown or unreachable states', () => {
    expect(() => assertValidRefundMachine({ ...REFUND_TRANSITIONS, CLOSED: ['PENDING'] })).toThrow(
      /CLOSED must be final/,
    );
    expect(() => assertValidRefundMachine({ ...REFUND_TRANSITIONS, FAILED: ['PROCESSING'] })).toThrow(
      /FAILED must be final/,
    );
    expect(() => assertValidRefundMachine({ ...REFUND_TRANSITIONS, PENDING: ['NOWHERE'] })).toThrow(
      /unknown state/,
    );
    expect(() => assertValidRefundMachine({ ...REFUND_TRANSITIONS, PENDING: ['PROCESSING'] })).toThrow(
      /unreachable/,
    );
  });

  it('refuses a transition whose from-states the table does not lead from', () => {
    expect(() => assertRefundTransition(refundStatesLeadingTo('SUCCESS'), 'SUCCESS')).not.toThrow();
    expect(() => assertRefundTransition(['PENDING', 'SUCCESS'], 'CLOSED')).toThrow(DomainError);
    expect(() => assertRefundTransition(['PROCESSING'], 'FAILED')).toThrow(/from PROCESSING to FAILED/);
  });

  it('takes refunds of orders in the states the order table leads to REFUNDING from, and REFUNDING', () => {
    expect([...REFUNDABLE_ORDER_STATES].sort()).toEqual(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDING']);
  });
});
