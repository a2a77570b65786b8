import { describe, expect, it } from 'vitest';
import {
  type BillEntry,
  checkPayment,
  checkRefund,
  expectedFee,
  type LocalPayment,
  type LocalRefund,
  missingPayment,
  missingRefund,
} from '../../src/domain/index.js';

const at = new Date('2026-12-02T02:00:00Z');
const payment = (over: Partial<BillEntry> = {}): BillEntry => ({
  kind: 'payment',
  at,
  orderNo: 'O1',
  transactionId: 'T1',
  amountFen: 990,
  settlementFen: 990,
  feeFen: 6,
  state: 'SUCCESS',
  ...over,
});
const refundLine = (over: Partial<BillEntry> = {}): BillEntry => ({
  ...payment(),
  kind: 'refund',
  refundNo: 'R1',
  wechatRefundId: 'W1',
  amountFen: 300,
  settlementFen: 0,
  feeFen: -2,
  ...over,
});
const order = (over: Partial<LocalPayment> = {}): LocalPayment => ({
  orderNo: 'O1',
  state: 'PAID',
  amountFen: 990,
  apiVersion: 'v3',
  ...over,
});
const refund = (over: Partial<LocalRefund> = {}): LocalRefund => ({
  refundNo: 'R1',
  orderNo: 'O1',
  state: 'SUCCESS',
  amountFen: 300,
  ...over,
});

describe('reconciliation rules', () => {
  it('a payment line that agrees, whatever became of the order since (refunds), is no difference', () => {
    for (const state of ['PAID', 'REFUNDING', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const) {
      expect(checkPayment(payment(), order({ state }), 60)).toBeUndefined();
    }
    // A REVOKED payment-code line is money that went back: not a payment to match.
    expect(checkPayment(payment({ state: 'REVOKED' }), undefined)).toBeUndefined();
    // A payment code charged, then reversed here once WeChat confirmed it: its SUCCESS line is no difference.
    expect(checkPayment(payment(), order({ state: 'REVERSED' }), 60)).toBeUndefined();
    expect(missingPayment(order({ state: 'REVERSED' }))).toBeUndefined();
  });

  it('classifies each payment difference, and only an open order is repaired, with the line as evidence', () => {
    expect(checkPayment(payment(), undefined)).toMatchObject({ kind: 'UNKNOWN_ORDER', wechatFen: 990 });
    expect(checkPayment(payment(), order({ amountFen: 1 }))).toMatchObject({
      kind: 'AMOUNT_MISMATCH',
      localFen: 1,
    });
    for (const state of ['NOTPAY', 'PAYERROR'] as const) {
      expect(checkPayment(payment(), order({ state }))).toMatchObject({
        kind: 'PAID_AT_WECHAT_ONLY',
        repair: 'mark-paid',
        evidence: { transactionId: 'T1', amountFen: 990, at },
      });
    }
    const closed = checkPayment(payment(), order({ state: 'CLOSED' }));
    expect(closed).toMatchObject({ kind: 'PAID_BUT_CLOSED_HERE' });
    expect(closed?.repair).toBeUndefined();
    // Another amount is never repaired, even on an open order.
    expect(checkPayment(payment(), order({ state: 'NOTPAY', amountFen: 1 }))?.kind).toBe('AMOUNT_MISMATCH');
  });

  it('checks fees against the configured rate, rounded half up to the fen, only when a rate is set', () => {
    expect(expectedFee(990, 60)).toBe(6); // 5.94 → 6
    expect(expectedFee(250, 60)).toBe(2); // 1.5 → 2
    expect(expectedFee(249, 60)).toBe(1); // 1.494 → 1
    expect(expectedFee(1000, 38)).toBe(4); // 3.8 → 4
    expect(checkPayment(payment({ feeFen: 7 }), order(), 60)).toMatchObject({
      kind: 'FEE_MISMATCH',
      wechatFen: 7,
      localFen: 6,
    });
    expect(checkPayment(payment({ feeFen: 7 }), order())).toBeUndefined();
  });

  it('classifies each refund difference; only a refund WeChat finished and this side has open is repaired', () => {
    expect(checkRefund(refundLine(), refund())).toBeUndefined();
    expect(checkRefund(refundLine({ state: 'PROCESSING' }), refund({ state: 'PROCESSING' }))).toBeUndefined();
    expect(checkRefund(refundLine(), undefined)).toMatchObject({
      kind: 'REFUND_AT_WECHAT_ONLY',
      refundNo: 'R1',
    });
    expect(checkRefund(refundLine(), refund({ amountFen: 200 }))).toMatchObject({
      kind: 'REFUND_MISMATCH',
      localFen: 200,
    });
    expect(checkRefund(refundLine(), refund({ state: 'PROCESSING' }))).toMatchObject({
      kind: 'REFUND_UNSETTLED_HERE',
      repair: 'query-refund',
    });
    for (const state of ['REFUNDCLOSE', 'CHANGE']) {
      expect(checkRefund(refundLine({ state }), refund())).toMatchObject({ kind: 'REFUND_MISMATCH' });
    }
  });

  it('a record here is missing from the bill only when WeChat must have listed it', () => {
    expect(missingPayment(order())).toMatchObject({ kind: 'MISSING_FROM_BILL', localFen: 990 });
    expect(missingPayment(order({ state: 'NOTPAY' }))).toBeUndefined();
    expect(missingRefund(refund({ state: 'PROCESSING' }))).toMatchObject({ kind: 'REFUND_HERE_ONLY' });
    // Refused before WeChat accepted it: no bill lists it.
    expect(missingRefund(refund({ state: 'FAILED' }))).toBeUndefined();
    expect(missingRefund(refund({ state: 'PENDING' }))).toBeUndefined();
  });
});
