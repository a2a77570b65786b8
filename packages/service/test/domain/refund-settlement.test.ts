import { describe, expect, it } from 'vitest';
import { orderStateAfterRefunds, refundRefusal, settleRefund } from '../../src/domain/refund-settlement.js';

describe('orderStateAfterRefunds', () => {
  it('derives the order state from its refunds', () => {
    expect(orderStateAfterRefunds({ amountFen: 1000, refundedFen: 0, openRefunds: 1 })).toBe('REFUNDING');
    expect(orderStateAfterRefunds({ amountFen: 1000, refundedFen: 1000, openRefunds: 1 })).toBe('REFUNDING');
    expect(orderStateAfterRefunds({ amountFen: 1000, refundedFen: 1000, openRefunds: 0 })).toBe('REFUNDED');
    expect(orderStateAfterRefunds({ amountFen: 1000, refundedFen: 1, openRefunds: 0 })).toBe(
      'PARTIALLY_REFUNDED',
    );
    expect(orderStateAfterRefunds({ amountFen: 1000, refundedFen: 0, openRefunds: 0 })).toBe('PAID');
  });
});

describe('settleRefund', () => {
  const order = { state: 'REFUNDING' as const, amountFen: 1000, refundedFen: 0 };
  const settle = (
    to: Parameters<typeof settleRefund>[0]['refund']['state'],
    openRefunds: number,
    on: Parameters<typeof settleRefund>[0]['order'] = order,
    amountFen = 400,
  ) => settleRefund({ order: on, refund: { amountFen, state: to }, openRefunds });

  it('counts a success refunded and moves the order by what is left open and refunded', () => {
    expect(settle('SUCCESS', 0)).toEqual({
      refundedFen: 400,
      reservedFen: 0,
      orderState: 'PARTIALLY_REFUNDED',
      noteOnOrder: false,
    });
    expect(settle('SUCCESS', 0, order, 1000).orderState).toBe('REFUNDED');
    expect(settle('SUCCESS', 0, { ...order, refundedFen: 600 }).orderState).toBe('REFUNDED');
    // Another refund still open: the money counts, the order stays REFUNDING.
    expect(settle('SUCCESS', 1)).toEqual({
      refundedFen: 400,
      reservedFen: 0,
      orderState: undefined,
      noteOnOrder: false,
    });
  });

  it('gives a failed or closed refund its reservation back, once final', () => {
    for (const to of ['FAILED', 'CLOSED'] as const) {
      expect(settle(to, 0)).toEqual({
        refundedFen: 0,
        reservedFen: -400,
        orderState: 'PAID',
        noteOnOrder: false,
      });
    }
    expect(settle('FAILED', 0, { ...order, refundedFen: 300 }).orderState).toBe('PARTIALLY_REFUNDED');
  });

  it('settles no money while a refund is pending or processing, and moves a paid order to REFUNDING', () => {
    expect(settle('PENDING', 1, { ...order, state: 'PAID' })).toEqual({
      refundedFen: 0,
      reservedFen: 0,
      orderState: 'REFUNDING',
      noteOnOrder: false,
    });
    expect(settle('PENDING', 2).orderState).toBeUndefined();
    expect(settle('PROCESSING', 1)).toEqual({
      refundedFen: 0,
      reservedFen: 0,
      orderState: undefined,
      noteOnOrder: false,
    });
  });

  it('notes an abnormal refund on the order when its state does not move', () => {
    // The last open refund went ABNORMAL: the order leaves REFUNDING, and that move is the note.
    expect(settle('ABNORMAL', 0)).toMatchObject({ reservedFen: 0, orderState: 'PAID', noteOnOrder: false });
    // Already where its refunds put it: no move, so a history row of its own.
    expect(settle('ABNORMAL', 0, { ...order, state: 'PAID' })).toMatchObject({
      orderState: undefined,
      noteOnOrder: true,
    });
    expect(settle('ABNORMAL', 1)).toMatchObject({ orderState: undefined, noteOnOrder: true });
  });

  it('never moves the order where the table does not allow', () => {
    expect(
      settle('SUCCESS', 0, { state: 'CLOSED', amountFen: 1000, refundedFen: 0 }).orderState,
    ).toBeUndefined();
  });
});

describe('refundRefusal', () => {
  it('names why nothing was reserved', () => {
    expect(refundRefusal(undefined)).toEqual({ kind: 'order-not-found' });
    expect(refundRefusal({ state: 'NOTPAY', amountFen: 1000, reservedFen: 0 })).toEqual({
      kind: 'not-refundable',
      state: 'NOTPAY',
    });
    expect(refundRefusal({ state: 'REFUNDING', amountFen: 1000, reservedFen: 700 })).toEqual({
      kind: 'exceeds',
      refundableFen: 300,
    });
  });
});
