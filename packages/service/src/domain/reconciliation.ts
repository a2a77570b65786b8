import type { Fen } from './money.js';
import type { ApiVersion, OrderState } from './order.js';
import { OPEN_ORDER_STATES } from './order-state-machine.js';
import type { RefundState } from './refund.js';

/**
 * Daily reconciliation (对账): every line of WeChat's trade bill for a China day set against the
 * orders and refunds recorded here. This module is the rulebook — what counts as a difference and
 * which difference the service may repair by itself; finding the pairs is the store's work.
 */

/** What can differ between WeChat's bill and the service's records. */
export const DISCREPANCY_KINDS = [
  /** WeChat took the money; the order here is still unpaid (lost notification and queries). Repaired. */
  'PAID_AT_WECHAT_ONLY',
  /** WeChat took the money; the order here was closed. A person refunds the payer or ships. */
  'PAID_BUT_CLOSED_HERE',
  /** A payment in the bill for an order number the service never recorded. */
  'UNKNOWN_ORDER',
  /** Paid here on that day, but not in WeChat's bill. */
  'MISSING_FROM_BILL',
  /** Both sides have the payment, with different amounts. */
  'AMOUNT_MISMATCH',
  /** The bill's fee is not the configured rate applied to the amount. */
  'FEE_MISMATCH',
  /** A refund in the bill that the service has no record of. */
  'REFUND_AT_WECHAT_ONLY',
  /** A refund WeChat accepted here that day, absent from the bill. */
  'REFUND_HERE_ONLY',
  /** Both sides have the refund, with a different amount, or finished here but failed at WeChat. */
  'REFUND_MISMATCH',
  /** WeChat refunded it; here it is still open. Repaired by querying WeChat. */
  'REFUND_UNSETTLED_HERE',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

/** `open`: a person must look; `repaired`: the service fixed it and re-checked; `resolved`: it went away. */
export const DISCREPANCY_RESOLUTIONS = ['open', 'repaired', 'resolved'] as const;
export type DiscrepancyResolution = (typeof DISCREPANCY_RESOLUTIONS)[number];

/** How a day's reconciliation ended, or where it stands. */
export const RECONCILIATION_STATUSES = [
  'RUNNING',
  /** WeChat has not published the bill yet; retried later, never reported as an empty day. */
  'WAITING_FOR_BILL',
  /** Every line matched (after repairs). */
  'BALANCED',
  /** At least one difference needs a person. */
  'UNBALANCED',
  /** The bill could not be fetched or read; retried. */
  'FAILED',
] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

/** One line of WeChat's trade bill, in fen, as the bill source normalises it. */
export interface BillEntry {
  kind: 'payment' | 'refund';
  /** 交易时间: payment time, or the time the refund was accepted. */
  at: Date;
  orderNo: string;
  transactionId: string;
  refundNo?: string;
  wechatRefundId?: string;
  /** Payment: 订单金额 (what the order asked for); refund: 退款金额. */
  amountFen: Fen;
  /** 应结订单金额: what the merchant is settled for the payment (less coupons); 0 on a refund line. */
  settlementFen: Fen;
  /** 手续费: negative on a refund line (the fee given back). */
  feeFen: Fen;
  /** Payment: 交易状态 (SUCCESS, REVOKED…); refund: 退款状态 (SUCCESS, PROCESSING, CHANGE, REFUNDCLOSE). */
  state: string;
}

/** The totals a bill's summary line states, checked against the sum of its lines. */
export interface BillTotals {
  count: number;
  paymentFen: Fen;
  refundFen: Fen;
  feeFen: Fen;
}

/** An order as matching needs it. */
export interface LocalPayment {
  orderNo: string;
  state: OrderState;
  amountFen: Fen;
  apiVersion: ApiVersion;
}

/** A refund as matching needs it. */
export interface LocalRefund {
  refundNo: string;
  orderNo: string;
  state: RefundState;
  amountFen: Fen;
}

/** What matching found wrong with one pair, and whether the service may repair it itself. */
export interface Finding {
  kind: DiscrepancyKind;
  orderNo: string;
  refundNo?: string;
  wechatFen?: Fen;
  localFen?: Fen;
  detail: string;
  repair?: 'mark-paid' | 'query-refund';
  /** The bill line a `mark-paid` repair applies (not stored: the line is). */
  evidence?: Pick<BillEntry, 'transactionId' | 'amountFen' | 'at'>;
}

/** A finding as recorded for a day. */
export interface Discrepancy extends Omit<Finding, 'repair' | 'evidence'> {
  id: number;
  date: string;
  resolution: DiscrepancyResolution;
  /** What the repair did, or why the difference went away. */
  note: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

/** Money of one side for the day: payments in, refunds out, fees (from the bill), and what is left. */
export interface MoneyTotals {
  payments: number;
  paymentFen: Fen;
  refunds: number;
  refundFen: Fen;
  feeFen: Fen;
  netFen: Fen;
}

/** A day's report: the two sides' totals and the differences, by resolution. */
export interface Reconciliation {
  date: string;
  status: ReconciliationStatus;
  apiVersion: ApiVersion | null;
  wechat: MoneyTotals;
  local: MoneyTotals;
  billRows: number;
  /** SHA-1 of the trade bill as WeChat stated it (v3), or null (v2 bills carry none). */
  billHash: string | null;
  /** Totals of the fund-flow bill (v3): money in and out of the basic account. */
  fundFlow: { rows: number; incomeFen: Fen; expenseFen: Fen } | null;
  counts: Record<DiscrepancyResolution, number>;
  attempts: number;
  lastError: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Orders whose payment WeChat's bill must list: every state a payment leads to. */
/** `交易状态` of a bill line that gives a reversed payment code's money back (撤销). */
export const REVERSAL_LINE_STATE = 'REVOKED';

export const BILLED_ORDER_STATES: readonly OrderState[] = [
  'PAID',
  'REFUNDING',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
];
/** Refunds WeChat accepted, so its bill lists them, whatever became of them since. */
export const BILLED_REFUND_STATES: readonly RefundState[] = ['PROCESSING', 'SUCCESS', 'ABNORMAL', 'CLOSED'];

/** Fee the configured rate gives (basis points, 60 = 0.60%), rounded half up to the fen as WeChat does. */
export function expectedFee(amountFen: Fen, rateBasisPoints: number): Fen {
  return Math.floor((amountFen * rateBasisPoints + 5_000) / 10_000);
}

/**
 * A payment line against the order of that number (or none). Only a paid line is a payment:
 * a REVOKED payment-code line means the money went back.
 */
export function checkPayment(
  entry: BillEntry,
  local: LocalPayment | undefined,
  feeRateBasisPoints?: number,
): Finding | undefined {
  const base = { orderNo: entry.orderNo, wechatFen: entry.amountFen };
  if (entry.state !== 'SUCCESS') return undefined;
  if (!local) {
    return { ...base, kind: 'UNKNOWN_ORDER', detail: `WeChat ${entry.transactionId}; no such order here` };
  }
  if (local.amountFen !== entry.amountFen) {
    return {
      ...base,
      kind: 'AMOUNT_MISMATCH',
      localFen: local.amountFen,
      detail: `state here ${local.state}`,
    };
  }
  if (OPEN_ORDER_STATES.includes(local.state)) {
    return {
      ...base,
      kind: 'PAID_AT_WECHAT_ONLY',
      localFen: local.amountFen,
      detail: `state here ${local.state}`,
      repair: 'mark-paid',
      evidence: { transactionId: entry.transactionId, amountFen: entry.amountFen, at: entry.at },
    };
  }
  // A payment code reversed (撤销) after WeChat charged it: the same bill, or the next, gives the
  // money back on its REVOKED line; the service only says REVERSED once WeChat confirmed it.
  if (local.state === 'REVERSED') return undefined;
  if (!BILLED_ORDER_STATES.includes(local.state)) {
    return {
      ...base,
      kind: 'PAID_BUT_CLOSED_HERE',
      localFen: local.amountFen,
      detail: `state here ${local.state}`,
    };
  }
  if (feeRateBasisPoints !== undefined) {
    const fee = expectedFee(entry.amountFen, feeRateBasisPoints);
    if (fee !== entry.feeFen) {
      return {
        ...base,
        kind: 'FEE_MISMATCH',
        wechatFen: entry.feeFen,
        localFen: fee,
        detail: `fee on ${entry.amountFen} fen at ${feeRateBasisPoints / 100}%`,
      };
    }
  }
  return undefined;
}

/** A refund line against the refund of that number (or none). */
export function checkRefund(entry: BillEntry, local: LocalRefund | undefined): Finding | undefined {
  const base = { orderNo: entry.orderNo, refundNo: entry.refundNo, wechatFen: entry.amountFen };
  if (!local) {
    return {
      ...base,
      kind: 'REFUND_AT_WECHAT_ONLY',
      detail: `WeChat refund ${entry.wechatRefundId ?? '?'} (${entry.state})`,
    };
  }
  if (local.amountFen !== entry.amountFen) {
    return {
      ...base,
      kind: 'REFUND_MISMATCH',
      localFen: local.amountFen,
      detail: `state here ${local.state}, at WeChat ${entry.state}`,
    };
  }
  const wechatSucceeded = entry.state === 'SUCCESS';
  if (wechatSucceeded && local.state !== 'SUCCESS') {
    return {
      ...base,
      kind: 'REFUND_UNSETTLED_HERE',
      localFen: local.amountFen,
      detail: `state here ${local.state}`,
      repair: 'query-refund',
    };
  }
  if (local.state === 'SUCCESS' && (entry.state === 'REFUNDCLOSE' || entry.state === 'CHANGE')) {
    return {
      ...base,
      kind: 'REFUND_MISMATCH',
      localFen: local.amountFen,
      detail: `succeeded here, ${entry.state} at WeChat`,
    };
  }
  return undefined;
}

/** A payment recorded here for the day that the bill lacks. */
export function missingPayment(local: LocalPayment): Finding | undefined {
  if (!BILLED_ORDER_STATES.includes(local.state)) return undefined;
  return {
    kind: 'MISSING_FROM_BILL',
    orderNo: local.orderNo,
    localFen: local.amountFen,
    detail: `state here ${local.state}`,
  };
}

/** A refund WeChat accepted (by the record here) that the bill lacks. */
export function missingRefund(local: LocalRefund): Finding | undefined {
  if (!BILLED_REFUND_STATES.includes(local.state)) return undefined;
  return {
    kind: 'REFUND_HERE_ONLY',
    orderNo: local.orderNo,
    refundNo: local.refundNo,
    localFen: local.amountFen,
    detail: `state here ${local.state}`,
  };
}

/** Differences that concern a record the bill of another day may still list (the day's edges). */
export const FOUND_LATER_KINDS: readonly DiscrepancyKind[] = ['MISSING_FROM_BILL', 'REFUND_HERE_ONLY'];

/** `netFen` is what reaches the merchant: payments less refunds less fees. */
export function moneyTotals(parts: Omit<MoneyTotals, 'netFen'>): MoneyTotals {
  return { ...parts, netFen: parts.paymentFen - parts.refundFen - parts.feeFen };
}
